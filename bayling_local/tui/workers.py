"""Work the panes do in worker threads: answering and translating. Results go back as messages.

Streamed text is batched: at most one message per THROTTLE_SECONDS, so a fast model (or a long answer) never
floods the UI with one message per token. Both paths go through the model's scheduler, and both take one
cancel event that stops the request within one decode step (Esc), keeping what was produced.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from textual.message import Message

from ..chats import ChatSession
from ..config import GenerationConfig
from ..engine.protocol import EngineLike
from ..errors import BaylingError
from ..language.names import Language
from ..translation.batch import translate_segments
from ..translation.glossary import Glossary
from ..translation.translator import OneLineStream, make_translator
from . import events

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


def failure(exc: Exception) -> str:
    """What to tell the user: our own errors are written for them; anything else gets its type."""
    return str(exc) if isinstance(exc, BaylingError) else f"{type(exc).__name__}: {exc}"


def answer(
    chat_id: int,
    session: ChatSession,
    engine: EngineLike,
    generation: GenerationConfig,
    cancel: threading.Event,
    post: Post,
) -> None:
    """Answer the session's last user turn, streaming AnswerChunk messages, then AnswerDone or TaskFailed."""
    sink = Throttle(post, events.AnswerChunk)
    before = session.dropped
    try:
        result, fitted = session.answer(engine, generation, on_text=sink, cancel=cancel)
    except Exception as exc:  # noqa: BLE001 - the app must go on
        if session.history and session.history[-1].role == "user":
            session.history.pop()  # unanswered: the next send retries it
        post(events.TaskFailed("answer", failure(exc)))
        return
    sink.flush()
    post(events.AnswerDone(chat_id, result, fitted, before))


class LineStream:
    """Joins the streamed segments of a multi-line text into one text: a line break between lines, and each
    line's translation kept on one line (like `bayling-local translate` writes it)."""

    def __init__(self, emit: Callable[[str], None]) -> None:
        self.emit = emit
        self.line = 0
        self.stream = OneLineStream(emit)

    def __call__(self, index: int, piece: str) -> None:
        # Segments are released in input order; blank lines stream nothing, so catch up with their breaks.
        while self.line < index:
            self.emit("\n")
            self.line += 1
            self.stream = OneLineStream(self.emit)
        self.stream(piece)


def translate(
    engine: EngineLike,
    text: str,
    source: Language | None,
    target: Language,
    generation: GenerationConfig,
    cancel: threading.Event,
    post: Post,
    glossary: Glossary | None = None,
) -> None:
    """Translate `text`, one segment per line, in one call to the translation core so the lines batch.

    Streams TranslationChunk messages, then posts TranslationDone (also when stopped) or TaskFailed.
    """
    lines = text.split("\n")
    translator = make_translator(engine, target, source, generation, lines=lines, glossary=glossary)
    sink = Throttle(post, events.TranslationChunk)
    started = time.perf_counter()
    try:
        results = translate_segments(
            translator, lines, on_piece=LineStream(sink), cancel=cancel, progress=False, drafts=True
        )
    except Exception as exc:  # noqa: BLE001 - the app must go on
        post(events.TaskFailed("translation", failure(exc)))
        return
    sink.flush()
    post(
        events.TranslationDone(
            results,
            tokens=sum(r.completion_tokens for r in results),
            seconds=time.perf_counter() - started,
            prompt_tokens=max((r.prompt_tokens for r in results), default=0),
            # Stopped mid-line (that line is marked), or between two lines (the rest is missing).
            stopped=len(results) < len(lines) or any(r.cancelled for r in results),
        )
    )
