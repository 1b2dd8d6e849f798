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

Context size: all streams have the same number of cells. The context starts at what the first requests need
and, when a longer request arrives, is rebuilt larger (up to the model's `--ctx`) once the batch drains.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import ContextOverflowError, ModelError
from .model import LlamaModel
from .requests import GenerationResult, Handle, Request, common_length
from .sampling import sample_token, sampler_chain
from .stops import StopCondition

# Distinct shared prefixes kept in the cache at once (e.g. one per source language).
PREFIX_SLOTS = 2
# Tokens in one llama_decode call; llama.cpp splits it further into micro-batches of the same size.
BATCH_TOKENS = 512
# Fewest cached prompt tokens worth taking a slot that holds another conversation for.
MIN_REUSE = 16
# Smallest per-sequence context; contexts grow by doubling from here.
MIN_SEQUENCE_CELLS = 512


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
        self._ctx: Any = None
        self.sequence_cells = 0
        """KV cells per sequence in the current context (0 until the first request)."""
        self._condition = threading.Condition()
        self._waiting: deque[Handle] = deque()
        self._active: dict[int, _Sequence] = {}
        self._held: dict[int, list[int]] = {}
        """Free slots' KV contents, kept so a later request can continue from them."""
        self._prefixes: OrderedDict[tuple[int, ...], int] = OrderedDict()
        self._closing = False
        self.prompt_tokens_read = 0
        """Prompt tokens this scheduler has evaluated (not counting reused ones), for tests and benchmarks."""
        self._thread = threading.Thread(target=self._loop, name="bayling-scheduler", daemon=True)
        self._thread.start()

    # -- callers' side --------------------------------------------------------------------------------------

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
            self._waiting.append(handle)
            self._condition.notify()
        return handle

    def active_count(self) -> int:
        """Requests in the batch right now (waiting ones not counted); only the scheduler thread changes it."""
        return len(self._active)

    def llama_prompt_tokens(self) -> int:
        """Prompt tokens llama.cpp itself counts as evaluated in batches of more than one token."""
        import llama_cpp

        ctx = self._ctx
        return int(llama_cpp.llama_perf_context(ctx).n_p_eval) if ctx else 0

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
                admitted = self._take_admissible()
            # llama.cpp work happens outside the lock, so submit() never waits for a decode.
            for handle in cancelled:
                handle.finish(_nothing(handle, "cancelled"))
            for sequence in [s for s in self._active.values() if s.handle.cancelled]:
                self._end(sequence, "cancelled")
            for handle in admitted:
                self._admit(handle)
            if self._active:
                return True

    def _take_admissible(self) -> list[Handle]:
        """Waiting requests that can start now (called with the lock held)."""
        taken: list[Handle] = []
        cells = self.sequence_cells
        while self._waiting and len(self._active) + len(taken) < self.slots:
            needed = self._cells_for(self._waiting[0].request)
            if needed > cells:
                if self._active or taken:
                    break  # a larger context must wait for the running batch to finish
                cells = needed
            taken.append(self._waiting.popleft())
        return taken

    def _admit(self, handle: Handle) -> None:
        try:
            needed = self._cells_for(handle.request)
            if needed > self.sequence_cells:
                self._resize(needed)
            self._start(handle)
        except Exception as exc:  # noqa: BLE001 - reported to the caller through its handle
            handle.fail(exc)

    def _cells_for(self, request: Request) -> int:
        return len(request.tokens) + min(request.max_tokens, self.room(len(request.tokens)))

    # -- context --------------------------------------------------------------------------------------------

    def _resize(self, needed: int) -> None:
        """(Re)build the context so each sequence has room for `needed` cells; held KV contents are dropped."""
        import llama_cpp

        cells = sequence_cells(needed, self.max_cells)
        self._free_context()
        n_seq = self.slots + PREFIX_SLOTS
        params = llama_cpp.llama_context_default_params()
        params.n_ctx = cells * n_seq
        params.n_batch = BATCH_TOKENS
        params.n_ubatch = BATCH_TOKENS
        params.n_seq_max = n_seq
        params.n_threads = self.threads
        params.n_threads_batch = self.threads
        params.kv_unified = False
        params.swa_full = True  # full-size sliding-window cache, so a chat's cells can be reused (Gemma 3)
        params.flash_attn_type = llama_cpp.LLAMA_FLASH_ATTN_TYPE_DISABLED
        params.no_perf = False
        ctx = llama_cpp.llama_init_from_model(self.model.pointer, params)
        if not ctx:
            raise ModelError(
                f"llama.cpp could not create a context of {cells} tokens x {n_seq} sequences; "
                "lower --parallel or --ctx"
            )
        self._ctx = ctx
        self._memory = llama_cpp.llama_get_memory(ctx)
        self._batch = llama_cpp.llama_batch_init(BATCH_TOKENS, 0, 1)
        self.sequence_cells = llama_cpp.llama_n_ctx(ctx) // n_seq

    def _free_context(self) -> None:
        import llama_cpp

        if self._ctx:
            llama_cpp.llama_batch_free(self._batch)
            llama_cpp.llama_free(self._ctx)
        self._ctx = None
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
        import llama_cpp

        request = handle.request
        tokens = request.tokens
        slot, reused = self._choose_slot(request)
        if request.shared > 0:
            # The last prompt token is decoded in the sequence itself: its logits give the first answer token.
            reused = max(0, min(request.shared, len(tokens) - 1))
            llama_cpp.llama_memory_seq_rm(self._memory, slot, -1, -1)
            if reused:
                llama_cpp.llama_memory_seq_cp(
                    self._memory, self._prefix(tuple(tokens[:reused])), slot, -1, -1
                )
        else:
            llama_cpp.llama_memory_seq_rm(self._memory, slot, reused, -1)
        self._held.pop(slot, None)
        model = self.model
        allowance = min(request.max_tokens, self.room(len(tokens)))
        stop = StopCondition(
            model.is_end_of_generation,
            model.token_bytes,
            request.stop_strings,
            allowance,
            handle.push,
            request.end_tokens,
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

    def _end(self, sequence: _Sequence, reason: str) -> None:
        import llama_cpp

        del self._active[sequence.slot]
        if reason == "cancelled":
            llama_cpp.llama_memory_seq_rm(self._memory, sequence.slot, -1, -1)
        else:
            self._held[sequence.slot] = sequence.cells
        if sequence.sampler is not None:
            llama_cpp.llama_sampler_free(sequence.sampler)
            sequence.sampler = None
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
        import llama_cpp

        for sequence in list(self._active.values()):
            del self._active[sequence.slot]
            llama_cpp.llama_memory_seq_rm(self._memory, sequence.slot, -1, -1)
            sequence.handle.fail(error)

    def _prefix(self, tokens: tuple[int, ...]) -> int:
        """The sequence id holding `tokens` in the KV cache, decoding them the first time they are asked for."""
        import llama_cpp

        if tokens in self._prefixes:
            self._prefixes.move_to_end(tokens)
            return self._prefixes[tokens]
        if len(self._prefixes) >= PREFIX_SLOTS:
            # Evict the least recently used prefix; sequences copied from it keep their own cells.
            _, seq = self._prefixes.popitem(last=False)
        else:
            seq = self.slots + len(self._prefixes)
        llama_cpp.llama_memory_seq_rm(self._memory, seq, -1, -1)
        for start in range(0, len(tokens), BATCH_TOKENS):
            piece = tokens[start : start + BATCH_TOKENS]
            self._decode([(seq, start + i, token, False) for i, token in enumerate(piece)])
        self.prompt_tokens_read += len(tokens)
        self._prefixes[tokens] = seq
        return seq

    # -- one decode step ------------------------------------------------------------------------------------

    def _step(self) -> None:
        """Decode one batch (a new prompt's next piece, or one token per generating sequence); sample; stop."""
        sequences = list(self._active.values())
        reading = [s for s in sequences if s.reading]
        batch = reading[:1] or sorted(sequences, key=lambda s: s.slot)[:BATCH_TOKENS]
        entries: list[tuple[int, int, int, bool]] = []
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
        self._decode(entries)
        for sequence, row in wanting:
            token = sample_token(self._ctx, sequence.sampler, row, self.model.n_vocab)
            if sequence.first_token is None:
                sequence.first_token = _since(sequence.handle)
            reason = sequence.stop.take(token)
            if reason is None and sequence.position >= self.sequence_cells:
                reason = "length"
            if reason is not None:
                self._end(sequence, reason)
            else:
                sequence.todo = [token]

    def _decode(self, entries: Sequence[tuple[int, int, int, bool]]) -> None:
        """llama_decode of (sequence id, position, token, wants logits) entries."""
        import llama_cpp

        batch = self._batch
        batch.n_tokens = len(entries)
        for i, (seq, position, token, logits) in enumerate(entries):
            batch.token[i] = token
            batch.pos[i] = position
            batch.n_seq_id[i] = 1
            batch.seq_id[i][0] = seq
            batch.logits[i] = int(logits)
        status = llama_cpp.llama_decode(self._ctx, batch)
        if status == 1:
            raise ContextOverflowError(
                f"a sequence outgrew its {self.sequence_cells} tokens of context; lower --max-tokens or --parallel"
            )
        if status != 0:
            raise ModelError(f"llama.cpp failed to decode a batch (status {status}); try --parallel 1")


def sequence_cells(needed: int, max_cells: int) -> int:
    """KV cells per sequence for a context that must hold `needed`: doubling from MIN_SEQUENCE_CELLS, so a
    growing chat rebuilds the context rarely, and never past `max_cells` (in llama.cpp's steps of 256)."""
    cells = MIN_SEQUENCE_CELLS
    while cells < needed:
        cells *= 2
    return min(cells, -(-max_cells // 256) * 256)


def _nothing(handle: Handle, reason: str) -> GenerationResult:
    """The result of a request that never ran."""
    return GenerationResult("", len(handle.request.tokens), 0, _since(handle), None, reason)


def _since(handle: Handle) -> float:
    return time.perf_counter() - handle.submitted
