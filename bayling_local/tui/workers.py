"""Work done in worker threads: loading a model, answering, translating. Results go back as messages.

Streamed text is batched: at most one message per THROTTLE_SECONDS, so a fast model (or a long answer) never
floods the UI with one message per token.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.message import Message

from ..chats import ChatSession, EngineHolder
from ..config import GenerationConfig, RuntimeConfig
from ..errors import BaylingError
from . import events

if TYPE_CHECKING:
    from ..engine import Engine
    from ..languages import Language

THROTTLE_SECONDS = 0.05
Post = Callable[[Message], object]


class Throttle:
    """Collects streamed pieces and posts them as one message at most every THROTTLE_SECONDS."""

    def __init__(self, post: Post, make: Callable[[str], Message]) -> None:
        self.post, self.make = post, make
        self.pending: list[str] = []
        self.last = 0.0

    def __call__(self, piece: str) -> None:
        self.pending.append(piece)
        now = time.monotonic()
        if now - self.last >= THROTTLE_SECONDS:
            self.flush()
            self.last = now

    def flush(self) -> None:
        if self.pending:
            self.post(self.make("".join(self.pending)))
            self.pending.clear()


def load_model(
    engines: EngineHolder, runtime: RuntimeConfig, post: Post, notices: list[str]
) -> Engine | None:
    """The engine for `runtime`, loading it if needed; None (and a ModelFailed message) if it cannot load."""
    engine = engines.loaded(runtime)
    if engine is not None:
        return engine
    post(
        events.ModelLoading(f"Loading {runtime.model or 'the default model'} (context {runtime.ctx} tokens)…")
    )
    started = time.perf_counter()
    try:
        engine = engines.get(runtime)
    except BaylingError as exc:
        post(events.ModelFailed(str(exc)))
        return None
    except Exception as exc:  # noqa: BLE001 - any failure must reach the user, and the app must go on
        post(events.ModelFailed(f"{type(exc).__name__}: {exc}"))
        return None
    shown = list(notices)
    notices.clear()
    post(events.ModelReady(engine.name, engine.n_ctx, time.perf_counter() - started, shown))
    return engine


def answer(
    chat_id: int,
    session: ChatSession,
    engine: Engine,
    generation: GenerationConfig,
    cancel: threading.Event,
    post: Post,
) -> None:
    """Answer the session's last user turn, streaming AnswerChunk messages, then AnswerDone or TaskFailed."""
    sink = Throttle(post, events.AnswerChunk)
    before = session.dropped
    try:
        result, fitted = session.answer(engine, generation, on_text=sink, cancel=cancel)
    except Exception as exc:  # noqa: BLE001
        if session.history and session.history[-1].role == "user":
            session.history.pop()  # unanswered: the next send retries it
        post(
            events.TaskFailed(
                "answer", str(exc) if isinstance(exc, BaylingError) else f"{type(exc).__name__}: {exc}"
            )
        )
        return
    sink.flush()
    post(events.AnswerDone(chat_id, result, fitted, before))


def translate(
    engine: Engine,
    text: str,
    source: Language | None,
    target: Language,
    generation: GenerationConfig,
    cancel: threading.Event,
    post: Post,
) -> None:
    """Translate `text` line by line with the same Translator as `bayling-local translate`."""
    from ..translate import OneLineStream, Translator

    translator = Translator(engine, target, source, generation)
    sink = Throttle(post, events.TranslationChunk)
    results = []
    started = time.perf_counter()
    try:
        for number, line in enumerate(text.split("\n")):
            if cancel.is_set():
                break
            if number:
                sink("\n")
            results.append(translator.translate(line, OneLineStream(sink)))
    except Exception as exc:  # noqa: BLE001
        post(
            events.TaskFailed(
                "translation", str(exc) if isinstance(exc, BaylingError) else f"{type(exc).__name__}: {exc}"
            )
        )
        return
    sink.flush()
    tokens = sum(r.completion_tokens for r in results)
    seconds = time.perf_counter() - started
    prompt_tokens = max((r.prompt_tokens for r in results), default=0)
    post(
        events.TranslationDone(
            results, {"tokens": tokens, "seconds": seconds, "prompt_tokens": prompt_tokens}
        )
    )
