"""Click options shared by every command that loads a model into llama.cpp."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click

F = TypeVar("F", bound=Callable[..., object])


def hardware_options(ctx_help: str = "Context size in tokens (default 4096).") -> Callable[[F], F]:
    """`--threads`, `--n-gpu-layers` and `--ctx`, worded the same everywhere."""

    def decorate(command: F) -> F:
        command = click.option("--ctx", type=int, help=ctx_help)(command)
        command = click.option(
            "--n-gpu-layers",
            type=int,
            help="Layers on the GPU (default: all when llama.cpp has GPU offload).",
        )(command)
        return click.option("--threads", type=int, help="CPU threads (default: physical cores).")(command)

    return decorate
