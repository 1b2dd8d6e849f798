"""A translation known to be wrong (another language, a loop, a prompt's example, the source back) is never
written into a document as if it were good: the source text stays in its place, the summary names it, and
the report keeps the attempt with its check."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from tui.fakes import FakeEngine

from bayling_local.cli import cli
from bayling_local.engine.requests import Request

GUIDE = "# Pumps\n\nOpen the valve before you start the pump.\n\nClose it when the tank is full.\n"


class Answers(FakeEngine):
    """Answers each few-shot prompt by the sentence it asks for."""

    def __init__(self, answers: dict[str, str]) -> None:
        super().__init__(delay=0)
        self.answers = answers

    def reply(self, prompt: str, request: Request) -> str:
        asked = prompt.rstrip().splitlines()[-2].split(": ", 1)[1]
        return self.answers[asked]


@pytest.mark.parametrize(
    ("answer", "check"),
    [
        ("Open the valve first, and only then should you start the pump.", "wrong-language"),
        ("Öffnen Sie, " * 12, "repetition"),
        ("Die Bibliothek öffnet um 9 Uhr morgens.", "prompt-example"),
    ],
)
def test_a_wrong_translation_leaves_the_source_in_the_document_and_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answer: str, check: str
) -> None:
    engine = Answers(
        {
            "Pumps": "Pumpen",
            "Open the valve before you start the pump.": answer,
            "Close it when the tank is full.": "Schließen Sie es, wenn der Tank voll ist.",
        }
    )
    monkeypatch.setattr("bayling_local.store.opening.open_engine", lambda *a, **k: engine)
    source, out, report = tmp_path / "guide.md", tmp_path / "guide.de.md", tmp_path / "report.jsonl"
    source.write_text(GUIDE, encoding="utf-8")
    args = [
        "translate",
        "-i",
        str(source),
        "-o",
        str(out),
        "--from",
        "en",
        "--to",
        "de",
        "--report",
        str(report),
    ]
    outcome = CliRunner().invoke(cli, args)
    assert outcome.exit_code == 0, outcome.output
    written = out.read_text(encoding="utf-8")
    assert written == (
        "# Pumpen\n\nOpen the valve before you start the pump.\n\nSchließen Sie es, wenn der Tank voll ist.\n"
    )
    assert (
        f"kept in the source language, their translation being wrong: guide.md line 3 ({check})"
        in outcome.stderr
    )
    records = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    kept = [r for r in records if r["kept_source"]]
    assert [(r["location"], r["check"]) for r in kept] == [("line 3", check)]
    if check != "prompt-example":  # an example sentence is no attempt at anything: the core drops it itself
        assert kept[0]["translation"].startswith(answer.strip()[:10])  # the attempt stays in the report
