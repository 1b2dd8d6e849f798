"""Process-wide llama.cpp facts and switches: its log, its build's features, the default thread count."""

from __future__ import annotations

import ctypes
import os
from pathlib import Path
from typing import Any

_quiet_callback: Any = None


def quiet_log_callback() -> Any:
    """A llama.cpp / ggml log callback that drops every line (kept alive: ctypes callbacks must outlive use)."""
    global _quiet_callback
    import llama_cpp

    if _quiet_callback is None:

        @llama_cpp.llama_log_callback
        def _quiet(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
            return None

        _quiet_callback = _quiet
    return _quiet_callback


def silence_llama_log() -> None:
    """Send llama.cpp's own log nowhere (it prints even with verbose=False)."""
    import llama_cpp

    llama_cpp.llama_log_set(quiet_log_callback(), ctypes.c_void_p(0))


def default_threads() -> int:
    """Physical cores: llama.cpp decoding is memory-bound and gains nothing from hyper-threads."""
    import psutil

    return max(1, psutil.cpu_count(logical=False) or os.cpu_count() or 1)


def gpu_offload_supported() -> bool:
    import llama_cpp

    return bool(llama_cpp.llama_supports_gpu_offload())


def system_info() -> str:
    """llama.cpp's own one-line summary of the CPU features and backends it was built with."""
    import llama_cpp

    return str(llama_cpp.llama_print_system_info().decode().strip())


def default_slots(path: Path, threads: int, gpu: bool) -> int:
    """Requests decoded at once: batching pays most for small models; large ones are compute-bound sooner."""
    if gpu:
        return 16
    size_gb = path.stat().st_size / 1e9
    if size_gb < 1.5:
        slots = 8
    elif size_gb < 6:
        slots = 4
    else:
        slots = 2
    # More threads keep more sequences busy; on one or two cores the small-model figure is already the best.
    return slots * 2 if threads >= 8 and size_gb < 1.5 else slots
