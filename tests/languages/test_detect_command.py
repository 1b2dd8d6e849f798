"""`bayling-local detect` as a user runs it, and a short line taking its document's language in `translate`."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from tui.fakes import FakeEngine

from bayling_local.cli.main import cli
from bayling_local.config import GenerationConfig
from bayling_local.language.names import resolve_language
from bayling_local.runs.setup import TranslationSettings
from bayling_local.runs.translate import TranslateJob, run_translate

GERMAN = [
    "Hallo Anna",
    "Die Sitzung beginnt um neun Uhr im großen Saal des Rathauses.",
    "Bitte bringen Sie die Unterlagen vom letzten Treffen mit.",
]


def test_each_line_gets_its_language_in_input_order_and_blank_lines_stay() -> None:
    text = "Die Sitzung beginnt um neun Uhr im großen Saal.\n\nLa réunion commence à neuf heures.\nOK\n"
    outcome = CliRunner().invoke(cli, ["detect", "--top", "2"], input=text)
    assert outcome.exit_code == 0, outcome.output
    rows = outcome.stdout.split("\n")
    assert rows[0].startswith("deu_Latn\t") and "German" in rows[0] and rows[1] == ""
    assert rows[2].startswith("fra_Latn\t") and rows[3].startswith("unknown\t")
    assert rows[2].count(", ") == 1  # two candidates


def test_json_is_one_object_a_line_with_null_when_it_abstains() -> None:
    outcome = CliRunner().invoke(
        cli, ["detect", "--json", "--top", "3"], input="Tak\nBuenos días a todos, amigos míos.\n"
    )
    first, second = (json.loads(line) for line in outcome.stdout.splitlines())
    assert first["language"] is None and first["confidence"] < 0.5 and len(first["candidates"]) == 3
    assert second["language"] == "spa_Latn" and second["candidates"][0]["language"] == "spa_Latn"


def test_nothing_to_read_is_one_line() -> None:
    outcome = CliRunner().invoke(cli, ["detect", "-i", "/nonexistent/file.txt"])
    assert outcome.exit_code != 0 and len(outcome.stderr.strip().splitlines()) == 1


def test_translate_gives_a_too_short_line_the_language_of_the_text_and_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = FakeEngine(translation="Bonjour", delay=0)
    monkeypatch.setattr("bayling_local.store.opening.open_engine", lambda *a, **k: engine)
    notices: list[str] = []
    out: list[str] = []
    job = TranslateJob(
        lines=GERMAN,
        settings=TranslationSettings(
            resolve_language("fra_Latn"), None, generation=GenerationConfig(max_retries=0)
        ),
        as_json=True,
        notify=notices.append,
    )
    run_translate(job, out.append)
    records = [json.loads(line) for line in "".join(out).splitlines()]
    assert records[0]["source_language"] == "deu_Latn" and records[0]["source_inherited"] is True
    assert records[1]["source_inherited"] is False
    assert any(
        n.startswith("Line(s) 1 too short to tell their language: translated as deu_Latn") for n in notices
    )
