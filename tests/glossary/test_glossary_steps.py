"""Each enforcement step, with a stand-in model that honours the glossary line always, only in a retry, or
never (keeping or dropping markers): the prompt, the check, the retry naming only the missing terms, the
marker step, and what the records and the summary say."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bayling_local.cli.main import cli
from bayling_local.config import GenerationConfig
from bayling_local.language.names import resolve_language
from bayling_local.translation.batch import translate_segments
from bayling_local.translation.glossary import Entry, Glossary
from bayling_local.translation.translator import Translator
from glossary.terms_fake import TermEngine

GLOSSARY = Glossary(
    [
        Entry({"eng_Latn": "pump", "fra_Latn": "pomparelle"}),
        Entry({"eng_Latn": "valve", "fra_Latn": "vannoxe"}),
        Entry({"keep": "PumpCo"}, keep=True),
    ]
)


def _run(engine: TermEngine, text: str, retries: int = 2) -> dict[str, object]:
    translator = Translator(
        engine,
        resolve_language("fr"),
        resolve_language("en"),
        GenerationConfig(max_retries=retries),
        glossary=GLOSSARY,
    )
    return translate_segments(translator, [text], progress=False)[0].as_json()


def test_terms_go_into_the_prompt_and_a_model_that_uses_them_needs_nothing_more() -> None:
    engine = TermEngine("always")
    record = _run(engine, "Open the valve, then start the pump.")
    assert "Glossary (English = French): valve = vannoxe; pump = pomparelle" in engine.prompts[0]
    assert record["translation"] == "NEPO EHT vannoxe, NEHT TRATS EHT pomparelle."
    assert [(t["source"], t["step"]) for t in record["terms"]] == [("valve", "prompt"), ("pump", "prompt")]  # type: ignore[union-attr]
    assert record["retries"] == 0 and len(engine.prompts) == 1


def test_a_retry_names_only_the_missing_terms() -> None:
    engine = TermEngine("retry")
    record = _run(engine, "Open the valve, then start the pump.")
    assert "Glossary (English = French): valve = vannoxe; pump = pomparelle" in engine.prompts[1]
    assert record["retries"] == 1 and record["check"] is None
    assert {t["step"] for t in record["terms"]} == {"retry"}  # type: ignore[union-attr]


def test_a_model_that_ignores_the_glossary_gets_the_terms_through_markers() -> None:
    engine = TermEngine("never")
    record = _run(engine, "Open the valve, then start the pump. PumpCo builds it.")
    # each sentence is a piece of its own (a completion prompt goes sentence by sentence)
    assert any("English: Open the <m901/>, then start the <m902/>.\nFrench:" in p for p in engine.prompts)
    assert any("English: <m901/> builds it.\nFrench:" in p for p in engine.prompts)
    assert record["translation"] == "NEPO EHT vannoxe, NEHT TRATS EHT pomparelle. PumpCo SDLIUB TI."
    assert [t["step"] for t in record["terms"]] == ["marker", "marker", "marker"]  # type: ignore[union-attr]
    assert record["check"] is None


def test_markers_lost_as_well_still_end_with_every_term() -> None:
    engine = TermEngine("never", keeps_markers=False)
    record = _run(engine, "Start the pump now.", retries=0)
    assert record["translation"] == "TRATS EHT pomparelle WON."
    assert record["terms"] == [{"source": "pump", "target": "pomparelle", "found": True, "step": "marker"}]


def test_the_cli_reads_the_glossary_and_prints_the_summary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = TermEngine("retry")
    monkeypatch.setattr("bayling_local.store.opening.open_engine", lambda *a, **k: engine)
    glossary = tmp_path / "terms.tsv"
    glossary.write_text("en\tfr\npump\tpomparelle\n")
    text = tmp_path / "in.txt"
    text.write_text("Start the pump.\nNo term here at all.\nPumpCo pumps water.\n")
    result = CliRunner().invoke(
        cli,
        [
            "translate",
            "-i",
            str(text),
            "--to",
            "fr",
            "--from",
            "en",
            "--glossary",
            str(glossary),
            "--keep",
            "PumpCo",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [len(r["terms"]) for r in records] == [1, 0, 2]
    # this model honours the glossary line only in a retry: the kept name is named there too
    assert "glossary: 3/3 terms honoured (0 prompt, 3 retry, 0 marker)" in result.stderr


def test_documents_keep_their_glossary_records(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = TermEngine("always")
    monkeypatch.setattr("bayling_local.store.opening.open_engine", lambda *a, **k: engine)
    glossary = tmp_path / "terms.csv"
    glossary.write_text("en,fr\npump,pomparelle\n")
    source = tmp_path / "a.md"
    source.write_text("# The pump\n\nStart the **pump** now.\n")
    result = CliRunner().invoke(
        cli, ["translate", "-i", str(source), "--to", "fr", "--from", "en", "--glossary", str(glossary)]
    )
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "# EHT pomparelle\n\nTRATS EHT **pomparelle** WON.\n"
    assert "glossary: 2/2 terms honoured (2 prompt, 0 retry, 0 marker)" in result.stderr


def test_a_missing_term_is_milder_than_an_echo_and_a_long_piece_gets_the_named_retry() -> None:
    from bayling_local.translation.checks import severity

    assert severity("echo") > severity("terms") > severity("commentary")
    engine = TermEngine("retry")
    translator = Translator(
        engine, resolve_language("fr"), resolve_language("en"), GenerationConfig(max_retries=2), by_sentence=False,
        glossary=GLOSSARY,
    )  # fmt: skip
    record = translate_segments(translator, ["Start the pump now. Then wait a little."], progress=False)[0]
    # one piece of two sentences: its retry for the missing term is the strict one naming it, not a split
    assert "never copy it" in engine.prompts[1].split("\n")[0]
    assert engine.prompts[1].endswith(
        "pump = pomparelle\nEnglish: Start the pump now. Then wait a little.\nFrench:"
    )
    assert record.terms[0]["step"] == "retry" and record.retries == 1
