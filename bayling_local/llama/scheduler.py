"""One thread owns a model's llama.cpp context and decodes every caller's requests together.

The role vLLM's engine loop and llama-server's slots play. `submit()` may be called from any thread at any
time; the request waits for a free slot (a KV sequence of its own), joins the running batch, streams its text
to its handle, and leaves the batch when it stops, hits its limit or is cancelled (checked before every
decode step; a cancelled sequence's KV cells are freed at once).

Batch invariance (a greedy answer is the same alone, in a batch, or arriving mid-batch), as measured in
docs/benchmarks.md section 1:
- every sequence has its own KV stream (`kv_unified = False`): in a unified cache a sequence's cells sit
  among other sequences' cells and attention sums in another order;
- a new prompt is read alone, in a call of its own: read beside other prompts or generated tokens, llama.cpp
  splits and lays out the work differently;
- a generation step carries one token per sequence, in sequence-id order (out of order, llama.cpp gives each
  sequence a micro-batch of its own);
- the CPU kernels are chosen per row, not per batch (kernels.py).

Prompt reuse: a prefix shared by many requests (few-shot examples) is decoded once into a prefix sequence and
copied into each new sequence with `llama_memory_seq_cp` (a buffer copy, no recomputation). A request with no
declared prefix (a chat turn) goes to the free slot that already holds the longest start of its prompt, and only
the rest is read: a chat's next turn does not re-read the conversation.

Context size (context.py): all streams have the same number of cells. The context starts at what the first
requests need and, when a longer request arrives, is rebuilt larger (up to the model's `--ctx`, sized for the
requests waiting behind it too) once the batch drains.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any

from ..engine.requests import GenerationResult, Handle, Request, common_length
from ..errors import ContextOverflowError, ModelError
from .context import BATCH_TOKENS, MIN_SEQUENCE_CELLS, Entry, KvContext, sequence_cells
from .model import LlamaModel
from .sampling import free_sampler, sample_token, sampler_chain
from .stops import StopCondition

# Distinct shared prefixes kept in the cache at once (e.g. one per source language).
PREFIX_SLOTS = 2
# Fewest cached prompt tokens worth taking a slot that holds another conversation for.
MIN_REUSE = 16
# Waiting requests looked at when sizing a new context, so it is not rebuilt again for the next one.
SIZING_LOOKAHEAD = 64


@dataclass
class _Sequence:
    """A request being decoded in one slot (KV sequence id)."""

    handle: Handle
    slot: int
    stop: StopCondition
    position: int
    """Next KV position to fill."""
    todo: list[int]
    """Prompt tokens not yet decoded; then the one sampled token to feed next."""
    reused: int
    sampler: Any = None
    first_token: float | None = None
    cells: list[int] = field(default_factory=list)
    """The tokens in this slot's KV cells, in order (kept after the request, for the next one's reuse)."""

    @property
    def reading(self) -> bool:
        return self.position < len(self.handle.request.tokens)


class Scheduler:
    """Continuous batching over up to `slots` sequences of one loaded model."""

    def __init__(self, model: LlamaModel, slots: int, max_cells: int, threads: int) -> None:
        """`max_cells`: the most KV cells one request may use (the user's --ctx)."""
        self.model = model
        self.slots = max(1, slots)
        self.max_cells = max(MIN_SEQUENCE_CELLS // 2, max_cells)
        self.threads = threads
        self._context: KvContext | None = None
        self._condition = threading.Condition()
        self._waiting: deque[Handle] = deque()
        self._active: dict[int, _Sequence] = {}
        self._held: dict[int, list[int]] = {}
        """Free slots' KV contents, kept so a later request can continue from them."""
        self._prefixes: OrderedDict[tuple[int, ...], int] = OrderedDict()
        self._closing = False
        self.prompt_tokens_read = 0
        """Prompt tokens this scheduler has evaluated (not counting reused ones), for tests and benchmarks."""
        self._llama_counted = 0
        """llama.cpp's prompt-token count of contexts already freed (its counter lives in the context)."""
        self._thread = threading.Thread(target=self._loop, name="bayling-scheduler", daemon=True)
        self._thread.start()

    # -- callers' side --------------------------------------------------------------------------------------

    @property
    def sequence_cells(self) -> int:
        """KV cells per sequence in the current context (0 while there is none)."""
        return self._context.cells if self._context else 0

    def room(self, prompt_tokens: int) -> int:
        """Tokens a prompt of this length leaves for the answer."""
        return self.max_cells - prompt_tokens

    def submit(self, request: Request) -> Handle:
        """Queue `request`; its handle streams the answer. Raises ContextOverflowError when it cannot fit."""
        if not request.tokens:
            raise ValueError("a request needs at least one prompt token")
        if self.room(len(request.tokens)) < 1:
            raise ContextOverflowError(
                f"the prompt is {len(request.tokens)} tokens but the context holds {self.max_cells}; "
                "raise --ctx or shorten the input"
            )
        handle = Handle(request)
        with self._condition:
            if self._closing:
                raise ModelError("the model has been closed")
            enqueue(self._waiting, handle)
            self._condition.notify()
        return handle

    def active_count(self) -> int:
        """Requests in the batch right now (waiting ones not counted); only the scheduler thread changes it."""
        return len(self._active)

    def llama_prompt_tokens(self) -> int:
        """Prompt tokens llama.cpp itself counted as evaluated (calls of more than one token); read it while
        the scheduler is idle (tests, benchmarks)."""
        context = self._context
        return self._llama_counted + (context.prompt_tokens_counted() if context else 0)

    def close(self) -> None:
        """Cancel what is left, stop the thread and free the context."""
        with self._condition:
            self._closing = True
            self._condition.notify()
        self._thread.join()

    # -- the scheduler thread -------------------------------------------------------------------------------

    def _loop(self) -> None:
        try:
            while self._next_round():
                try:
                    self._step()
                except Exception as exc:  # noqa: BLE001 - a failed decode ends its requests, not the thread
                    self._fail_active(exc)
        finally:
            self._shutdown()

    def _next_round(self) -> bool:
        """Drop cancelled requests and admit waiting ones; sleep while there is nothing to do. False: closing."""
        while True:
            with self._condition:
                while not (self._closing or self._waiting or self._active):
                    self._condition.wait()
                if self._closing:
                    return False
                cancelled = [h for h in self._waiting if h.cancelled]
                for handle in cancelled:
                    self._waiting.remove(handle)
                admitted, resize_to = self._take_admissible()
            # llama.cpp work happens outside the lock, so submit() never waits for a decode.
            for handle in cancelled:
                handle.finish(_nothing(handle, "cancelled"))
            for sequence in [s for s in self._active.values() if s.handle.cancelled]:
                self._end(sequence, "cancelled")
            self._admit(admitted, resize_to)
            if self._active:
                return True

    def _take_admissible(self) -> tuple[list[Handle], int]:
        """Waiting requests that can start now, and the cells per sequence to rebuild the context with first
        (0: keep it). Called with the lock held."""
        taken: list[Handle] = []
        cells = self.sequence_cells
        resize_to = 0
        while self._waiting and len(self._active) + len(taken) < self.slots:
            needed = self._cells_for(self._waiting[0].request)
            if needed > cells:
                if self._active or taken:
                    break  # a larger context must wait for the running batch to finish
                ahead = [self._cells_for(h.request) for h in list(self._waiting)[:SIZING_LOOKAHEAD]]
                cells = resize_to = sequence_cells(max(ahead), self.max_cells)
            taken.append(self._waiting.popleft())
        return taken, resize_to

    def _admit(self, handles: list[Handle], resize_to: int) -> None:
        if resize_to:
            try:
                self._resize(resize_to)
            except Exception as exc:  # noqa: BLE001 - reported to the callers through their handles
                for handle in handles:
                    handle.fail(exc)
                return
        for handle in handles:
            try:
                self._start(handle)
            except Exception as exc:  # noqa: BLE001 - reported to the caller through its handle
                handle.fail(exc)

    def _cells_for(self, request: Request) -> int:
        return len(request.tokens) + min(request.max_tokens, self.room(len(request.tokens)))

    def _resize(self, cells: int) -> None:
        """(Re)build the context with `cells` per sequence; what free slots held is dropped."""
        self._free_context()
        self._context = KvContext(self.model, cells, self.slots + PREFIX_SLOTS, self.threads)

    def _free_context(self) -> None:
        if self._context is not None:
            self._llama_counted += self._context.prompt_tokens_counted()
            self._context.close()
        self._context = None
        self._held.clear()
        self._prefixes.clear()

    def _shutdown(self) -> None:
        with self._condition:
            self._closing = True
            waiting, self._waiting = list(self._waiting), deque()
        for handle in waiting:
            handle.finish(_nothing(handle, "cancelled"))
        for sequence in list(self._active.values()):
            self._end(sequence, "cancelled")
        self._free_context()

    # -- one sequence ---------------------------------------------------------------------------------------

    def _start(self, handle: Handle) -> None:
        context = self._context
        assert context is not None and self._cells_for(handle.request) <= context.cells
        request = handle.request
        tokens = request.tokens
        slot, reused = self._choose_slot(request)
        self._held.pop(slot, None)
        if request.shared > 0:
            # The last prompt token is decoded in the sequence itself: its logits give the first answer token.
            reused = max(0, min(request.shared, len(tokens) - 1))
            context.remove(slot)
            if reused:
                context.copy(self._prefix(tuple(tokens[:reused])), slot)
        elif not context.remove(slot, reused):
            context.remove(slot)  # this memory frees only whole sequences: read the prompt from the start
            reused = 0
        model = self.model
        stop = StopCondition(
            model.is_end_of_generation,
            model.token_bytes,
            request.stop_strings,
            min(request.max_tokens, self.room(len(tokens))),
            handle.push,
            request.end_tokens,
            request.stop_on_loop,
            request.max_chars,
        )
        self._active[slot] = _Sequence(
            handle,
            slot,
            stop,
            position=reused,
            todo=list(tokens[reused:]),
            reused=reused,
            sampler=sampler_chain(request.sampling),
            cells=list(tokens[:reused]),
        )

    def _choose_slot(self, request: Request) -> tuple[int, int]:
        """A free slot and how many prompt tokens its KV cells already hold (0 for shared-prefix requests)."""
        free = [slot for slot in range(self.slots) if slot not in self._active]
        if request.shared > 0:
            # Leave slots holding a conversation alone while others are free.
            return min(free, key=lambda slot: (slot in self._held, slot)), 0
        reuse = {slot: common_length(self._held.get(slot, ()), request.tokens) for slot in free}
        # A start of a few tokens (BOS, a template header) is not worth another conversation's cells.
        best = max(
            free, key=lambda slot: (reuse[slot] if reuse[slot] >= MIN_REUSE else 0, slot not in self._held)
        )
        return best, min(reuse[best], len(request.tokens) - 1)

    def _release(self, sequence: _Sequence, keep_cells: bool) -> None:
        """Take a sequence out of the batch: its sampler freed, its cells kept for reuse or freed."""
        del self._active[sequence.slot]
        free_sampler(sequence.sampler)
        sequence.sampler = None
        if keep_cells:
            self._held[sequence.slot] = sequence.cells
        elif self._context is not None:
            self._context.remove(sequence.slot)

    def _end(self, sequence: _Sequence, reason: str) -> None:
        self._release(sequence, keep_cells=reason != "cancelled")
        handle = sequence.handle
        result = GenerationResult(
            sequence.stop.finish(),
            len(handle.request.tokens),
            sequence.stop.generated,
            _since(handle),
            sequence.first_token,
            reason,
            sequence.reused,
        )
        handle.finish(result)

    def _fail_active(self, error: Exception) -> None:
        for sequence in list(self._active.values()):
            self._release(sequence, keep_cells=False)
            sequence.handle.fail(error)

    def _prefix(self, tokens: tuple[int, ...]) -> int:
        """The sequence id holding `tokens` in the KV cache, decoding them the first time they are asked for."""
        assert self._context is not None
        if tokens in self._prefixes:
            self._prefixes.move_to_end(tokens)
            return self._prefixes[tokens]
        if len(self._prefixes) >= PREFIX_SLOTS:
            # Evict the least recently used prefix; sequences copied from it keep their own cells.
            self._prefixes.popitem(last=False)
        taken = set(self._prefixes.values())
        seq = next(s for s in range(self.slots, self.slots + PREFIX_SLOTS) if s not in taken)
        self._context.remove(seq)
        for start in range(0, len(tokens), BATCH_TOKENS):
            piece = tokens[start : start + BATCH_TOKENS]
            self._context.decode([(seq, start + i, token, False) for i, token in enumerate(piece)])
        self.prompt_tokens_read += len(tokens)
        self._prefixes[tokens] = seq  # only once whole: a failed read leaves the id free, not half-filled
        return seq

    # -- one decode step ------------------------------------------------------------------------------------

    def _step(self) -> None:
        """Decode one batch (a new prompt's next piece, or one token per generating sequence); sample; stop."""
        context = self._context
        assert context is not None
        sequences = list(self._active.values())
        reading = [s for s in sequences if s.reading]
        batch = reading[:1] or sorted(sequences, key=lambda s: s.slot)[:BATCH_TOKENS]
        entries: list[Entry] = []
        wanting: list[tuple[_Sequence, int]] = []
        for sequence in batch:
            # A prompt longer than a whole batch is read in pieces of BATCH_TOKENS.
            take = min(len(sequence.todo), BATCH_TOKENS)
            last = take == len(sequence.todo)
            for i in range(take):
                entries.append(
                    (sequence.slot, sequence.position + i, sequence.todo[i], last and i == take - 1)
                )
            if last:
                wanting.append((sequence, len(entries) - 1))
            if sequence.reading:
                self.prompt_tokens_read += take
            sequence.position += take
            sequence.cells.extend(sequence.todo[:take])
            del sequence.todo[:take]
        context.decode(entries)
        for sequence, row in wanting:
            token = sample_token(context.ctx, sequence.sampler, row, self.model.n_vocab)
            if sequence.first_token is None:
                sequence.first_token = _since(sequence.handle)
            reason = sequence.stop.take(token)
            if reason is None and sequence.position >= context.cells:
                reason = "length"
            if reason is not None:
                self._end(sequence, reason)
            else:
                sequence.todo = [token]


def enqueue(waiting: deque[Handle], handle: Handle) -> None:
    """Put `handle` behind every waiting request of its priority or higher, ahead of the lower ones."""
    priority = handle.request.priority
    position = len(waiting)
    while position > 0 and waiting[position - 1].request.priority < priority:
        position -= 1
    waiting.insert(position, handle)


def _nothing(handle: Handle, reason: str) -> GenerationResult:
    """The result of a request that never ran."""
    return GenerationResult("", len(handle.request.tokens), 0, _since(handle), None, reason)


def _since(handle: Handle) -> float:
    return time.perf_counter() - handle.submitted
