"""Pilot flows of translation mode: pickers, translating with the `translate` code, swap."""

from __future__ import annotations

import threading

import pytest
from textual.widgets import Input, OptionList

from bayling_local.tui.screens.language_picker import LanguagePickerScreen
from bayling_local.tui.widgets.translate_panel import TranslatePanel

from .conftest import MakeApp, settle, until
from .fakes import FakeEngine

pytestmark = pytest.mark.anyio


async def pick(app, pilot, key: str, search: str) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(key)
    await pilot.pause()
    assert isinstance(app.screen, LanguagePickerScreen)
    app.screen.query_one(Input).value = search
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


async def test_translate_with_pickers_and_swap(make_app: MakeApp) -> None:
    engine = FakeEngine(translation="Guten Morgen", delay=0)
    app = make_app(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+t")
        assert app.in_translate_mode()
        panel = app.query_one(TranslatePanel)
        assert "From: Auto-detect" in str(panel.query_one("#pick-source").label)
        await pick(app, pilot, "f5", "german")
        await pick(app, pilot, "f4", "eng")
        assert (app.source_language.code, app.target_language.code) == ("eng_Latn", "deu_Latn")
        assert "To: German" in str(panel.query_one("#pick-target").label)
        panel.set_source_text("Good morning")
        panel.query_one("#source-text").focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert panel.translation == "Guten Morgen"
        assert "English → German" in str(panel.query_one("#translate-info").render())
        await pilot.press("ctrl+s")
        assert (app.source_language.code, app.target_language.code) == ("deu_Latn", "eng_Latn")
        assert panel.source_text == "Guten Morgen" and panel.translation == "Good morning"
        assert app.store.get_pref("translate.target") == "eng_Latn"  # remembered for next time


async def test_a_line_that_still_fails_a_check_is_named_under_the_translation(make_app: MakeApp) -> None:
    echoed = "The committee met on Tuesday to discuss the new budget for the schools."
    app = make_app(FakeEngine(translation=echoed, delay=0))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+t")
        panel = app.query_one(TranslatePanel)
        await pick(app, pilot, "f5", "german")
        await pick(app, pilot, "f4", "eng")
        panel.set_source_text(echoed)
        panel.query_one("#source-text").focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert panel.translation == echoed  # the best attempt is still shown ...
        info = str(panel.query_one("#translate-info").render())
        assert "Check failed: line 1 echo" in info and "English → German" in info  # ... and marked


async def test_picker_search_filters_and_offers_auto_detect_for_source_only(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        assert options.get_option_at_index(0).id == "auto"
        assert options.option_count > 200  # all FLORES-200 languages
        app.screen.query_one(Input).value = "日本"
        await pilot.pause()
        assert [options.get_option_at_index(n).id for n in range(options.option_count)] == ["jpn_Jpan"]
        await pilot.press("escape")
        await pilot.press("f5")
        await pilot.pause()
        assert app.screen.query_one(OptionList).get_option_at_index(0).id != "auto"


async def test_auto_detect_then_swap_uses_the_detected_language(make_app: MakeApp) -> None:
    app = make_app(FakeEngine(translation="Bonjour tout le monde", delay=0), translate=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.in_translate_mode()  # --translate opens in translation mode
        panel = app.query_one(TranslatePanel)
        panel.set_source_text("Good morning everyone, the weather is lovely today and I am happy.")
        await pilot.press("enter")
        await settle(app, pilot)
        assert panel.translation == "Bonjour tout le monde"
        assert "Detected English" in str(panel.query_one("#translate-info").render())
        await pilot.press("ctrl+s")
        assert (app.source_language.code, app.target_language.code) == ("fra_Latn", "eng_Latn")


async def test_multi_line_source_translates_line_by_line(make_app: MakeApp) -> None:
    app = make_app(FakeEngine(translation="Hallo", delay=0), translate=True, target="de")
    async with app.run_test() as pilot:
        await settle(app, pilot)
        panel = app.query_one(TranslatePanel)
        panel.set_source_text("Hello\n\nHello")
        await pilot.press("enter")
        await settle(app, pilot)
        assert panel.translation == "Hallo\n\nHallo"
        await pilot.press("f3")
        assert app.clipboard == "Hallo\n\nHallo"


LONG_TRANSLATION = " ".join(f"mot{n}" for n in range(300))
PARAGRAPH = " ".join(["The committee met on a grey morning and talked about the old bridge for hours."] * 6)


async def test_escape_stops_a_long_paragraph_mid_generation(make_app: MakeApp) -> None:
    engine = FakeEngine(translation=LONG_TRANSLATION, delay=0)
    engine.gate, engine.gate_after = threading.Event(), 3  # held after three words until the test lets go
    app = make_app(engine, translate=True, target="fra_Latn")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        panel = app.query_one(TranslatePanel)
        panel.set_source_text(PARAGRAPH)  # one line: one segment, one request
        await pilot.press("enter")
        await until(pilot, lambda: panel.translation.startswith("mot0"))
        assert app.busy  # streaming
        await pilot.press("escape")
        engine.gate.set()
        await settle(app, pilot)
        assert not app.busy
        assert panel.translation.startswith("mot0") and len(panel.translation) < len(LONG_TRANSLATION)
        assert "Stopped" in str(panel.query_one("#translate-info").render())
        stopped = engine.results[-1]
        assert stopped.stop_reason == "cancelled"
        assert stopped.completion_tokens < len(LONG_TRANSLATION.split())  # the fake saw the cancel


async def translate_once(app, pilot, text: str) -> TranslatePanel:  # type: ignore[no-untyped-def]
    """Open translation mode, translate `text` and wait until it is done."""
    await settle(app, pilot)
    await pilot.press("ctrl+t")
    panel: TranslatePanel = app.query_one(TranslatePanel)
    panel.set_source_text(text)
    panel.query_one("#source-text").focus()
    await pilot.press("enter")
    await settle(app, pilot)
    return panel


async def test_a_new_target_clears_the_translation_in_the_old_one(make_app: MakeApp) -> None:
    app = make_app(FakeEngine(translation="Guten Morgen", delay=0))
    async with app.run_test(size=(120, 40)) as pilot:
        panel = await translate_once(app, pilot, "Good morning")
        assert panel.translation == "Guten Morgen"
        await pick(app, pilot, "f5", "spanish")
        assert panel.translation == ""
        assert "into Spanish" in str(panel.query_one("#translate-info").render())
        assert panel.source_text == "Good morning"  # the source stays, ready to translate again


async def test_the_status_bar_shows_each_modes_own_figures(make_app: MakeApp) -> None:
    from bayling_local.tui.widgets.status_bar import StatusBar

    app = make_app(FakeEngine(translation="Guten Morgen", delay=0, fixed_seconds=0.5))
    async with app.run_test(size=(120, 40)) as pilot:
        await translate_once(app, pilot, "Good morning")
        status = app.query_one(StatusBar)
        assert "context 0/" not in str(status.render())  # the translation's figures, in translation mode
        await pilot.press("ctrl+t")
        await pilot.pause()
        text = str(status.render())
        assert text.startswith("Chat") and "-- tok/s" in text and "context 0/" in text


async def test_the_status_bar_says_the_built_in_model_is_a_small_demo_model(make_app: MakeApp) -> None:
    from bayling_local.tui.widgets.status_bar import StatusBar

    engine = FakeEngine(delay=0)
    engine.name = "gemma3-270m (built-in)"
    app = make_app(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert "gemma3-270m (built-in) · small demo model" in str(app.query_one(StatusBar).render())


async def test_translation_mode_enforces_the_glossary_from_settings(make_app: MakeApp, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from glossary.terms_fake import TermEngine

    glossary = tmp_path / "terms.tsv"
    glossary.write_text("en\tfr\npump\tpomparelle\n")
    app = make_app(TermEngine("always"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await pilot.pause()
        app.screen.query_one("#glossary", Input).value = str(tmp_path / "missing.tsv")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert any("does not exist" in n.message for n in app._notifications)  # refused, the dialog stays
        app.screen.query_one("#glossary", Input).value = str(glossary)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        await pilot.press("ctrl+t")
        await pick(app, pilot, "f4", "eng")
        panel = app.query_one(TranslatePanel)
        panel.set_source_text("Start the pump.")
        panel.query_one("#source-text").focus()
        await pilot.press("enter")
        await settle(app, pilot)
        assert panel.translation == "TRATS EHT pomparelle."
        assert "Glossary: 1/1 terms honoured (1 prompt" in str(panel.query_one("#translate-info").render())
