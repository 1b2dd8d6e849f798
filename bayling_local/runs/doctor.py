"""What `bayling-local doctor` reports: what is installed, what the hardware offers, which model would be used."""

from __future__ import annotations

import platform
import sys
from importlib import metadata

from .. import __version__, paths


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def collect_report() -> dict[str, object]:
    """All facts `doctor` prints, as plain data (tests and --json use it)."""
    from ..errors import BaylingError
    from ..llama.runtime import default_threads, gpu_offload_supported, system_info
    from ..store import list_models
    from ..store.resolve import resolve_model

    try:
        chosen = resolve_model(None)
        model = {"name": chosen.name, "path": str(chosen.path), "why": chosen.reason}
    except BaylingError as exc:
        model = {"error": str(exc)}
    offload = gpu_offload_supported()
    return {
        "bayling-local": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "packages": {
            name: _version(name) for name in ("llama-cpp-python", "gguf", "textual", "huggingface-hub")
        },
        "llama.cpp system info": system_info(),
        "gpu offload": offload,
        "default n_gpu_layers": "all" if offload else 0,
        "threads": default_threads(),
        "home": str(paths.home()),
        "models folder": str(paths.models_dir()),
        "config file": str(paths.config_file()),
        "config file status": config_status(),
        "installed models": [m.name for m in list_models()],
        "translate would use": model,
    }


def config_status() -> str:
    """`valid`, `none (defaults)`, or what is wrong with config.toml."""
    from ..config import load_config_file
    from ..errors import BaylingError

    if not paths.config_file().exists():
        return "none (defaults)"
    try:
        load_config_file()
    except BaylingError as exc:
        return f"invalid: {exc}"
    return "valid"
