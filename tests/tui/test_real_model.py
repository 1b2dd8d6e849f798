"""One chat flow through the real built-in model and real llama.cpp."""

from __future__ import annotations

from pathlib import Path

import pytest

from bayling_local.chats import ChatStore
from bayling_local.config import GenerationConfig, RuntimeConfig
from bayling_local.tui.app import AppOptions, create_app
from bayling_local.tui.widgets.message_view import MessageView

from .conftest import settle

pytestmark = [pytest.mark.anyio, pytest.mark.slow]


async def test_chat_and_translate_with_the_builtin_model(builtin_model_path: Path, db_path: Path) -> None:
    options = AppOptions(
        runtime=RuntimeConfig(model=str(builtin_model_path), ctx=512),
        generation=GenerationConfig(max_tokens=24),
        db_path=db_path,
    )
    app = create_app(options, store=ChatStore(db_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert "gemma-3-270m" in str(app.query_one("#status").render()).lower()
        prompt = app.query_one("#prompt")
        prompt.load_text("What is the capital of France?")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(app, pilot)
        answer = app.query(MessageView).last()
        assert answer.role == "assistant" and answer.text.strip()
        assert "tok/s" in str(app.query_one("#status").render())
        engine = app.engines.loaded(app.runtime())
        assert engine is not None
        first_turn = engine.tokenize(engine.format.render(app.session.history[:1], True))
        read_before = engine.scheduler.prompt_tokens_read  # type: ignore[attr-defined]
        prompt.load_text("And of Germany?")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(app, pilot)
        # The whole conversation is sent again, so the first turn's tokens, still in the KV cache, are a prefix
        # of the second prompt: llama.cpp reads only the new part.
        second_turn = engine.tokenize(engine.format.render(app.session.history[:3], True))
        assert second_turn[: len(first_turn)] == first_turn
        read = engine.scheduler.prompt_tokens_read - read_before  # type: ignore[attr-defined]
        assert read <= len(second_turn) - len(first_turn)
        chat = app.store.list_chats()[0]
        assert [m.role for m in app.store.messages(chat.id)] == ["user", "assistant", "user", "assistant"]
        assert engine.format.name == "fewshot"
        # Translation mode, through the same Translator as `bayling-local translate`.
        await pilot.press("ctrl+t")
        panel = app.query_one("#translate-mode")
        panel.set_source_text("Good morning.")  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(app, pilot)
        assert panel.translation.strip()  # type: ignore[attr-defined]
