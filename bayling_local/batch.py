"""Decode many prompts at once on llama.cpp's low-level API: one llama_batch over several sequence ids.

The high-level `Llama` object runs one sequence. Here a second context on the same loaded weights holds up
to `parallel` sequences, each in its own KV stream. A prompt prefix shared by many requests (the few-shot
examples, the system prompt) is decoded once into a sequence of its own and copied into each new sequence
with `llama_memory_seq_cp` (a buffer copy, no recomputation). Finished sequences hand their slot to the next
waiting request (continuous batching).

Why separate streams rather than one unified cache: in a unified cache a sequence's cells sit among other
sequences' cells, which changes the summation order inside attention; greedy output then drifts from the
one-at-a-time path on about a third of the lines. In its own stream a sequence's cells are laid out exactly as
in the single-sequence cache. What still differs is the matrix kernel: llama.cpp's repacked CPU kernels
multiply one row (one-at-a-time decoding) and several rows (a batch) with different rounding, so on a small
model a greedy line can still change (docs/benchmarks.md has the measured share).

Greedy decoding takes the argmax of each sequence's logits, exactly like llama.cpp's greedy sampler; other
settings use one llama.cpp sampler chain per sequence.
"""

from __future__ import annotations

import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .config import GenerationConfig
from .engine import Engine, _StopStream
from .errors import ContextOverflowError, ModelError

# Distinct shared prefixes kept in the cache at once (e.g. one per detected source language).
PREFIX_SLOTS = 2
# Tokens in one llama_decode call; llama.cpp splits it further into micro-batches of the same size.
BATCH_TOKENS = 512


@dataclass
class BatchRequest:
    """One prompt to continue."""

    tokens: list[int]
    """The full prompt, tokenized exactly as the one-at-a-time path does (BOS included if the model wants it)."""
    shared: int
    """How many leading tokens are a prefix shared with other requests (decoded once, then copied)."""
    max_tokens: int
    """Most tokens to generate."""
    stop_strings: tuple[str, ...] = ()
    """Text that ends the answer (cut before it), in addition to the model's end tokens."""


@dataclass
class BatchOutput:
    """What one request produced; `stop_reason` is `stop` or `length`, as in `GenerationResult`."""

    index: int
    text: str
    prompt_tokens: int
    completion_tokens: int
    stop_reason: str
    seconds: float


@dataclass
class _Sequence:
    """A request being decoded in one slot (sequence id)."""

    index: int
    request: BatchRequest
    slot: int
    stream: _StopStream
    started: float
    position: int
    """Next KV position to fill."""
    todo: list[int] = field(default_factory=list)
    """Prompt tokens not yet decoded; then the one sampled token to feed next."""
    generated: int = 0
    sampler: Any = None


