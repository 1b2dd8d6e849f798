"""llama.cpp's own quantizer (`llama_model_quantize`), for `convert` and `pull`."""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

from .runtime import silence_llama_log


def quantize_file(src: Path, dst: Path, file_type: str, threads: int | None = None) -> int:
    """Write `dst` as `src` quantized to llama.cpp's `file_type` (a llama_ftype name such as
    `LLAMA_FTYPE_MOSTLY_Q4_K_M`); returns llama.cpp's status (0: done)."""
    import llama_cpp

    silence_llama_log()  # llama.cpp logs every tensor it quantizes; the caller reports progress
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = getattr(llama_cpp, file_type)
    params.nthread = threads if threads else (os.cpu_count() or 1)
    return int(llama_cpp.llama_model_quantize(str(src).encode(), str(dst).encode(), ctypes.byref(params)))
