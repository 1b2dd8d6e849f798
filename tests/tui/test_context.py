"""Fitting a conversation into the context: oldest turns go first, the system prompt and last turn stay."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from bayling_local.chats import ChatSession, ChatSettings, fit_conversation
from bayling_local.config import GenerationConfig
from bayling_local.errors import ContextOverflowError
from bayling_local.prompts.formats import Message

from .fakes import FakeEngine


def words(messages: Sequence[Message]) -> int:
    return sum(len(m.content.split()) for m in messages)


def turns(count: int, size: int) -> list[Message]:
    return [
        Message("user" if n % 2 == 0 else "assistant", f"turn{n} " + "w " * (size - 1)) for n in range(count)
    ]


def test_everything_kept_when_it_fits() -> None:
    history = [Message("system", "be kind"), *turns(4, 5)]
    fitted = fit_conversation(history, words, n_ctx=100, reserve=20)
    assert fitted.messages == history
    assert fitted.dropped == 0


def test_oldest_turns_dropped_system_kept_and_starts_with_user() -> None:
    history = [Message("system", "be kind"), *turns(10, 10)]
    fitted = fit_conversation(history, words, n_ctx=80, reserve=20)
    assert fitted.messages[0] == history[0]
    assert fitted.messages[1].role == "user"
    assert fitted.messages[-1] == history[-1]
    assert fitted.dropped > 0 and fitted.dropped % 2 == 0
    assert fitted.prompt_tokens <= 60 * 0.6 + 10  # trimmed with room to spare for the next turns


def test_earlier_cut_is_kept_so_the_prefix_stays_stable() -> None:
    history = turns(10, 10)
    first = fit_conversation(history, words, n_ctx=80, reserve=20)
    again = fit_conversation(
        [*history, *turns(2, 2)], words, n_ctx=80, reserve=20, already_dropped=first.dropped
    )
    assert again.dropped == first.dropped


def test_a_last_message_too_long_for_the_context_is_an_error() -> None:
    with pytest.raises(ContextOverflowError, match="context size"):
        fit_conversation(turns(1, 200), words, n_ctx=100, reserve=20)


def test_session_sends_whole_conversation_and_appends_the_answer() -> None:
    engine = FakeEngine(answer="Paris.", delay=0)
    session = ChatSession(ChatSettings(system_prompt="Answer briefly."))
    session.history.append(Message("user", "Capital of France?"))
    result, fitted = session.answer(engine, GenerationConfig())  # type: ignore[arg-type]
    assert result.text == "Paris."
    assert engine.prompts[-1] == [Message("system", "Answer briefly."), Message("user", "Capital of France?")]
    assert session.history[-1] == Message("assistant", "Paris.")
    assert fitted.dropped == 0
