"""The translation memory: what finds a segment again and what does not, sampling, TMX, a broken file,
two writers, and what a user sees when translating a text again."""

from __future__ import annotations

import dataclasses
import multiprocessing
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from documents.flip import FlipEngine

from bayling_local.cli.main import cli
from bayling_local.config import GenerationConfig
from bayling_local.language.names import resolve_language
from bayling_local.translation.batch import translate_segments
from bayling_local.translation.glossary import Entry, Glossary
from bayling_local.translation.memory import IMPORTED, MemoryEntry, TranslationMemory, segment_key
from bayling_local.translation.translator import Translator

EN, FR, DE = (resolve_language(code) for code in ("en", "fr", "de"))


def _translate(
    memory: TranslationMemory, engine: FlipEngine, lines: list[str], **changes: object
) -> list[bool]:
    """Whether each line came from the memory."""
    generation = dataclasses.replace(
        GenerationConfig(max_retries=0),
        **{k: v for k, v in changes.items() if k in ("temperature", "max_tokens", "context")},
    )
    translator = Translator(
        engine,
        changes.get("target", FR),  # type: ignore[arg-type]
        changes.get("source", EN),  # type: ignore[arg-type]
        generation,
        glossary=changes.get("glossary"),  # type: ignore[arg-type]
    )
    translator.memory = memory
    return [r.from_memory for r in translate_segments(translator, lines, progress=False)]


def test_a_segment_is_found_again_only_when_nothing_that_decides_it_changed(tmp_path: Path) -> None:
    memory = TranslationMemory(tmp_path / "m.sqlite3")
    engine = FlipEngine()
    lines = ["Start the pump now.", "Close the valve."]
    assert _translate(memory, engine, lines) == [False, False]
    assert _translate(memory, engine, lines) == [True, True]
    assert _translate(memory, engine, ["Start the pump now!", "Close the valve."]) == [False, True]  # text
    assert _translate(memory, engine, lines, target=resolve_language("es")) == [False, False]  # target
    assert _translate(memory, engine, lines, source=None) == [True, True]  # detected as English: the same
    assert _translate(memory, engine, lines, source=DE) == [False, False]  # another source language
    assert _translate(memory, engine, lines, max_tokens=100) == [
        False,
        False,
    ]  # a setting that changes output
    pump = Glossary([Entry({"eng_Latn": "pump", "fra_Latn": "pompe"})])
    assert _translate(memory, engine, lines, glossary=pump) == [False, True]  # only the segment it matched
    other = Glossary(
        [Entry({"eng_Latn": "pump", "fra_Latn": "pompe"}), Entry({"eng_Latn": "tank", "fra_Latn": "cuve"})]
    )
    assert _translate(memory, engine, lines, glossary=other) == [
        True,
        True,
    ]  # an unrelated entry changes nothing
    renamed = FlipEngine()
    renamed.name = "another-model"
    assert _translate(memory, renamed, lines) == [False, False]  # the model
    # the context before a segment: the first has none (its prompt is the same), the second has the first
    assert _translate(memory, engine, lines, context=1) == [True, False]


def test_the_key_of_a_segment_stays_what_earlier_versions_wrote() -> None:
    """Users' memories are found by this hash: a change to how it is made orphans every stored segment (the
    value is what the key was before the translation core was reorganised)."""
    key = segment_key(
        model="sha256:abc",
        prompt_format="fewshot",
        source="eng_Latn",
        target="fra_Latn",
        terms=[("pump", "pompe", False, False)],
        context=[("Hello.", "Bonjour.")],
        note="a button",
        generation=GenerationConfig(context=1),
        text="Press the pump.",
    )
    assert key == "a25a815d67c1247816c2efaa2ae14aeff4d9875e9822fa10ecb82970bd471019"


def test_sampling_neither_reads_nor_writes_the_memory(tmp_path: Path) -> None:
    memory = TranslationMemory(tmp_path / "m.sqlite3")
    engine = FlipEngine()
    assert _translate(memory, engine, ["Open it."]) == [False]
    assert _translate(memory, engine, ["Open it."], temperature=0.7) == [False]
    assert _translate(memory, engine, ["Sampled only."], temperature=0.7) == [False]
    assert _translate(memory, engine, ["Sampled only."]) == [False]


