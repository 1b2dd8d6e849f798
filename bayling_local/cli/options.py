"""Click options shared by every command that loads a model into llama.cpp."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from ..config import CTX_RANGE, MAX_RETRIES_RANGE, MAX_TOKENS_RANGE, TEMPERATURE_RANGE
from ..errors import UsageError

F = TypeVar("F", bound=Callable[..., object])


def hardware_options(ctx_help: str = "Context size in tokens (default 4096).") -> Callable[[F], F]:
    """`--threads`, `--n-gpu-layers` and `--ctx`, worded the same everywhere."""

    def decorate(command: F) -> F:
        command = click.option("--ctx", type=click.IntRange(*CTX_RANGE), help=ctx_help)(command)
        command = click.option(
            "--n-gpu-layers",
            type=click.IntRange(min=-1),
            help="Layers on the GPU (default: all when llama.cpp has GPU offload; -1 all, 0 none).",
        )(command)
        return click.option(
            "--threads", type=click.IntRange(min=1), help="CPU threads (default: physical cores)."
        )(command)

    return decorate


def temperature_option(help: str = "Sampling temperature (default 0: greedy).") -> Callable[[F], F]:
    return click.option("--temperature", type=click.FloatRange(*TEMPERATURE_RANGE), help=help)


def max_tokens_option(help: str = "Most tokens per segment (default 512).") -> Callable[[F], F]:
    return click.option("--max-tokens", type=click.IntRange(*MAX_TOKENS_RANGE), help=help)


def max_retries_option() -> Callable[[F], F]:
    return click.option(
        "--max-retries",
        type=click.IntRange(*MAX_RETRIES_RANGE),
        help="Extra attempts for a piece whose translation fails a check (echo, low coverage, wrong "
        "script, ...); 0 only reports (default 2).",
    )


def context_option() -> Callable[[F], F]:
    from ..config import CONTEXT_RANGE

    return click.option(
        "--context",
        type=click.IntRange(*CONTEXT_RANGE),
        help="Show the model the N segments before each one (source and translation) for consistent terms; "
        "segments then go one at a time (default 0).",
    )


def api_key_options(help: str) -> Callable[[F], F]:
    """`--api-key` and `--api-key-file`, for the server and for its clients alike."""

    def decorate(command: F) -> F:
        command = click.option(
            "--api-key-file",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Read the key from a file.",
        )(command)
        return click.option("--api-key", help=help)(command)

    return decorate


def read_api_key(given: str | None, path: Path | None) -> str | None:
    """The key from --api-key, else --api-key-file, else BAYLING_API_KEY (None: no key)."""
    if given and path:
        raise UsageError("give --api-key or --api-key-file, not both")
    if path is not None:
        try:
            key = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise UsageError(f"cannot read the API key file {path}: {exc.strerror or exc}") from None
        if not key:
            raise UsageError(f"the API key file {path} is empty")
        return key
    return given or os.environ.get("BAYLING_API_KEY") or None
