"""Snapshots of the main screens (update with `pytest tests/tui/test_snapshots.py --snapshot-update`)."""

from __future__ import annotations

from types import SimpleNamespace

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from bayling_local.tui import workers

from .conftest import MakeApp, settle
from .fakes import FakeEngine

SIZE = (110, 32)
ANSWER = "**Paris** is the capital of France.\n\n- population: about 2 million\n- river: the Seine"


def engine() -> FakeEngine:
    return FakeEngine(answer=ANSWER, delay=0, fixed_seconds=0.5, translation="Bonjour tout le monde")


async def steady(pilot: Pilot) -> None:
    """Hold every text cursor still, shown where the user would see it, and draw the fields again: a snapshot
    must not depend on the phase of a blink (an Input without blinking shows a steady cursor; a TextArea
    without blinking shows none, so its blink is paused with the cursor visible instead)."""
    for screen in pilot.app.screen_stack:
        for area in screen.query(TextArea):
            # Textual's own way to hold a TextArea's cursor (private: a Textual upgrade may rename it, and
            # this test then fails loudly rather than flakily)
            area._pause_blink(visible=area.has_focus)
            area.refresh()
        for field in screen.query(Input):
            field.cursor_blink = False
            field.refresh()
    await pilot.pause()


async def converse(pilot: Pilot) -> None:
    app = pilot.app
    await settle(app, pilot)  # type: ignore[arg-type]
    prompt = app.query_one("#prompt")
    prompt.load_text("What is the capital of France?")  # type: ignore[attr-defined]
    await pilot.press("enter")
    await settle(app, pilot)  # type: ignore[arg-type]
    await steady(pilot)


def test_chat_screen(make_app: MakeApp, snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(engine()), terminal_size=SIZE, run_before=converse)


def test_translation_screen(make_app: MakeApp, snap_compare, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # The translation's tokens/s comes from the wall clock: stop it so the status line is stable.
    monkeypatch.setattr(workers, "time", SimpleNamespace(perf_counter=lambda: 0.0, monotonic=lambda: 0.0))

    async def translate(pilot: Pilot) -> None:
        app = pilot.app
        await settle(app, pilot)  # type: ignore[arg-type]
        app.query_one("#source-text").load_text("Hello everyone")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(app, pilot)  # type: ignore[arg-type]
        await steady(pilot)

    app = make_app(engine(), translate=True, target="fra_Latn")  # a fresh database: source auto-detected
    assert snap_compare(app, terminal_size=SIZE, run_before=translate)


def test_help_screen(make_app: MakeApp, snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def help_screen(pilot: Pilot) -> None:
        await settle(pilot.app, pilot)  # type: ignore[arg-type]
        await pilot.press("f1")
        await pilot.pause()
        await steady(pilot)

    assert snap_compare(make_app(engine()), terminal_size=SIZE, run_before=help_screen)


def test_settings_screen(make_app: MakeApp, snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def settings(pilot: Pilot) -> None:
        await converse(pilot)
        await pilot.press("f2")
        await pilot.pause()
        await steady(pilot)

    assert snap_compare(make_app(engine()), terminal_size=SIZE, run_before=settings)
