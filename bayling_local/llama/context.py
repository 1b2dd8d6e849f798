"""One llama.cpp context with several KV sequences of equal size, and the batch it decodes: what the scheduler
thread drives. Only that thread calls into it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import ContextOverflowError, ModelError
from .model import LlamaModel, context_params

# Tokens in one llama_decode call; llama.cpp splits it further into micro-batches of the same size.
BATCH_TOKENS = 512
# Smallest per-sequence context; contexts grow by doubling from here.
MIN_SEQUENCE_CELLS = 512

Entry = tuple[int, int, int, bool]
"""(sequence id, position, token, wants logits)."""


def sequence_cells(needed: int, max_cells: int) -> int:
    """KV cells per sequence for a context that must hold `needed`: doubling from MIN_SEQUENCE_CELLS, so a
    growing chat rebuilds the context rarely, and never past `max_cells` (in llama.cpp's steps of 256)."""
    cells = MIN_SEQUENCE_CELLS
    while cells < needed:
        cells *= 2
    return min(cells, -(-max_cells // 256) * 256)


class KvContext:
    """`n_seq` KV streams (one per sequence, `kv_unified = False`) of `cells` cells each."""

    def __init__(self, model: LlamaModel, cells: int, n_seq: int, threads: int) -> None:
        import llama_cpp

        params = context_params(cells * n_seq, BATCH_TOKENS, threads, n_seq)
        ctx = llama_cpp.llama_init_from_model(model.pointer, params)
        if not ctx:
            raise ModelError(
                f"llama.cpp could not create a context of {cells} tokens x {n_seq} sequences "
                "(out of memory?); lower --parallel or --ctx"
            )
        self.ctx: Any = ctx
        self.memory = llama_cpp.llama_get_memory(ctx)
        self.batch = llama_cpp.llama_batch_init(BATCH_TOKENS, 0, 1)
        self.cells = int(llama_cpp.llama_n_ctx(ctx)) // n_seq

    def remove(self, seq: int, start: int = -1) -> bool:
        """Free `seq`'s cells from position `start` on (all of them with -1); False if llama.cpp cannot cut
        there (some memory types only free whole sequences)."""
        import llama_cpp

        return bool(llama_cpp.llama_memory_seq_rm(self.memory, seq, start, -1))

    def copy(self, source: int, target: int) -> None:
        """Give `target` a copy of `source`'s cells (a buffer copy at the next decode, no recomputation)."""
        import llama_cpp

        llama_cpp.llama_memory_seq_cp(self.memory, source, target, -1, -1)

    def decode(self, entries: Sequence[Entry]) -> None:
        import llama_cpp

        batch = self.batch
        batch.n_tokens = len(entries)
        for i, (seq, position, token, logits) in enumerate(entries):
            batch.token[i] = token
            batch.pos[i] = position
            batch.n_seq_id[i] = 1
            batch.seq_id[i][0] = seq
            batch.logits[i] = int(logits)
        status = llama_cpp.llama_decode(self.ctx, batch)
        if status == 1:
            raise ContextOverflowError(
                f"a sequence outgrew its {self.cells} tokens of context; lower --max-tokens or --parallel"
            )
        if status != 0:
            raise ModelError(f"llama.cpp failed to decode a batch (status {status}); try --parallel 1")

    def prompt_tokens_counted(self) -> int:
        """Tokens llama.cpp itself counts as evaluated in calls of more than one token."""
        import llama_cpp

        return int(llama_cpp.llama_perf_context(self.ctx).n_p_eval)

    def close(self) -> None:
        import llama_cpp

        if self.ctx:
            llama_cpp.llama_batch_free(self.batch)
            llama_cpp.llama_free(self.ctx)
            self.ctx = None
