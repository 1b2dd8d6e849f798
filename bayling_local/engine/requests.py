"""What callers hand the scheduler and what they get back: a request, its handle, its result.

Plain data and a queue: nothing here touches llama.cpp, so test fakes and front-ends import it freely.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from ..config import GenerationConfig

TextCallback = Callable[[str], None]


@dataclass(frozen=True)
class Sampling:
    """How one request picks its tokens."""

    temperature: float = 0.0
    """0: greedy (argmax), exactly like llama.cpp's greedy sampler."""
    top_k: int = 40
    top_p: float = 0.95
    repeat_penalty: float = 1.0
    seed: int = 0
    """Seed of this request's own sampler, so a run is repeatable whatever else is in the batch."""

    @property
    def greedy(self) -> bool:
        return self.temperature <= 0 and self.repeat_penalty == 1.0

    @classmethod
    def from_generation(cls, generation: GenerationConfig, seed_offset: int = 0) -> Sampling:
        return cls(
            temperature=generation.temperature,
            top_k=generation.top_k,
            top_p=generation.top_p,
            repeat_penalty=generation.repeat_penalty,
            seed=(generation.seed + seed_offset) & 0xFFFFFFFF,
        )


@dataclass
class Request:
    """One prompt to continue."""

    tokens: list[int]
    """The whole prompt as token ids (BOS included when the model wants it)."""
    max_tokens: int
    """Most tokens to generate (the scheduler lowers it to what the context has room for)."""
    stop_strings: tuple[str, ...] = ()
    """Text that ends the answer (cut before it), besides the model's end tokens."""
    shared: int = 0
    """Leading tokens shared with many other requests (few-shot examples, a system prompt): decoded once
    into a prefix sequence and copied. 0: reuse whatever a free slot already holds of this prompt (chat)."""
    end_tokens: frozenset[int] = frozenset()
    """Tokens that end the answer besides the vocabulary's own end-of-generation tokens (`<|eot_id|>`)."""
    sampling: Sampling = field(default_factory=Sampling)
    cancel: threading.Event = field(default_factory=threading.Event)
    """Set it to stop the request; several requests may share one event (one Esc stops them all)."""
    priority: int = 0
    """Higher goes ahead of lower in the queue (a retry that holds back ordered output); equal: first come."""
    stop_on_loop: bool = False
    """End the answer as soon as it ends in a repetition loop (`engine.loops`), stop reason `loop`: a
    translation that starts saying the same phrase again and again will not recover by itself."""
    max_chars: int | None = None
    """End the answer (stop reason `too-long`) once its text is longer than this: a translation far longer
    than any correct one of its source is not worth finishing (None: no limit but `max_tokens`)."""

    @classmethod
    def for_generation(
        cls,
        tokens: list[int],
        generation: GenerationConfig,
        *,
        max_tokens: int | None = None,
        stop_strings: Sequence[str] = (),
        shared: int = 0,
        seed_offset: int = 0,
        cancel: threading.Event | None = None,
        end_tokens: frozenset[int] = frozenset(),
        stop_on_loop: bool = False,
        max_chars: int | None = None,
    ) -> Request:
        """A request sampled as `generation` says, limited to its max_tokens (and `max_tokens` if lower)."""
        limit = min(max_tokens or generation.max_tokens, generation.max_tokens)
        return cls(
            tokens=tokens,
            max_tokens=max(1, limit),
            stop_strings=tuple(stop_strings),
            shared=shared,
            end_tokens=end_tokens,
            sampling=Sampling.from_generation(generation, seed_offset),
            cancel=cancel or threading.Event(),
            stop_on_loop=stop_on_loop,
            max_chars=max_chars,
        )


@dataclass
class GenerationResult:
    """What one request produced and cost."""

    text: str
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    """From submission to the last token."""
    first_token_seconds: float | None
    """From submission to the first sampled token (queueing and prompt reading included)."""
    stop_reason: str
    """`stop` (end token or stop string), `length` (token limit or context), `loop` (a repetition loop,
    for requests that stop on one), `too-long` (past the request's `max_chars`), or `cancelled`."""
    reused_tokens: int = 0
    """Prompt tokens not evaluated because the KV cache already held them."""

    @property
    def tokens_per_second(self) -> float:
        generating = self.seconds - (self.first_token_seconds or 0.0)
        return self.completion_tokens / generating if generating > 0 else 0.0


_DONE = object()


class Handle:
    """A submitted request: stream its text, wait for its result, or cancel it. Safe from any thread."""

    def __init__(self, request: Request) -> None:
        self.request = request
        self.submitted = time.perf_counter()
        self._pieces: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._finished = threading.Event()
        self._result: GenerationResult | None = None
        self._error: BaseException | None = None

    # -- the caller's side ----------------------------------------------------------------------------------

    def cancel(self) -> None:
        """Stop the request (and every request sharing its cancel event): it leaves the batch within one
        decode step and its KV cells are freed."""
        self.request.cancel.set()

    @property
    def cancelled(self) -> bool:
        return self.request.cancel.is_set()

    def done(self) -> bool:
        return self._finished.is_set()

    def pieces(self) -> Iterator[str]:
        """The answer's text as it is produced; ends when the request is finished."""
        while True:
            item = self._pieces.get()
            if item is _DONE:
                return
            assert isinstance(item, str)
            yield item

    def stream(self, on_text: TextCallback | None) -> GenerationResult:
        """Give each piece to `on_text` as it comes, then the result. If `on_text` fails, the request stops."""
        try:
            for piece in self.pieces():
                if on_text is not None:
                    on_text(piece)
        except BaseException:
            self.cancel()
            raise
        return self.result()

    def result(self, timeout: float | None = None) -> GenerationResult:
        """Wait for the request to finish; re-raises the error that ended it, if any."""
        if not self._finished.wait(timeout):
            raise TimeoutError("the request is still running")
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result

    # -- the scheduler's side -------------------------------------------------------------------------------

    def push(self, piece: str) -> None:
        self._pieces.put(piece)

    def finish(self, result: GenerationResult) -> None:
        self._result = result
        self._finished.set()
        self._pieces.put(_DONE)

    def fail(self, error: BaseException) -> None:
        self._error = error
        self._finished.set()
        self._pieces.put(_DONE)


def common_length(a: Sequence[int], b: Sequence[int]) -> int:
    """Length of the common start of two token lists."""
    length = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        length += 1
    return length
