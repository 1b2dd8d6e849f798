"""Pure parts of the scheduler and the translation core: ordering, context sizing, prefixes, default width."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bayling_local.config import GenerationConfig
from bayling_local.engine.base import BaseEngine
from bayling_local.engine.requests import GenerationResult, Handle, Request, Sampling, common_length
from bayling_local.language.names import resolve_language
from bayling_local.llama.context import MIN_SEQUENCE_CELLS, sequence_cells
from bayling_local.llama.runtime import default_slots
from bayling_local.prompts.formats import FEWSHOT, PromptFormat
from bayling_local.translation.batch import translate_segments
from bayling_local.translation.translator import SegmentResult, Translator


class HeldEngine(BaseEngine):
    """An engine whose requests finish only when the test says so (to order completions by hand)."""

    name = "held"
    n_ctx = 4096
    format: PromptFormat = FEWSHOT
    notice: str | None = None
    slots = 4

    def __init__(self) -> None:
        self.handles: list[Handle] = []
        self.submitted = threading.Event()

    def tokenize(self, text: str, add_bos: bool | None = None) -> list[int]:
        return [len(word) for word in text.split()] or [0]

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def submit(self, request: Request) -> Handle:
        handle = Handle(request)
        self.handles.append(handle)
        self.submitted.set()
        return handle

    def close(self) -> None:
        pass

    def finish(self, index: int, text: str) -> None:
        self.handles[index].push(text)
        self.handles[index].finish(GenerationResult(text, 5, 1, 0.01, 0.01, "stop"))


def test_results_are_released_in_input_order_as_soon_as_possible() -> None:
    engine = HeldEngine()
    translator = translator_for(engine)
    released: list[str] = []
    worker = threading.Thread(
        target=translate_segments,
        args=(translator, ["a", "b", "c", "d"]),
        kwargs={"on_result": lambda r: released.append(r.translation)},
    )
    worker.start()
    while len(engine.handles) < 4:
        time.sleep(0.01)
    engine.finish(2, "C")
    time.sleep(0.05)
    assert released == []
    engine.finish(0, "A")
    _wait_for(lambda: released == ["A"])
    engine.finish(1, "B")
    _wait_for(lambda: released == ["A", "B", "C"])
    engine.finish(3, "D")
    worker.join(timeout=5)
    assert released == ["A", "B", "C", "D"]


def test_cancelling_stops_the_segments_not_yet_released() -> None:
    engine = HeldEngine()
    translator = translator_for(engine)
    cancel = threading.Event()
    results: list[SegmentResult] = []
    worker = threading.Thread(
        target=lambda: results.extend(translate_segments(translator, ["a", "b", "c"], cancel=cancel))
    )
    worker.start()
    while len(engine.handles) < 3:
        time.sleep(0.01)
    engine.finish(0, "A")
    cancel.set()
    assert all(h.cancelled for h in engine.handles)  # one event for the whole job
    engine.handles[1].finish(GenerationResult("B", 5, 1, 0.01, 0.01, "cancelled"))
    worker.join(timeout=5)
    assert [r.translation for r in results] == ["A", "B"]
    assert results[-1].cancelled


def translator_for(engine: HeldEngine) -> Translator:
    return Translator(engine, resolve_language("fra_Latn"), resolve_language("eng_Latn"))


def _wait_for(condition: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert condition()


def test_sequence_cells_double_from_the_minimum_and_stop_at_the_context() -> None:
    assert sequence_cells(10, 4096) == MIN_SEQUENCE_CELLS
    assert sequence_cells(MIN_SEQUENCE_CELLS + 1, 4096) == 2 * MIN_SEQUENCE_CELLS
    assert sequence_cells(3000, 4096) == 4096
    assert sequence_cells(3000, 3000) == 3072  # llama.cpp sizes contexts in steps of 256


def test_common_length_stops_at_first_difference() -> None:
    def common(a: Sequence[int], b: Sequence[int]) -> int:
        return common_length(a, b)

    assert common([1, 2, 3, 4], [1, 2, 9]) == 2
    assert common([], [1]) == 0


def test_sampling_seeds_differ_per_request_but_repeat() -> None:
    generation = GenerationConfig(temperature=0.7, seed=5)
    assert Sampling.from_generation(generation, 3).seed == 8
    assert Sampling.from_generation(generation, 3) == Sampling.from_generation(generation, 3)
    assert Sampling.from_generation(GenerationConfig()).greedy


def test_default_slots_are_wider_for_small_models(tmp_path: Path) -> None:
    small, large = tmp_path / "small.gguf", tmp_path / "large.gguf"
    small.write_bytes(b"x" * 1000)
    with open(large, "wb") as handle:
        handle.truncate(8 * 10**9)  # sparse: no disk used
    assert default_slots(small, threads=2, gpu=False) == 8
    assert default_slots(large, threads=2, gpu=False) == 2
    assert default_slots(small, threads=8, gpu=False) == 16
    assert default_slots(large, threads=2, gpu=True) == 16
