"""The library says what is wrong in words every front-end can use; each front-end adds its own way out: the
command line names its flags (`cli/wording.py`), the server its fields, and neither gets the other's."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from server.conftest import Running, _wait_healthy, running
from tui.fakes import FakeEngine

from bayling_local.cli import cli

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
FRENCH_PO = HEADER + '"Language: fr\\n"\n\nmsgid "Save"\nmsgstr "Enregistrer"\n'
FRENCH_XLIFF = (
    '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="fr">'
    '<file id="f"><unit id="1"><segment><source>Hello</source><target>Bonjour</target></segment></unit>'
    "</file></xliff>"
)


def cli_error(*args: str) -> str:
    outcome = CliRunner().invoke(cli, list(args))
    assert outcome.exit_code != 0, outcome.output
    lines = [line for line in outcome.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in outcome.output
    return lines[0]


@pytest.fixture(scope="module")
def live() -> Running:
    with running(lambda _name: FakeEngine(delay=0)) as server:
        _wait_healthy(server)
        yield server  # type: ignore[misc]


def upload_error(live: Running, name: str, data: str) -> str:
    answer = live.post("/api/files", files={"file": (name, data.encode())}, data={"target": "pl"})
    assert answer.status_code == 400
    return str(answer.json()["error"])


def test_an_unknown_file_type_names_format_on_the_command_line_only(tmp_path: Path, live: Running) -> None:
    source = tmp_path / "notes.xyz"
    source.write_text("Hello\n", encoding="utf-8")
    said = cli_error("translate", "-i", str(source), "--to", "fr")
    assert "unknown file type '.xyz'" in said and said.endswith("(or give --format)")
    answered = upload_error(live, "notes.xyz", "Hello\n")
    assert "unknown file type '.xyz'" in answered and "--format" not in answered


def test_an_unknown_format_name_is_worded_as_the_flag(tmp_path: Path) -> None:
    source = tmp_path / "notes.md"
    source.write_text("Hello\n", encoding="utf-8")
    said = cli_error("translate", "-i", str(source), "--to", "fr", "--format", "rtf")
    assert said.startswith("Error: unknown --format 'rtf'; choose one of text, markdown")


@pytest.mark.parametrize(
    ("name", "text", "entries"), [("fr.po", FRENCH_PO, "entry"), ("app.xlf", FRENCH_XLIFF, "unit")]
)
def test_a_file_in_another_language_offers_overwrite_on_the_command_line_only(
    tmp_path: Path, live: Running, name: str, text: str, entries: str
) -> None:
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    said = cli_error("translate", "-i", str(source), "-o", str(tmp_path / f"out-{name}"), "--to", "pl")
    assert "French" in said and said.endswith(f"or give --overwrite to translate every {entries} anew")
    answered = upload_error(live, name, text)
    assert "French" in answered and "--overwrite" not in answered


def test_glossary_problems_name_to_and_from_on_the_command_line_and_source_on_the_server(
    tmp_path: Path, live: Running
) -> None:
    german = tmp_path / "terms.tsv"
    german.write_text("en\tde\npump\tPumpe\n", encoding="utf-8")
    said = cli_error("translate", "Hello", "--to", "fr", "--glossary", str(german))
    assert "has no column for fra_Latn" in said and said.endswith("add one, or pick --to")
    headerless = tmp_path / "plain.tsv"
    headerless.write_text("pump\tpompe\n", encoding="utf-8")
    said = cli_error("translate", "Hello", "--to", "fr", "--glossary", str(headerless))
    assert "has no header row" in said and said.endswith("(--from)")
    answer = live.post("/translate", json={"q": "Hello", "target": "fr", "glossary": "pump\tpompe"})
    assert answer.status_code == 400
    message = answer.json()["error"]
    assert "has no header row" in message and message.endswith("(`source`)") and "--from" not in message
