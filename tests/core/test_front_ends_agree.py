"""The front-ends set a translation up the same way (`translation.translator.make_translator`): a line too
short to tell its language ("Danke!" between two German lines) is translated as the language of the text
around it, in the CLI, in the server and in the TUI's translation pane alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from server.conftest import _wait_healthy, running
from tui.conftest import settle
from tui.fakes import FakeEngine, FakeLoader

from bayling_local.chats import ChatStore
from bayling_local.cli.main import cli
from bayling_local.config import GenerationConfig, RuntimeConfig
from bayling_local.tui.app import AppOptions, create_app
from bayling_local.tui.widgets.translate_panel import TranslatePanel

LINES = ["Guten Morgen, wie geht es dir heute?", "Danke!", "Ich hoffe, wir sehen uns bald wieder."]
EXPECTED = [("deu_Latn", False), ("deu_Latn", True), ("deu_Latn", False)]


def engine() -> FakeEngine:
    return FakeEngine(translation="Bonjour", delay=0)


def test_the_cli_names_the_text_language_for_the_short_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bayling_local.store.opening.open_engine", lambda *a, **k: engine())
    outcome = CliRunner().invoke(cli, ["translate", "\n".join(LINES), "--to", "fr", "--json"])
    assert outcome.exit_code == 0, outcome.output
    records = [json.loads(line) for line in outcome.stdout.splitlines()]
    assert [(r["source_language"], r["source_inherited"]) for r in records] == EXPECTED


def test_the_server_names_the_text_language_for_the_short_line() -> None:
    with running(lambda _name: engine()) as live:
        _wait_healthy(live)
        page = live.post("/api/translate", json={"q": "\n".join(LINES), "target": "fr"})
        libre = live.post("/translate", json={"q": LINES, "source": "auto", "target": "fr"}).json()
    events = [json.loads(line[5:]) for line in page.text.splitlines() if line.startswith("data:")]
    segments = [event for event in events if event["event"] == "segment"]
    assert [(e["source_language"], e["source_inherited"]) for e in segments] == EXPECTED
    assert [found["language"] for found in libre["detectedLanguage"]] == ["de", "de", "de"]


@pytest.mark.anyio
async def test_the_tui_translation_pane_names_the_text_language_for_the_short_line(tmp_path: Path) -> None:
    options = AppOptions(
        runtime=RuntimeConfig(),
        generation=GenerationConfig(),
        db_path=tmp_path / "chats.sqlite3",
        translate=True,
        target="fra_Latn",
    )
    app = create_app(options, loader=FakeLoader(engine()), store=ChatStore(tmp_path / "chats.sqlite3"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        panel = app.query_one(TranslatePanel)
        panel.set_source_text("\n".join(LINES))
        panel.query_one("#source-text").focus()
        await pilot.press("enter")
        await settle(app, pilot)  # the results arrive as a message after the worker ends
        assert [(r.source_language, r.source_inherited) for r in panel.last_results] == EXPECTED
        assert "Detected German" in str(panel.query_one("#translate-info").render())


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
