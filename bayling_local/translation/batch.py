"""The translation core: segments in, `SegmentResult`s out, in input order, through the model's scheduler.

Every piece of every segment becomes one request with the same prompt, token limit and stop strings whether
it is translated alone or among hundreds, so greedy output does not depend on the batch. Requests are
submitted a window ahead of the segment being released, and the scheduler decodes as many at once as it has
slots. Each result is released as soon as it and every segment before it are done; its text can stream.
"""

from __future__ import annotations

import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..languages import Language
from ..llama.requests import GenerationResult, Handle, Request, common_length
from .translator import SegmentResult, Translator, one_line

ResultCallback = Callable[[SegmentResult], None]
PieceCallback = Callable[[int, str], None]
"""(segment index, text piece) for the segment being released."""

# Probe texts: the prompt tokens two different segments have in common are the shared prefix.
_PROBES = ("A", "Z")
# Segments submitted ahead of the one being released, per scheduler slot. Results leave in input order, so
# one long segment at the head holds the window: with 4 per slot the batch ran short of work behind it
# (19% more decode calls, 7% slower on 80 FLORES lines); 32 per slot keeps every slot busy.
_WINDOW_PER_SLOT = 32


@dataclass
class _Pending:
    """A segment whose pieces are with the scheduler."""

    index: int
    result: SegmentResult
    chunks: list[str]
    handles: list[Handle]


class _Planner:
    """Turns segments into submitted requests."""

    def __init__(self, translator: Translator, cancel: threading.Event) -> None:
        self.translator = translator
        self.cancel = cancel

    def submit(self, index: int, line: str) -> _Pending:
        translator = self.translator
        result, source = translator.begin(line)
        if not line.strip():
            return _Pending(index, result, [], [])
        chunks = translator.chunks(line, source)
        handles = [self._submit_chunk(chunk, source, index) for chunk in chunks]
        return _Pending(index, result, chunks, handles)

    def _submit_chunk(self, chunk: str, source: Language | None, index: int) -> Handle:
        request = chunk_request(self.translator, chunk, source, seed_offset=index, cancel=self.cancel)
        return self.translator.engine.submit(request)


def chunk_request(
    translator: Translator,
    chunk: str,
    source: Language | None,
    *,
    seed_offset: int = 0,
    cancel: threading.Event | None = None,
    max_tokens: int | None = None,
) -> Request:
    """The scheduler request that translates one piece: its prompt, shared prefix, limit and stops."""
    engine = translator.engine
    prompt, limit, stops = translator.chunk_request(chunk, source)
    tokens = engine.tokenize(prompt)
    return engine.request(
        tokens,
        translator.generation,
        max_tokens=min(limit, max_tokens or limit),
        stop_strings=stops,
        shared=common_length(tokens, shared_prefix(translator, source)),
        seed_offset=seed_offset,
        cancel=cancel,
    )


def shared_prefix(translator: Translator, source: Language | None) -> list[int]:
    """Prompt tokens shared by every segment with this source language (few-shot examples, system text);
    worked out once per translator and source language."""
    key = source.code if source else None
    if key not in translator.prefixes:
        engine = translator.engine
        first, second = (engine.tokenize(translator.prompt(probe, source)) for probe in _PROBES)
        translator.prefixes[key] = first[: common_length(first, second)]
    return translator.prefixes[key]


def translate_segments(
    translator: Translator,
    lines: Sequence[str],
    *,
    on_result: ResultCallback | None = None,
    on_piece: PieceCallback | None = None,
    cancel: threading.Event | None = None,
    progress: bool | None = None,
) -> list[SegmentResult]:
    """Translate `lines` (one segment each) in input order; `on_piece` streams the segment being released.

    With `cancel` set, the requests in flight stop within one decode step; the results so far are returned,
    the interrupted segment last, with what it had produced. Leaving early (cancelled, or an error) sets
    `cancel`, so nothing submitted ahead keeps decoding.
    """
    cancel = cancel or threading.Event()
    planner = _Planner(translator, cancel)
    window = max(1, _WINDOW_PER_SLOT * translator.engine.slots)
    # Streamed text and a progress bar would tear each other on a terminal: streaming shows progress already.
    bar = _progress_bar(sum(1 for line in lines if line.strip()), progress if on_piece is None else False)
    release = _around_bar(on_result, bar)
    results: list[SegmentResult] = []
    pending: deque[_Pending] = deque()
    upcoming: Iterator[tuple[int, str]] = iter(enumerate(lines))
    nothing_in_flight = False
    try:
        while True:
            while len(pending) < window and not cancel.is_set():
                item = next(upcoming, None)
                if item is None:
                    break
                pending.append(planner.submit(*item))
            if not pending:
                nothing_in_flight = True
                break
            segment = pending.popleft()
            _collect(segment, on_piece)
            results.append(segment.result)
            if segment.handles and bar is not None:
                bar.update(1)
            if release is not None:
                release(segment.result)
            if segment.result.cancelled:
                break  # segments finished before the cancel still came out above; this one is the last
    finally:
        if not nothing_in_flight:
            cancel.set()  # stopped early (cancelled, or an error): what was submitted ahead must not run on
        if bar is not None:
            bar.close()
    return results


def _collect(segment: _Pending, on_piece: PieceCallback | None) -> None:
    """Wait for a segment's pieces in order (streaming them) and fill its result."""
    result = segment.result
    outputs: list[str] = []
    last = len(segment.handles) - 1
    for position, (chunk, handle) in enumerate(zip(segment.chunks, segment.handles, strict=True)):
        stream = None if on_piece is None else (lambda piece: on_piece(segment.index, piece))
        generated: GenerationResult = handle.stream(stream)
        result.prompt_tokens += generated.prompt_tokens
        result.completion_tokens += generated.completion_tokens
        result.truncated |= generated.stop_reason == "length"
        result.seconds = max(result.seconds, generated.seconds)
        trailing = chunk[len(chunk.rstrip()) :] if position < last else ""
        outputs.append(one_line(generated.text) + trailing)
        if stream is not None and trailing:
            stream(" ")
        if generated.stop_reason == "cancelled":
            result.cancelled = True
            break
    result.translation = "".join(outputs).strip()
    result.pieces = max(1, len(segment.handles))


def _progress_bar(total: int, progress: bool | None) -> Any:
    """A tqdm bar on stderr, only when stderr is a terminal (unless forced) and there is work."""
    show = sys.stderr.isatty() if progress is None else progress
    if not show or total < 2:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="seg", desc="Translating", file=sys.stderr, leave=False, dynamic_ncols=True)


def _around_bar(on_result: ResultCallback | None, bar: Any) -> ResultCallback | None:
    """Print results without tearing the progress bar."""
    if on_result is None or bar is None:
        return on_result
    from tqdm import tqdm

    def write(result: SegmentResult) -> None:
        with tqdm.external_write_mode(file=sys.stderr):
            on_result(result)

    return write
