"""Pure parts of the batch engine: ordering, context sizing, prefix arithmetic, default width."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from bayling_local.batch import BatchRequest, sequence_context
from bayling_local.batch_translate import _common_length, _InOrder, default_parallel
from bayling_local.translate import SegmentResult


def _result(text: str) -> SegmentResult:
    return SegmentResult(
        source=text, translation=text.upper(), source_language=None, target_language="fra_Latn", model="m"
    )


def test_results_are_released_in_input_order_as_soon_as_possible() -> None:
    released: list[str] = []
    slots: list[SegmentResult | None] = [None, None, None, None]
    order = _InOrder(slots, lambda r: released.append(r.source))
    order.put(2, _result("c"))
    assert released == []
    order.put(0, _result("a"))
    assert released == ["a"]
    order.put(1, _result("b"))
    assert released == ["a", "b", "c"]
    order.put(3, _result("d"))
    assert released == ["a", "b", "c", "d"]


def test_sequence_context_covers_longest_prompt_and_answer_in_256_steps() -> None:
    requests = [BatchRequest([1] * 100, 60, 40), BatchRequest([1] * 30, 20, 300)]
    size = sequence_context(requests)
    assert size % 256 == 0
    assert size >= 100 + 300


def test_common_length_stops_at_first_difference() -> None:
    assert _common_length([1, 2, 3, 4], [1, 2, 9]) == 2
    assert _common_length([], [1]) == 0


def test_default_parallel_is_wider_for_small_models(tmp_path: Path) -> None:
    small, large = tmp_path / "small.gguf", tmp_path / "large.gguf"
    small.write_bytes(b"x" * 1000)
    with open(large, "wb") as handle:
        handle.truncate(8 * 10**9)  # sparse: no disk used
    cpu = dict(n_gpu_layers=0, threads=2)
    assert default_parallel(SimpleNamespace(path=small, **cpu)) == 8  # type: ignore[arg-type]
    assert default_parallel(SimpleNamespace(path=large, **cpu)) == 2  # type: ignore[arg-type]