def test_tmx_export_and_import_round_trip(tmp_path: Path) -> None:
    from bayling_local.translation.tmx import read_tmx, write_tmx

    memory = TranslationMemory(tmp_path / "m.sqlite3")
    engine = FlipEngine()
    _translate(memory, engine, ["Start the pump now.", "Close the valve."])
    written = write_tmx(list(memory.entries()), tmp_path / "out.tmx")
    assert written == 2 and 'xml:lang="fr"' in (tmp_path / "out.tmx").read_text()
    fresh = TranslationMemory(tmp_path / "other.sqlite3")
    fresh.add(read_tmx(tmp_path / "out.tmx"))
    assert _translate(fresh, engine, ["Start the pump now.", "Close the valve."]) == [True, True]
    foreign = tmp_path / "cat.tmx"
    foreign.write_text(
        '<?xml version="1.0"?><tmx version="1.4"><header srclang="en-US" datatype="plaintext" segtype="sentence" '
        'adminlang="en" creationtool="OmegaT" creationtoolversion="6" o-tmf="OmegaT"/><body><tu>'
        '<tuv xml:lang="en-US"><seg>Close the valve.</seg></tuv><tuv xml:lang="fr-FR"><seg>Fermez la vanne.</seg></tuv>'
        "</tu></body></tmx>"
    )
    entries = read_tmx(foreign)
    assert entries == [
        MemoryEntry(IMPORTED, "eng_Latn", "fra_Latn", "Close the valve.", "Fermez la vanne.", "")
    ]
    third = TranslationMemory(tmp_path / "third.sqlite3")
    third.add(entries)
    translator = Translator(engine, FR, EN, GenerationConfig(max_retries=0))
    translator.memory = third
    assert (
        translate_segments(translator, ["Close the valve."], progress=False)[0].translation
        == "Fermez la vanne."
    )


def test_a_corrupt_memory_is_moved_aside_and_a_new_one_started(tmp_path: Path) -> None:
    path = tmp_path / "m.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    notices: list[str] = []
    memory = TranslationMemory(path, notices.append)
    assert len(notices) == 1 and "could not be read" in notices[0] and "a new one is started" in notices[0]
    assert list(tmp_path.glob("m.sqlite3.corrupt-*"))
    assert _translate(memory, FlipEngine(), ["Open it."]) == [False]
    assert _translate(memory, FlipEngine(), ["Open it."]) == [True]


def _writer(path: str, name: str) -> None:
    memory = TranslationMemory(Path(path))
    for number in range(150):
        memory.store(
            f"{name}-{number}", name, MemoryEntry(name, "eng_Latn", "fra_Latn", f"s{number}", f"t{number}")
        )


def test_two_processes_writing_at_once_both_record(tmp_path: Path) -> None:
    path = str(tmp_path / "m.sqlite3")
    TranslationMemory(Path(path)).close()
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(path, name)) for name in ("a", "b")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0, 0]
    assert sqlite3.connect(path).execute("SELECT COUNT(*) FROM segments").fetchone()[0] == 300


def test_translating_a_document_again_takes_the_unchanged_part_from_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = FlipEngine()
    monkeypatch.setattr("bayling_local.store.opening.open_engine", lambda *a, **k: engine)
    source = tmp_path / "a.md"
    source.write_text("# Title here\n\nFirst paragraph.\n\nSecond paragraph.\n")
    run = ["translate", "-i", str(source), "-o", str(tmp_path / "out.md"), "--to", "fr", "--from", "en"]
    assert CliRunner().invoke(cli, run).exit_code == 0
    source.write_text("# Title here\n\nFirst paragraph, edited.\n\nSecond paragraph.\n")
    asked = len(engine.sources)
    result = CliRunner().invoke(cli, run)
    assert result.exit_code == 0, result.stderr
    assert engine.sources[asked:] == ["First paragraph, edited."]
    assert "Translation memory: 2 from memory, 1 translated" in result.stderr
    assert (
        tmp_path / "out.md"
    ).read_text() == "# ELTIT EREH\n\nTSRIF HPARGARAP, DETIDE.\n\nDNOCES HPARGARAP.\n"
    asked = len(engine.sources)
    assert CliRunner().invoke(cli, [*run, "--no-memory"]).exit_code == 0
    assert len(engine.sources) == asked + 3


