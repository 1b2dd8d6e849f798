"""Translate many lines at once: the Translator's prompts, decoded together by `BatchDecoder`.

Each one-piece line becomes one batch request with the very prompt, token limit and stop strings of the
one-at-a-time path, so greedy output is the same. A line that must be cut into several pieces (longer than
the context allows) goes through the sequential `Translator` after the batch. Results come back in input
order, each as soon as it and every line before it are done.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .batch import BatchDecoder, BatchOutput, BatchRequest, sequence_context
from .engine import Engine
from .languages import Language
from .translate import SegmentResult, Translator, one_line

ResultCallback = Callable[[SegmentResult], None]

# Probe texts: the prompt tokens two different segments have in common are the shared prefix.
_PROBES = ("A", "Z")


def default_parallel(engine: Engine) -> int:
    """Segments decoded at once: batching pays most for small models; large ones are compute-bound sooner."""
    if engine.n_gpu_layers != 0:
        return 16
    size_gb = engine.path.stat().st_size / 1e9
    if size_gb < 1.5:
        parallel = 8
    elif size_gb < 6:
        parallel = 4
    else:
        parallel = 2
    # More threads keep more sequences busy; on one or two cores the small-model figure is already the best.
    return parallel * 2 if engine.threads >= 8 and size_gb < 1.5 else parallel


def shared_prefix(engine: Engine, translator: Translator, source: Language | None) -> list[int]:
    """Prompt tokens shared by every segment with this source language (few-shot examples, system text)."""
    first, second = (engine.tokenize(translator.prompt(probe, source)) for probe in _PROBES)
    return first[: _common_length(first, second)]


def _common_length(a: Sequence[int], b: Sequence[int]) -> int:
    length = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        length += 1
    return length


@dataclass
class _Plan:
    """The lines split into immediate results, batch requests and long lines for the sequential path."""

    results: list[SegmentResult | None]
    requests: list[BatchRequest] = field(default_factory=list)
    request_lines: list[int] = field(default_factory=list)
    long_lines: list[int] = field(default_factory=list)
    pending: list[SegmentResult] = field(default_factory=list)
    """The empty results (language decided) of the batched lines, by request."""


def _plan(translator: Translator, lines: Sequence[str]) -> _Plan:
    engine = translator.engine
    plan = _Plan(results=[None] * len(lines))
    prefixes: dict[str | None, list[int]] = {}
    for index, line in enumerate(lines):
        result, source = translator.begin(line)
        if not line.strip():
            plan.results[index] = result
            continue
        chunks = translator.chunks(line, source)
        if len(chunks) > 1:
            plan.long_lines.append(index)
            continue
        key = source.code if source else None
        if key not in prefixes:
            prefixes[key] = shared_prefix(engine, translator, source)
        prompt, limit, stops = translator.chunk_request(chunks[0], source)
        tokens = engine.tokenize(prompt)
        shared = _common_length(tokens, prefixes[key])
        room = engine.n_ctx - len(tokens)
        plan.requests.append(BatchRequest(tokens, shared, max(1, min(limit, room)), stops))
        plan.request_lines.append(index)
        plan.pending.append(result)
    return plan


class _InOrder:
    """Releases results in input order: each as soon as it and all before it are known."""

    def __init__(self, results: list[SegmentResult | None], on_result: ResultCallback | None) -> None:
        self.results = results
        self.on_result = on_result
        self.next = 0

    def put(self, index: int, result: SegmentResult) -> None:
        self.results[index] = result
        self.flush()

    def flush(self) -> None:
        while self.next < len(self.results) and self.results[self.next] is not None:
            done = self.results[self.next]
            if self.on_result is not None and done is not None:
                self.on_result(done)
            self.next += 1


def translate_batched(
    translator: Translator,
    lines: Sequence[str],
    parallel: int,
    on_result: ResultCallback | None = None,
    progress: bool | None = None,
) -> list[SegmentResult]:
    """Translate `lines` (one segment each) with up to `parallel` decoded at once; results in input order."""
    plan = _plan(translator, lines)
    order = _InOrder(plan.results, on_result)
    bar = _progress_bar(len(plan.requests) + len(plan.long_lines), progress)
    order.on_result = _around_bar(on_result, bar)
    order.flush()

    def done(output: BatchOutput) -> None:
        result = plan.pending[output.index]
        _fill_result(result, output)
        if bar is not None:
            bar.update(1)
        order.put(plan.request_lines[output.index], result)

    try:
        if plan.requests:
            width = max(1, min(parallel, len(plan.requests)))
            seq_ctx = sequence_context(plan.requests)
            with BatchDecoder(translator.engine, width, seq_ctx, translator.generation) as decoder:
                decoder.run(plan.requests, done)
        for index in plan.long_lines:
            order.put(index, translator.translate(lines[index]))
            if bar is not None:
                bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    return [r for r in plan.results if r is not None]


def _fill_result(result: SegmentResult, output: BatchOutput) -> None:
    """Same fields as `Translator.translate` fills for a one-piece segment."""
    result.translation = one_line(output.text).strip()
    result.prompt_tokens = output.prompt_tokens
    result.completion_tokens = output.completion_tokens
    result.truncated = output.stop_reason == "length"
    result.seconds = output.seconds
    result.pieces = 1


def _progress_bar(total: int, progress: bool | None):  # type: ignore[no-untyped-def]
    """A tqdm bar on stderr, only when stderr is a terminal (unless forced) and there is work."""
    show = sys.stderr.isatty() if progress is None else progress
    if not show or total < 2:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="seg", desc="Translating", file=sys.stderr, leave=False, dynamic_ncols=True)


def _around_bar(on_result: ResultCallback | None, bar) -> ResultCallback | None:  # type: ignore[no-untyped-def]
    """Print results without tearing the progress bar."""
    if on_result is None or bar is None:
        return on_result
    from tqdm import tqdm

    def write(result: SegmentResult) -> None:
        with tqdm.external_write_mode(file=sys.stderr):
            on_result(result)

    return write
