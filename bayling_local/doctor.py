"""`bayling-local doctor`: what is installed, what the hardware offers, and which model would be used."""

from __future__ import annotations

import json
import platform
import sys
from importlib import metadata

import click

from . import __version__, paths


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def collect_report() -> dict[str, object]:
    """All facts `doctor` prints, as plain data (tests and --json use it)."""
    import llama_cpp

    from .engine import default_threads, gpu_offload_supported
    from .errors import BaylingError
    from .resolve import resolve_model
    from .store import list_models

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
        "llama.cpp system info": llama_cpp.llama_print_system_info().decode().strip(),
        "gpu offload": offload,
        "default n_gpu_layers": "all" if offload else 0,
        "threads": default_threads(),
        "home": str(paths.home()),
        "models folder": str(paths.models_dir()),
        "config file": str(paths.config_file()),
        "installed models": [m.name for m in list_models()],
        "translate would use": model,
    }


@click.command("doctor")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def doctor_command(as_json: bool) -> None:
    """Show versions, llama.cpp's CPU/GPU features, threads, the model store and the default model."""
    report = collect_report()
    if as_json:
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    for key, value in report.items():
        if isinstance(value, dict):
            click.echo(f"{key}:")
            for sub, subvalue in value.items():
                click.echo(f"  {sub}: {subvalue}")
        elif isinstance(value, list):
            click.echo(f"{key}: {', '.join(value) if value else 'none'}")
        else:
            click.echo(f"{key}: {value}")
