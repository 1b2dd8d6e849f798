"""Model weights and vocabulary loaded into llama.cpp, through llama-cpp-python's public low-level API.

No llama context lives here: the scheduler creates the one context that decodes for this model. Loading with
`llama_model_load_from_file` directly (rather than the high-level `Llama`) lets us set `use_extra_bufts`
without patching llama-cpp-python, avoids a second, unused KV cache, and needs no private attributes.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ModelError
from .gguf import check_complete, check_gguf_file, describe_load_failure
from .kernels import model_load_params, prefer_batch_invariant
from .runtime import gpu_offload_supported, silence_llama_log

# llama_token_to_piece writes at most this many bytes for one token on every vocabulary we have seen; a
# longer piece is asked for again with the size llama.cpp reports.
_PIECE_BYTES = 64


@dataclass(frozen=True)
class LoadOptions:
    """How to load one GGUF."""

    n_gpu_layers: int | None = None
    """Layers offloaded to the GPU; None: all when llama.cpp has GPU offload, else 0."""
    batch_invariant: bool = True
    """Keep CPU kernels whose per-row result does not depend on the batch (see kernels.py)."""
    verbose: bool = False
    """Let llama.cpp print its own log."""
    vocab_only: bool = False
    """Load the vocabulary alone (tokenizing, no weights)."""


class LlamaModel:
    """A GGUF's weights and vocabulary in llama.cpp: tokenize, detokenize, metadata, end tokens."""

    def __init__(self, path: Path, options: LoadOptions = LoadOptions()) -> None:
        import llama_cpp

        path = Path(path)
        check_gguf_file(path)
        check_complete(path)  # a truncated file fails here in plain words, not inside llama.cpp
        if not options.verbose:
            silence_llama_log()
        self.path = path
        self.n_gpu_layers = self._gpu_layers(options.n_gpu_layers)
        prefer_batch_invariant(options.batch_invariant)
        llama_cpp.llama_backend_init()
        params = model_load_params(self.n_gpu_layers, repack=not options.batch_invariant)
        params.vocab_only = options.vocab_only
        pointer = llama_cpp.llama_model_load_from_file(str(path).encode("utf-8"), params)
        if not pointer:
            raise ModelError(describe_load_failure(path, RuntimeError("llama_model_load_from_file failed")))
        self.pointer: Any = pointer
        """The `llama_model *` the scheduler's context is created from."""
        self.vocab: Any = llama_cpp.llama_model_get_vocab(pointer)
        self.n_vocab = int(llama_cpp.llama_vocab_n_tokens(self.vocab))
        self.metadata = self._read_metadata()
        self.bos = int(llama_cpp.llama_vocab_bos(self.vocab))
        self.eos = int(llama_cpp.llama_vocab_eos(self.vocab))

    @staticmethod
    def _gpu_layers(wanted: int | None) -> int:
        if wanted is not None:
            return wanted
        return -1 if gpu_offload_supported() else 0

    def _read_metadata(self) -> dict[str, str]:
        import llama_cpp

        metadata: dict[str, str] = {}
        for index in range(llama_cpp.llama_model_meta_count(self.pointer)):
            key = _read_string(llama_cpp.llama_model_meta_key_by_index, self.pointer, index)
            metadata[key] = _read_string(llama_cpp.llama_model_meta_val_str_by_index, self.pointer, index)
        return metadata

    def tokenize(self, text: str, add_bos: bool, special: bool = True) -> list[int]:
        """Token ids of `text`; with `special`, special-token texts (like `<|eot_id|>`) become those tokens."""
        import llama_cpp

        data = text.encode("utf-8")
        capacity = len(data) + 8
        tokens = (llama_cpp.llama_token * capacity)()
        count = llama_cpp.llama_tokenize(self.vocab, data, len(data), tokens, capacity, add_bos, special)
        if count < 0:  # llama.cpp reports the size it needs as a negative count
            capacity = -count
            tokens = (llama_cpp.llama_token * capacity)()
            count = llama_cpp.llama_tokenize(self.vocab, data, len(data), tokens, capacity, add_bos, special)
        if count < 0:
            raise ModelError(f"llama.cpp could not tokenize a text of {len(data)} bytes")
        return list(tokens[:count])

    def token_bytes(self, token: int, special: bool = False) -> bytes:
        """The bytes one token stands for (a piece of UTF-8, possibly incomplete)."""
        import llama_cpp

        buffer = ctypes.create_string_buffer(_PIECE_BYTES)
        size = llama_cpp.llama_token_to_piece(self.vocab, token, buffer, _PIECE_BYTES, 0, special)
        if size < 0:
            buffer = ctypes.create_string_buffer(-size)
            size = llama_cpp.llama_token_to_piece(self.vocab, token, buffer, -size, 0, special)
        return buffer.raw[: max(size, 0)]

    def token_text(self, token: int) -> str:
        """A token's text with special tokens spelled out; empty for a negative (missing) id."""
        if token < 0:
            return ""
        return self.token_bytes(token, special=True).decode("utf-8", errors="replace")

    def is_end_of_generation(self, token: int) -> bool:
        import llama_cpp

        return bool(llama_cpp.llama_vocab_is_eog(self.vocab, token))

    def close(self) -> None:
        import llama_cpp

        if self.pointer:
            llama_cpp.llama_model_free(self.pointer)
            self.pointer = None


def _read_string(getter: Any, model: Any, index: int, size: int = 1024) -> str:
    """Call a llama.cpp `(model, index, buffer, size) -> length` getter, growing the buffer for long values."""
    buffer = ctypes.create_string_buffer(size)
    length = getter(model, index, buffer, size)
    if length >= size:
        buffer = ctypes.create_string_buffer(length + 1)
        getter(model, index, buffer, length + 1)
    return buffer.value.decode("utf-8", errors="replace")


def context_params(n_ctx: int, n_batch: int, threads: int, n_seq: int = 1) -> Any:
    """llama.cpp context parameters shared by every context here: flash attention off (its CPU kernel sums in
    another order), a full-size sliding-window cache (so cells can be reused, Gemma 3), one KV stream per
    sequence (in a unified cache a sequence's cells sit among others' and attention sums in another order)."""
    import llama_cpp

    params = llama_cpp.llama_context_default_params()
    params.n_ctx = n_ctx
    params.n_batch = params.n_ubatch = n_batch
    params.n_seq_max = n_seq
    params.n_threads = params.n_threads_batch = threads
    params.kv_unified = False
    params.swa_full = True
    params.flash_attn_type = llama_cpp.LLAMA_FLASH_ATTN_TYPE_DISABLED
    params.no_perf = False
    return params
