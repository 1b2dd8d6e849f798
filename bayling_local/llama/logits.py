"""llama.cpp's next-token logits at every position of a sequence, for checking a conversion (`convert --verify`).

One sequence, every position's logits kept, an F32 KV cache (the default F16 cache alone moves logits by
~1e-2, hiding conversion errors). Weights are loaded without repacking, like every model here: on CPUs whose
llama.cpp build has AMX kernels that the machine does not enable, repacked weights end in an illegal
instruction.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ModelError
from .model import LlamaModel, LoadOptions, context_params
from .runtime import default_threads

if TYPE_CHECKING:
    import numpy as np

_GGML_TYPE_F32 = 0


def gguf_tokenize(gguf_path: Path, texts: Sequence[str]) -> list[list[int]]:
    """Token ids from llama.cpp on the GGUF's vocabulary alone (BOS added when the GGUF asks for it)."""
    vocab = LlamaModel(gguf_path, LoadOptions(n_gpu_layers=0, vocab_only=True))
    try:
        return [vocab.tokenize(text, add_bos=True, special=False) for text in texts]
    finally:
        vocab.close()


class GgufRunner:
    """llama.cpp on a GGUF, returning the logits of every position of a sequence."""

    def __init__(self, gguf_path: Path, n_ctx: int = 512, threads: int | None = None) -> None:
        import llama_cpp

        self.n_ctx = n_ctx
        self.model = LlamaModel(gguf_path, LoadOptions(n_gpu_layers=0))
        params = context_params(n_ctx, n_ctx, threads or default_threads())
        params.type_k = params.type_v = _GGML_TYPE_F32
        self.ctx = llama_cpp.llama_init_from_model(self.model.pointer, params)
        if not self.ctx:
            self.model.close()
            raise ModelError(f"llama.cpp could not create a {n_ctx}-token context for {gguf_path}")
        self.batch = llama_cpp.llama_batch_init(n_ctx, 0, 1)

    def logits(self, ids: Sequence[int]) -> np.ndarray:
        import llama_cpp
        import numpy as np

        if len(ids) > self.n_ctx:
            raise ValueError(f"{len(ids)} tokens do not fit the {self.n_ctx}-token context")
        llama_cpp.llama_memory_clear(llama_cpp.llama_get_memory(self.ctx), True)
        batch = self.batch
        batch.n_tokens = len(ids)
        for i, token in enumerate(ids):
            batch.token[i], batch.pos[i], batch.n_seq_id[i], batch.logits[i] = token, i, 1, 1
            batch.seq_id[i][0] = 0
        status = llama_cpp.llama_decode(self.ctx, batch)
        if status != 0:
            raise ModelError(f"llama.cpp failed to decode {len(ids)} tokens (status {status})")
        scores = llama_cpp.llama_get_logits(self.ctx)
        return np.ctypeslib.as_array(scores, shape=(len(ids), self.model.n_vocab)).copy()

    def close(self) -> None:
        import llama_cpp

        if self.ctx:
            llama_cpp.llama_batch_free(self.batch)
            llama_cpp.llama_free(self.ctx)
            self.ctx = None
        self.model.close()