class BatchDecoder:
    """A multi-sequence llama.cpp context sharing the weights already loaded by `engine`."""

    def __init__(self, engine: Engine, parallel: int, seq_ctx: int, generation: GenerationConfig) -> None:
        """`seq_ctx`: KV cells per sequence (shared prefix + prompt rest + answer); see `sequence_context`."""
        import llama_cpp

        self.engine = engine
        self.parallel = max(1, parallel)
        self.generation = generation
        # Same settings as the engine's own context (threads, flash attention, SWA), so arithmetic matches.
        params = llama_cpp.llama_context_params.from_buffer_copy(engine.llm.context_params)
        n_seq_max = self.parallel + PREFIX_SLOTS
        params.n_ctx = seq_ctx * n_seq_max
        params.n_batch = BATCH_TOKENS
        params.n_ubatch = BATCH_TOKENS
        params.n_seq_max = n_seq_max
        params.kv_unified = False
        params.swa_full = True
        self.ctx = llama_cpp.llama_init_from_model(engine.llm._model.model, params)
        if not self.ctx:
            raise ModelError(
                f"llama.cpp could not create a context of {seq_ctx} tokens x {n_seq_max} sequences; "
                "lower --parallel"
            )
        self.seq_ctx = llama_cpp.llama_n_ctx(self.ctx) // n_seq_max
        self.memory = llama_cpp.llama_get_memory(self.ctx)
        self.n_vocab = engine.llm.n_vocab()
        self.batch = llama_cpp.llama_batch_init(BATCH_TOKENS, 0, 1)
        self._prefixes: OrderedDict[tuple[int, ...], int] = OrderedDict()

    def close(self) -> None:
        import llama_cpp

        if self.ctx:
            llama_cpp.llama_batch_free(self.batch)
            llama_cpp.llama_free(self.ctx)
            self.ctx = None

    def __enter__(self) -> BatchDecoder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, requests: Iterable[BatchRequest], on_done: Callable[[BatchOutput], None]) -> None:
        """Decode every request; `on_done` gets each output as soon as it is finished (completion order)."""
        waiting = deque(enumerate(requests))
        active: dict[int, _Sequence] = {}
        free = list(range(self.parallel - 1, -1, -1))
        while waiting or active:
            while waiting and free:
                index, request = waiting.popleft()
                active_slot = free.pop()
                active[active_slot] = self._start(index, request, active_slot)
            finished = self._step(list(active.values()))
            for sequence, reason in finished:
                del active[sequence.slot]
                free.append(sequence.slot)
                self._release(sequence)
                on_done(self._output(sequence, reason))

    # -- one sequence ---------------------------------------------------------------------------------------

    def _start(self, index: int, request: BatchRequest, slot: int) -> _Sequence:
        import llama_cpp

        if not request.tokens:
            raise ValueError("a request needs at least one prompt token")
        # The last prompt token must be decoded in this sequence: its logits give the first answer token.
        shared = max(0, min(request.shared, len(request.tokens) - 1))
        llama_cpp.llama_memory_seq_rm(self.memory, slot, -1, -1)
        if shared:
            prefix_seq = self._prefix(tuple(request.tokens[:shared]))
            llama_cpp.llama_memory_seq_cp(self.memory, prefix_seq, slot, -1, -1)
        stops = tuple(request.stop_strings) + self.engine.format.stop_strings
        return _Sequence(
            index,
            request,
            slot,
            _StopStream(stops, None),
            time.perf_counter(),
            shared,
            list(request.tokens[shared:]),
            sampler=self._sampler(index),
        )

    def _release(self, sequence: _Sequence) -> None:
        import llama_cpp

        llama_cpp.llama_memory_seq_rm(self.memory, sequence.slot, -1, -1)
        if sequence.sampler is not None:
            llama_cpp.llama_sampler_free(sequence.sampler)
            sequence.sampler = None

    def _output(self, sequence: _Sequence, reason: str) -> BatchOutput:
        return BatchOutput(
            sequence.index,
            sequence.stream.finish(),
            len(sequence.request.tokens),
            sequence.generated,
            reason,
            time.perf_counter() - sequence.started,
        )

    def _prefix(self, tokens: tuple[int, ...]) -> int:
        """The sequence id holding `tokens` in the KV cache, decoding them the first time they are asked for."""
        import llama_cpp

        if tokens in self._prefixes:
            self._prefixes.move_to_end(tokens)
            return self._prefixes[tokens]
        if len(self._prefixes) >= PREFIX_SLOTS:
            # Evict the least recently used prefix; sequences copied from it keep their cells.
            _, seq = self._prefixes.popitem(last=False)
        else:
            seq = self.parallel + len(self._prefixes)
        llama_cpp.llama_memory_seq_rm(self.memory, seq, -1, -1)
        for start in range(0, len(tokens), BATCH_TOKENS):
            piece = tokens[start : start + BATCH_TOKENS]
            self._fill([(seq, start + i, token, False) for i, token in enumerate(piece)])
            self._decode()
        self._prefixes[tokens] = seq
        return seq

    # -- sampling -------------------------------------------------------------------------------------------

    def _greedy(self) -> bool:
        gen = self.generation
        return gen.temperature <= 0 and gen.repeat_penalty == 1.0

    def _sampler(self, index: int) -> Any:
        """A llama.cpp sampler chain for this request, or None for plain greedy (argmax)."""
        import llama_cpp

        if self._greedy():
            return None
        gen = self.generation
        chain = llama_cpp.llama_sampler_chain_init(llama_cpp.llama_sampler_chain_default_params())
        add = llama_cpp.llama_sampler_chain_add
        if gen.repeat_penalty != 1.0:
            add(chain, llama_cpp.llama_sampler_init_penalties(64, gen.repeat_penalty, 0.0, 0.0))
        if gen.temperature <= 0:
            add(chain, llama_cpp.llama_sampler_init_greedy())
            return chain
        add(chain, llama_cpp.llama_sampler_init_top_k(gen.top_k))
        add(chain, llama_cpp.llama_sampler_init_top_p(gen.top_p, 1))
        add(chain, llama_cpp.llama_sampler_init_temp(gen.temperature))
        # One seed per request, so a run is repeatable whatever the order in which slots free up.
        add(chain, llama_cpp.llama_sampler_init_dist((gen.seed + index) & 0xFFFFFFFF))
        return chain

    def _sample(self, sequence: _Sequence, row: int) -> int:
        import llama_cpp
        import numpy as np

        if sequence.sampler is not None:
            return int(llama_cpp.llama_sampler_sample(sequence.sampler, self.ctx, row))
        logits = llama_cpp.llama_get_logits_ith(self.ctx, row)
        return int(np.argmax(np.ctypeslib.as_array(logits, shape=(self.n_vocab,))))

    # -- one decode step ------------------------------------------------------------------------------------

    def _step(self, sequences: Sequence[_Sequence]) -> list[tuple[_Sequence, str]]:
        """Decode one batch (new prompts, or one token per generating sequence); sample; stop."""
        # A new prompt is read alone, in a call of its own, exactly as the one-at-a-time path reads it:
        # read together with other prompts or next to generated tokens, llama.cpp splits and lays out the
        # work differently and a greedy line can change (docs/benchmarks.md, "greedy equality").
        reading = [s for s in sequences if s.position < len(s.request.tokens)]
        # In sequence-id order: with one KV stream per sequence, llama.cpp batches together only
        # sequences whose ids come in order; out of order, each would get a micro-batch of its own.
        batch = reading[:1] or sorted(sequences, key=lambda s: s.slot)[:BATCH_TOKENS]
        entries: list[tuple[int, int, int, bool]] = []
        wanting: list[tuple[_Sequence, int]] = []
        for sequence in batch:
            # A prompt longer than a whole batch is read in pieces, as the one-at-a-time path does.
            take = min(len(sequence.todo), BATCH_TOKENS)
            last = take == len(sequence.todo)
            for i in range(take):
                entries.append(
                    (sequence.slot, sequence.position + i, sequence.todo[i], last and i == take - 1)
                )
            if last:
                wanting.append((sequence, len(entries) - 1))
            sequence.position += take
            del sequence.todo[:take]
        self._fill(entries)
        self._decode()
        finished = []
        for sequence, row in wanting:
            reason = self._advance(sequence, self._sample(sequence, row))
            if reason is not None:
                finished.append((sequence, reason))
        return finished

    def _advance(self, sequence: _Sequence, token: int) -> str | None:
        """Take a sampled token; the stop reason when the sequence is done. Mirrors `Engine._run`."""
        if self.engine.is_end(token):
            return "stop"
        sequence.generated += 1
        if sequence.stream.feed(self.engine.llm.detokenize([token], special=False)):
            return "stop"
        if sequence.generated >= sequence.request.max_tokens:
            return "length"
        if sequence.position >= self.seq_ctx:
            return "length"
        sequence.todo = [token]
        return None

    def _fill(self, entries: Sequence[tuple[int, int, int, bool]]) -> None:
        """Put (sequence id, position, token, wants logits) entries into the reusable llama_batch."""
        batch = self.batch
        batch.n_tokens = len(entries)
        for i, (seq, position, token, logits) in enumerate(entries):
            batch.token[i] = token
            batch.pos[i] = position
            batch.n_seq_id[i] = 1
            batch.seq_id[i][0] = seq
            batch.logits[i] = int(logits)

    def _decode(self) -> None:
        import llama_cpp

        status = llama_cpp.llama_decode(self.ctx, self.batch)
        if status == 1:
            raise ContextOverflowError(
                f"a batch sequence outgrew its {self.seq_ctx} tokens of context; lower --max-tokens or use --parallel 1"
            )
        if status != 0:
            raise ModelError(f"llama.cpp failed to decode a batch (status {status}); try --parallel 1")


def sequence_context(requests: Sequence[BatchRequest]) -> int:
    """KV cells one sequence needs: the longest prompt plus the largest answer allowance, in 256s."""
    if not requests:
        return 256
    needed = max(len(r.tokens) for r in requests) + max(r.max_tokens for r in requests) + 8
    return int(-(-needed // 256) * 256)
