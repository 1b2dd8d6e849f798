"""Pilot flows of chat mode against a fake engine: send, stream, stop, context overflow, chats, export, help."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, ListView

from bayling_local.tui.screens.help import HelpScreen
from bayling_local.tui.widgets.chat_list import ChatList
from bayling_local.tui.widgets.conversation import Conversation
from bayling_local.tui.widgets.message_view import MessageView

from .conftest import MakeApp, settle, until
from .fakes import FakeEngine, FakeLoader

pytestmark = pytest.mark.anyio

LONG_ANSWER = " ".join(f"word{n}" for n in range(60))


def views(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(v.role, v.text) for v in app.query_one(Conversation).query(MessageView)]


def notifications(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(n.severity, n.message) for n in app._notifications]


def held(engine: FakeEngine) -> FakeEngine:
    """The engine with every answer held after its first words until `engine.gate` is set: a test looks at
    a stream in the middle, however fast or slow the machine."""
    engine.gate, engine.gate_after = threading.Event(), 3
    return engine


def streamed(app) -> str:  # type: ignore[no-untyped-def]
    """The text of the answer being streamed (empty before it starts)."""
    shown = list(app.query_one(Conversation).query(MessageView))
    return shown[-1].text if shown and shown[-1].role == "assistant" else ""


def palette_found(app, title: str) -> bool:  # type: ignore[no-untyped-def]
    """The command palette lists a command starting with `title`, highlighted for Enter."""
    from textual.command import CommandList

    found = app.screen.query(CommandList)
    if not found:
        return False
    commands = found.first()
    highlighted = commands.highlighted
    return highlighted is not None and title in str(commands.get_option_at_index(highlighted).prompt)


async def send(app, pilot, text: str) -> None:  # type: ignore[no-untyped-def]
    """Put the text in the input (typing key by key is slow in Pilot) and press Enter."""
    prompt = app.query_one("#prompt")
    prompt.focus()
    prompt.load_text(text)
    await pilot.press("enter")


async def test_sent_message_gets_a_streamed_answer_that_is_saved(make_app: MakeApp) -> None:
    engine = held(FakeEngine(answer=LONG_ANSWER, delay=0))
    app = make_app(engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"Tell me a story", "enter")
        await until(pilot, lambda: streamed(app).startswith("word0"))
        partial = streamed(app)
        assert len(partial) < len(LONG_ANSWER)  # visible while streaming: the rest is held back
        engine.gate.set()  # type: ignore[union-attr]
        await settle(app, pilot)
        assert views(app) == [("user", "Tell me a story"), ("assistant", LONG_ANSWER)]
        assert app.query_one("#prompt").text == ""
        status = str(app.query_one("#status").render())
        assert "fake-model" in status and "tok/s" in status and "context" in status
        chat = app.store.list_chats()[0]
        assert chat.title == "Tell me a story"
        assert [m.content for m in app.store.messages(chat.id)] == ["Tell me a story", LONG_ANSWER]


async def test_ctrl_j_inserts_a_newline_instead_of_sending(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(app, pilot)
        app.query_one("#prompt").focus()
        await pilot.press("a", "ctrl+j", "b")
        assert app.query_one("#prompt").text == "a\nb"
        assert app.store.list_chats() == []


async def test_escape_stops_the_answer(make_app: MakeApp) -> None:
    engine = held(FakeEngine(answer=LONG_ANSWER * 3, delay=0))
    app = make_app(engine)
    async with app.run_test() as pilot:
        await settle(app, pilot)
        await send(app, pilot, "Go on")
        await until(pilot, lambda: streamed(app).startswith("word0"))
        await pilot.press("escape")
        engine.gate.set()  # type: ignore[union-attr]
        await settle(app, pilot)
        answer = app.query(MessageView).last()
        assert 0 < len(answer.text) < len(LONG_ANSWER * 3)
        assert "(stopped)" in answer.body.source
        assert not app.busy
        chat = app.store.list_chats()[0]
        assert app.store.messages(chat.id)[-1].content == answer.text


async def test_overflowing_context_drops_oldest_turns_with_a_notice(make_app: MakeApp) -> None:
    engine = FakeEngine(answer="one two three four five six seven eight", delay=0)
    app = make_app(engine, ctx=80, max_tokens=10)
    async with app.run_test() as pilot:
        await settle(app, pilot)
        for n in range(6):
            await send(app, pilot, f"question number {n} with some padding words")
            await settle(app, pilot)
        notices = [str(s.render()) for s in app.query(".notice")]
        assert notices and "outgrew the 80-token context" in notices[0]
        assert any(sev == "warning" and "outgrew" in msg for sev, msg in notifications(app))
        sent = [m.content for m in engine.prompts[-1]]
        assert "question number 0 with some padding words" not in sent
        assert sent[-1] == "question number 5 with some padding words"
        assert len(views(app)) == 12  # the conversation view keeps every turn


async def test_a_message_too_long_for_the_context_is_a_notification(make_app: MakeApp) -> None:
    app = make_app(FakeEngine(delay=0), ctx=40, max_tokens=10)
    async with app.run_test() as pilot:
        await settle(app, pilot)
        await send(app, pilot, "word " * 100)
        await settle(app, pilot)
        assert any(sev == "error" and "raise the context size" in msg for sev, msg in notifications(app))
        assert not app.busy and app.session.history == []
        await send(app, pilot, "short one")  # the app goes on
        await settle(app, pilot)
        assert views(app)[-1][0] == "assistant" and views(app)[-1][1]


async def test_new_resume_rename_delete(make_app: MakeApp) -> None:
    app = make_app(FakeEngine(answer="Sure.", delay=0))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await send(app, pilot, "First chat")
        await settle(app, pilot)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert views(app) == []
        await send(app, pilot, "Second chat")
        await settle(app, pilot)
        sidebar = app.query_one(ChatList)
        assert [str(item.query_one("Label").render()) for item in sidebar.children] == [
            "Second chat",
            "First chat",
        ]
        # Resume the older chat from the sidebar.
        await pilot.press("ctrl+l")
        assert app.focused is sidebar
        await pilot.press("down", "enter")
        await settle(app, pilot)
        assert views(app) == [("user", "First chat"), ("assistant", "Sure.")]
        assert app.session.history[0].content == "First chat"
        # Rename it.
        await pilot.press("ctrl+r")
        await pilot.pause()
        app.screen.query_one(Input).value = "Renamed chat"
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.store.get_chat(app.chat.id).title == "Renamed chat"
        assert app.sub_title == "Renamed chat"
        # Delete it (after confirming).
        deleted = app.chat.id
        await pilot.press("f8")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert app.store.get_chat(deleted) is None
        assert [c.title for c in app.store.list_chats()] == ["Second chat"]
        assert app.chat is None and views(app) == []


async def test_export_writes_the_chat(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app(FakeEngine(answer="Merci.", delay=0))
    target = tmp_path / "export" / "chat.json"
    async with app.run_test() as pilot:
        await settle(app, pilot)
        await send(app, pilot, "Thanks in French?")
        await settle(app, pilot)
        await pilot.press("ctrl+o")
        await pilot.pause()
        field = app.screen.query_one(Input)
        assert field.value.endswith("thanks-in-french.md")
        field.value = str(target)
        await pilot.press("enter")
        await settle(app, pilot)
    data = json.loads(target.read_text())
    assert [m["content"] for m in data["messages"]] == ["Thanks in French?", "Merci."]


async def test_copy_last_answer(make_app: MakeApp) -> None:
    app = make_app(FakeEngine(answer="Copy me.", delay=0))
    async with app.run_test() as pilot:
        await settle(app, pilot)
        await send(app, pilot, "Hi")
        await settle(app, pilot)
        await pilot.press("f3")
        assert app.clipboard == "Copy me."


async def test_help_screen_lists_the_keys(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one(DataTable)
        keys = [table.get_row_at(n)[0] for n in range(table.row_count)]
        assert {"Esc", "Ctrl+T", "F2", "Ctrl+O", "F8", "Enter"} <= set(keys)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_command_palette_runs_app_actions(make_app: MakeApp) -> None:
    app = make_app(FakeEngine(answer="Sure.", delay=0))
    async with app.run_test() as pilot:
        await settle(app, pilot)
        await send(app, pilot, "Hello")
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"new c")
        await until(pilot, lambda: palette_found(app, "New chat"))
        await pilot.press("enter")
        await settle(app, pilot)
        assert views(app) == [] and app.chat is None
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"toggle t")
        await until(pilot, lambda: palette_found(app, "Toggle translation"))
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.in_translate_mode()


async def test_settings_are_saved_per_chat_and_checked(make_app: MakeApp) -> None:
    loader = FakeLoader(FakeEngine(delay=0))
    app = make_app(loader=loader)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await send(app, pilot, "Hi")
        await settle(app, pilot)
        await pilot.press("f2")
        await pilot.pause()
        app.screen.query_one("#temperature", Input).value = "lots"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert any("Temperature must be a number" in msg for _, msg in notifications(app))
        app.screen.query_one("#temperature", Input).value = "0.7"
        app.screen.query_one("#ctx", Input).value = "2048"
        app.screen.query_one("#system-prompt").load_text("Answer in French.")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        saved = app.store.get_chat(app.chat.id).settings
        assert (
            saved["temperature"] == 0.7
            and saved["ctx"] == 2048
            and saved["system_prompt"] == "Answer in French."
        )
        assert loader.loaded[-1].ctx == 2048  # a new context size reloads the model
        await send(app, pilot, "Again")
        await settle(app, pilot)
        assert loader.engine.prompts[-1][0].content == "Answer in French."


async def test_model_load_failure_is_a_notification_and_the_app_goes_on(make_app: MakeApp) -> None:
    app = make_app(loader=FakeLoader(fail="model.gguf is not a GGUF file; download it again"))
    async with app.run_test() as pilot:
        await settle(app, pilot)
        assert (
            "error",
            "model.gguf is not a GGUF file; download it again (change the model with F2)",
        ) in notifications(app)
        await send(app, pilot, "Hello?")
        await settle(app, pilot)
        assert app.is_running and not app.busy
        assert any("no model is loaded" in msg for _, msg in notifications(app))
        assert "model failed to load" in str(app.query_one("#status").render())


async def test_corrupted_database_is_reported_on_start(make_app: MakeApp, db_path: Path) -> None:
    db_path.write_bytes(b"garbage" * 1000)
    app = make_app()
    async with app.run_test() as pilot:
        await settle(app, pilot)
        assert any(sev == "warning" and "could not be read" in msg for sev, msg in notifications(app))
    assert list(db_path.parent.glob("*.corrupt"))


async def test_chats_survive_a_restart(make_app: MakeApp) -> None:
    app = make_app(FakeEngine(answer="Saved.", delay=0))
    async with app.run_test() as pilot:
        await settle(app, pilot)
        await send(app, pilot, "Remember me")
        await settle(app, pilot)
    again = make_app()
    async with again.run_test() as pilot:
        await settle(again, pilot)
        sidebar = again.query_one(ListView)
        assert [str(item.query_one("Label").render()) for item in sidebar.children] == ["Remember me"]


async def test_model_notice_is_shown_once_when_the_model_is_ready(make_app: MakeApp) -> None:
    engine = FakeEngine(answer="Sure.", delay=0)
    engine.notice = "Using the built-in demo model"
    app = make_app(engine)
    async with app.run_test() as pilot:
        await settle(app, pilot)
        await send(app, pilot, "Hi")
        await settle(app, pilot)
        await pilot.press("ctrl+n")  # asks for the (already loaded) model again
        await settle(app, pilot)
        shown = [message for _, message in notifications(app) if "built-in demo model" in message]
        assert shown == ["Using the built-in demo model"]


@pytest.mark.parametrize("width", [110, 160])
async def test_the_help_shows_every_action_whole(make_app: MakeApp, width: int) -> None:
    app = make_app()
    async with app.run_test(size=(width, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f1")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        # Nothing to scroll sideways: the longest action fits (the fixed 90-column dialog cut it off).
        assert table.virtual_size.width <= table.size.width
