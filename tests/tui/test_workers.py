"""Streaming to the UI is throttled: a fast stream becomes a few messages, and nothing is lost."""

from __future__ import annotations

from bayling_local.tui import events
from bayling_local.tui.workers import Throttle


def test_fast_stream_is_batched_without_losing_text() -> None:
    posted: list[str] = []
    sink = Throttle(lambda message: posted.append(message.text), events.AnswerChunk)  # type: ignore[attr-defined]
    pieces = [f"tok{n} " for n in range(2000)]
    for piece in pieces:
        sink(piece)
    sink.flush()
    assert "".join(posted) == "".join(pieces)
    assert len(posted) < 50  # 2000 tokens arriving at once do not become 2000 UI updates
