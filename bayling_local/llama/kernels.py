"""Choose llama.cpp CPU kernels whose result for one row does not depend on how many rows share the call.

Why: llama.cpp's CPU backend picks a matrix kernel by the number of rows in a batch. Weights repacked for
AVX2/NEON (Q4_0, Q4_K, IQ4_NL, ...) use one kernel for a single row and another for groups of four; K-quant
weights (Q4_K, Q6_K, ...) switch to a tiled kernel from eight rows on. Each rounds differently, and at a
near-tie a greedy choice flips, after which the rest of the line changes. On the built-in model that made
60% of batched translations differ from one-at-a-time ones. With both switched off, the per-row arithmetic
is the same whatever the batch, and `translate` gives the same line alone or inside a file.

The cost is prompt-reading speed on Q4_0/Q4_K/IQ4_NL models (the repacked kernels are faster there);
`batch_invariant = false` in the `[runtime]` table of config.toml takes it back.
"""

from __future__ import annotations

import os
from typing import Any

# llama.cpp reads this once, at the first matrix product of the process (GGML_CPU_TILED_MM=0 turns the
# tiled K-quant kernel off).
TILED_ENV = "GGML_CPU_TILED_MM"


def prefer_batch_invariant(enabled: bool) -> None:
    """Set the process-wide kernel switch before the first model computes; a user's own setting wins."""
    if enabled:
        os.environ.setdefault(TILED_ENV, "0")


def model_load_params(n_gpu_layers: int, repack: bool) -> Any:
    """llama.cpp's model parameters: its defaults, the GPU layers, and whether weights may be repacked.

    `use_extra_bufts` is what repacks weights for the faster one-row/four-row CPU kernels.
    """
    import llama_cpp

    params = llama_cpp.llama_model_default_params()
    params.n_gpu_layers = n_gpu_layers
    params.use_extra_bufts = repack
    return params