def test_the_memory_command_shows_clears_exports_and_imports(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = FlipEngine()
    monkeypatch.setattr("bayling_local.store.opening.open_engine", lambda *a, **k: engine)
    CliRunner().invoke(cli, ["translate", "Open the valve.", "--to", "fr", "--from", "en"])
    stats = CliRunner().invoke(cli, ["memory", "stats"])
    assert "1 segments" in stats.stdout and "eng_Latn -> fra_Latn  name:fake-model" in stats.stdout
    exported = CliRunner().invoke(cli, ["memory", "export", str(tmp_path / "m.tmx")])
    assert exported.exit_code == 0 and "Wrote 1 translation units" in exported.stderr
    assert "Removed 1 segments." in CliRunner().invoke(cli, ["memory", "clear"]).stderr
    assert "Added 1 segments" in CliRunner().invoke(cli, ["memory", "import", str(tmp_path / "m.tmx")]).stderr
    assert "1 segments" in CliRunner().invoke(cli, ["memory", "stats"]).stdout


def test_a_locked_memory_is_not_taken_for_a_broken_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "m.sqlite3"
    TranslationMemory(path).close()

    def locked(_path: Path, timeout: float = 30) -> sqlite3.Connection:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr("bayling_local.translation.memory._connect", locked)
    notices: list[str] = []
    memory = TranslationMemory(path, notices.append)
    assert memory.db is None and "cannot be used now (database is locked)" in notices[0]
    assert path.exists() and not list(tmp_path.glob("*.corrupt-*"))  # kept as it is, nothing moved aside
    assert _translate(memory, FlipEngine(), ["Open it."]) == [False]


def test_a_kept_name_is_not_served_by_a_looser_glossary_entrys_memory(tmp_path: Path) -> None:
    memory = TranslationMemory(tmp_path / "m.sqlite3")
    engine = FlipEngine()
    loose = Glossary([Entry({"eng_Latn": "Pumpco", "fra_Latn": "Pumpco"})])
    keep = Glossary([Entry({"keep": "Pumpco"}, keep=True)])
    assert _translate(memory, engine, ["Pumpco pumps."], glossary=loose) == [False]
    assert _translate(memory, engine, ["Pumpco pumps."], glossary=keep) == [False]


def test_tmx_skips_inline_codes_and_writes_control_characters_safely(tmp_path: Path) -> None:
    from bayling_local.translation.tmx import read_tmx, write_tmx

    tagged = tmp_path / "tagged.tmx"
    tagged.write_text(
        '<?xml version="1.0"?><tmx version="1.4"><header srclang="en"/><body><tu>'
        '<tuv xml:lang="en"><seg>Press <bpt i="1">&lt;b&gt;</bpt>Start<ept i="1">&lt;/b&gt;</ept> now.</seg></tuv>'
        '<tuv xml:lang="fr"><seg>Appuyez sur <hi>Démarrer</hi>.</seg></tuv></tu></body></tmx>'
    )
    [entry] = read_tmx(tagged)
    assert (entry.source, entry.translation) == ("Press Start now.", "Appuyez sur Démarrer.")
    odd = MemoryEntry("m", "eng_Latn", "fra_Latn", "bell\x07 here", "cloche\x07 ici", "k")
    assert write_tmx([odd], tmp_path / "odd.tmx") == 1
    assert read_tmx(tmp_path / "odd.tmx")[0].source == "bell\ufffd here"


def test_plain_text_again_says_what_came_from_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = FlipEngine()
    monkeypatch.setattr("bayling_local.store.opening.open_engine", lambda *a, **k: engine)
    text = tmp_path / "in.txt"
    text.write_text("Open the valve.\n\nStart the pump.\n")
    run = ["translate", "-i", str(text), "--to", "fr", "--from", "en"]
    first = CliRunner().invoke(cli, run)
    assert first.exit_code == 0 and "Translation memory" not in first.stderr
    again = CliRunner().invoke(cli, run)
    assert again.stdout == first.stdout == "NEPO EHT EVLAV.\n\nTRATS EHT PMUP.\n"
    assert "Translation memory: 2 from memory, 0 translated" in again.stderr


def test_a_rerun_from_the_memory_reports_the_lines_that_failed_their_checks_as_the_first_run_did(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tui.fakes import FakeEngine

    echoed = "The committee met on Tuesday to discuss the new budget for the schools."
    engine = FakeEngine(translation=echoed, delay=0)  # every line comes back as this English sentence
    monkeypatch.setattr("bayling_local.store.opening.open_engine", lambda *a, **k: engine)
    lines = (
        "The committee met on Tuesday to discuss the new budget for the schools.\nGood morning to you all."
    )
    args = ["translate", lines, "--from", "en", "--to", "de", "--json", "--max-retries", "0"]
    first = CliRunner().invoke(cli, args)
    second = CliRunner().invoke(cli, args)
    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    checks = [
        [line.split('"check": ')[1].split(",")[0] for line in run.stdout.splitlines()]
        for run in (first, second)
    ]
    assert checks[0] == checks[1] == ['"echo"', '"wrong-language"']
    warning = [line for line in first.stderr.splitlines() if "still fail the output checks" in line]
    assert warning and warning[0] in second.stderr
    assert "Translation memory: 2 from memory" in second.stderr
