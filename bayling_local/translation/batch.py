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

from ..engine.requests import Handle
from ..language.names import Language
from .checks import severity
from .memory import MemoryEntry, TranslationMemory, segment_key
from .pieces import chunk_request
from .retry import PieceSettler
from .terms import remembered_terms
from .translator import SegmentResult, Translator, spacing_after

ResultCallback = Callable[[SegmentResult], None]
PieceCallback = Callable[[int, str], None]
"""(segment index, text piece) for the segment being released."""

# Segments submitted ahead of the one being released, per scheduler slot. Results leave in input order, so
# one long segment at the head holds the window: with 4 per slot the batch ran short of work behind it
# (19% more decode calls, 7% slower on 80 FLORES lines); 32 per slot keeps every slot busy.
_WINDOW_PER_SLOT = 32


@dataclass
class _Pending:
    """A segment whose pieces are with the scheduler."""

    index: int
    result: SegmentResult
    source: Language | None
    chunks: list[str]
    handles: list[Handle]
    memory_key: str | None = None
    """Where the finished segment goes in the translation memory (None: it does not)."""


class _Planner:
    """Turns segments into submitted requests."""

    def __init__(self, translator: Translator, cancel: threading.Event) -> None:
        self.translator = translator
        self.cancel = cancel

    def submit(self, index: int, line: str) -> _Pending:
        translator = self.translator
        result, source = translator.begin(line)
        if not line.strip():
            return _Pending(index, result, source, [], [])
        memory = translator.memory if translator.generation.temperature == 0 else None
        key = None
        if memory is not None:
            key = _memory_key(translator, memory, line, source, index)
            plain = not translator.term_matches(line, source) and not translator.generation.context
            found = memory.find(key, line, source, translator.target, plain)
            if found is not None:
                (result.translation, result.check), result.from_memory = found, True
                result.terms = remembered_terms(translator, line, source, result.translation)
                return _Pending(index, result, source, [], [], None)
        chunks = translator.chunks(line, source)
        handles = [self._submit_chunk(chunk, source, index) for chunk in chunks]
        return _Pending(index, result, source, chunks, handles, key)

    def _submit_chunk(self, chunk: str, source: Language | None, index: int) -> Handle:
        request = chunk_request(self.translator, chunk, source, seed_offset=index, cancel=self.cancel)
        return self.translator.engine.submit(request)


def _memory_key(
    translator: Translator, memory: TranslationMemory, text: str, source: Language | None, index: int
) -> str:
    generation = translator.generation
    return segment_key(
        model=memory.model_identity(translator.engine),
        prompt_format=translator.engine.format.name,
        source=source.code if source else None,
        target=translator.target.code,
        terms=[
            (m.source.casefold(), m.target, m.entry.keep, m.entry.case_sensitive)
            for m in translator.term_matches(text, source)
        ],
        context=translator.earlier[-generation.context :] if generation.context else [],
        note=translator.notes.get(index),
        generation=generation,
        text=text,
    )


def translate_segments(
    translator: Translator,
    lines: Sequence[str],
    *,
    on_result: ResultCallback | None = None,
    on_piece: PieceCallback | None = None,
    cancel: threading.Event | None = None,
    progress: bool | None = None,
    drafts: bool = False,
    max_in_flight: int | None = None,
) -> list[SegmentResult]:
    """Translate `lines` (one segment each) in input order; `on_piece` streams the segment being released:
    each piece once it has passed its checks, or with `drafts` each piece's first attempt token by token (for
    a display that replaces it with the final `SegmentResult`s when they come). `max_in_flight`: at most this
    many segments with the scheduler at once (a background job leaves slots free for people waiting).

    With `cancel` set, the requests in flight stop within one decode step; the results so far are returned,
    the interrupted segment last, with what it had produced. Leaving early (cancelled, or an error) sets
    `cancel`, so nothing submitted ahead keeps decoding.
    """
    cancel = cancel or threading.Event()
    planner = _Planner(translator, cancel)
    settler = PieceSettler(translator, cancel)
    # With context each segment's prompt holds the translations before it: one segment at a time.
    window = 1 if translator.generation.context else max(1, _WINDOW_PER_SLOT * translator.engine.slots)
    if max_in_flight is not None:
        window = max(1, min(window, max_in_flight))
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
            _collect(segment, settler, on_piece, drafts)
            results.append(segment.result)
            translator.remember(segment.result)
            _keep_in_memory(translator, segment)
            if (segment.handles or segment.result.from_memory) and bar is not None:
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


def translate_text(
    translator: Translator, text: str, on_text: Callable[[str], None] | None = None
) -> SegmentResult:
    """Translate one segment (one line), streaming its checked text to `on_text`. A blank segment stays blank
    and costs nothing."""
    stream = None if on_text is None else (lambda _index, piece: on_text(piece))
    return translate_segments(translator, [text], on_piece=stream, progress=False)[0]


def _keep_in_memory(translator: Translator, segment: _Pending) -> None:
    """A finished segment goes into the translation memory, with the check it still fails, if any."""
    result = segment.result
    if translator.memory is None or segment.memory_key is None or result.cancelled:
        return  # one that failed a check is kept too: greedy decoding would give it (and fail it) again
    model = translator.memory.model_identity(translator.engine)
    entry = MemoryEntry(
        model,
        result.source_language,
        result.target_language,
        result.source,
        result.translation,
        problem=result.check,
    )
    translator.memory.store(segment.memory_key, model, entry)


def _collect(segment: _Pending, settler: PieceSettler, on_piece: PieceCallback | None, drafts: bool) -> None:
    """Wait for a segment's pieces in order, check (and retry) each, stream it, fill the result.

    Without `drafts` a piece streams only after its checks: a retry may replace it, and printed text cannot
    be taken back."""
    result = segment.result
    if result.from_memory:
        if on_piece is not None:
            on_piece(segment.index, result.translation)
        return
    outputs: list[str] = []
    last = len(segment.handles) - 1
    live = on_piece if drafts else None
    for position, (chunk, handle) in enumerate(zip(segment.chunks, segment.handles, strict=True)):
        stream = None if live is None else (lambda piece: live(segment.index, piece))
        settled = settler.settle(chunk, segment.source, handle.stream(stream), segment.index)
        result.prompt_tokens += settled.prompt_tokens
        result.completion_tokens += settled.completion_tokens
        result.truncated |= settled.truncated
        result.seconds = max(result.seconds, settled.seconds)
        result.retries += settled.retries
        result.fallback = result.fallback or settled.fallback
        result.terms.extend(settled.terms)
        if severity(settled.problem) > severity(result.check):
            result.check = settled.problem
        trailing = spacing_after(chunk, position == last)
        outputs.append(settled.text + trailing)
        gap = " " if trailing else ""
        if live is not None:
            if gap:
                live(segment.index, gap)
        elif on_piece is not None:
            on_piece(segment.index, settled.text + gap)
        if settled.cancelled:
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
