"""Typed settings and the one place where their precedence is decided.

Precedence, highest first: a command-line flag, the user's config file (`config.toml`, one table per
section), the dataclass default. `resolve()` applies it; every command calls it instead of merging by hand.
"""

from __future__ import annotations

import dataclasses
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from . import paths
from .atomic import atomic_write
from .errors import UsageError

T = TypeVar("T")

# Limits of the numeric settings, shared by the command line, the TUI's settings and (soon) the server.
CTX_RANGE = (256, 1_048_576)
"""Context tokens: below 256 not even a few-shot prompt fits; above, llama.cpp's own ceiling."""
TEMPERATURE_RANGE = (0.0, 5.0)
MAX_TOKENS_RANGE = (1, 1_000_000)
MAX_RETRIES_RANGE = (0, 10)
CONTEXT_RANGE = (0, 8)


@dataclass
class RuntimeConfig:
    """How a model is loaded into llama.cpp."""

    model: str | None = None
    """Model name in the store, or a path to a .gguf file; None picks an installed BayLing, else the built-in."""
    threads: int | None = None
    """CPU threads for generation; None lets llama.cpp choose (physical cores)."""
    n_gpu_layers: int | None = None
    """Layers offloaded to the GPU; None means all when llama.cpp was built with GPU offload, else 0."""
    ctx: int = 4096
    """Context window in tokens (prompt plus answer)."""
    template: str | None = None
    """Prompt format: bayling, bayling3, gguf, fewshot; None chooses from the GGUF metadata and file name."""
    verbose: bool = False
    """Let llama.cpp print its own log to stderr."""
    batch_invariant: bool = True
    """CPU kernels whose per-row result does not depend on the batch, so a batched translation equals the
    one-at-a-time one (greedy); false: llama.cpp's repacked kernels, faster prompts on Q4_0/Q4_K models."""


@dataclass
class GenerationConfig:
    """How tokens are sampled."""

    temperature: float = 0.0
    """Sampling temperature; 0 means greedy decoding (deterministic)."""
    top_p: float = 0.95
    """Nucleus sampling threshold, used when temperature > 0."""
    top_k: int = 40
    """Keep only the k most likely tokens, used when temperature > 0."""
    repeat_penalty: float = 1.0
    """Penalty for repeated tokens; 1.0 disables it."""
    max_tokens: int = 512
    """Most tokens generated for one answer or one translated segment."""
    seed: int = 0
    """Random seed for sampling, so sampled runs can be repeated."""
    max_retries: int = 2
    """Extra attempts for a translated piece that fails an output check (echo, low coverage, wrong script,
    commentary); 0 checks and reports without retrying."""
    context: int = 0
    """Earlier segments of the same text (source and translation) shown to the model with each one, so terms
    and pronouns stay consistent; each segment then waits for the one before it (no batching within a text)."""


@dataclass
class RemoteConfig:
    """An OpenAI-compatible server that generates in place of a local model (`translate --server`)."""

    server: str | None = None
    """Its URL (`http://host:port`, with or without `/v1`); None: translate with a local model."""
    parallel: int = 8
    """Requests in flight at once: the server batches them (`bayling-local serve`, llama-server, vLLM)."""
    timeout: float = 600.0
    """Seconds one request may take before it is abandoned."""


# The tables config.toml may hold, and the ranges of their numeric settings (inclusive; None: unbounded).
FILE_SECTIONS: dict[str, type] = {
    "runtime": RuntimeConfig,
    "generation": GenerationConfig,
    "remote": RemoteConfig,
}
RANGES: dict[tuple[str, str], tuple[float | None, float | None]] = {
    ("runtime", "ctx"): CTX_RANGE,
    ("runtime", "threads"): (1, None),
    ("runtime", "n_gpu_layers"): (-1, None),
    ("generation", "temperature"): TEMPERATURE_RANGE,
    ("generation", "max_tokens"): MAX_TOKENS_RANGE,
    ("generation", "top_p"): (0.0, 1.0),
    ("generation", "top_k"): (0, None),
    ("generation", "repeat_penalty"): (0.0, None),
    ("generation", "max_retries"): MAX_RETRIES_RANGE,
    ("generation", "context"): CONTEXT_RANGE,
    ("remote", "parallel"): (1, 256),
    ("remote", "timeout"): (1.0, None),
}


def load_config_file(path: Path | None = None) -> dict[str, Any]:
    """Read and validate the user's TOML config; a missing file is an empty config. Every problem of a
    broken or invalid file is reported at once, with the file and key, before anything runs."""
    path = path or paths.config_file()
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(f"config file {path} is not valid TOML ({exc}); fix or remove it") from exc
    problems = config_problems(data)
    if problems:
        raise UsageError(f"config file {path}: {'; '.join(problems)}; fix or remove it")
    return data


def config_problems(data: dict[str, Any]) -> list[str]:
    """What is wrong in a parsed config.toml: unknown tables and keys, wrong types, values out of range."""
    import difflib

    problems = []
    for section, table in data.items():
        cls = FILE_SECTIONS.get(section)
        if cls is None:
            near = difflib.get_close_matches(section, FILE_SECTIONS, n=1)
            hint = f" (did you mean [{near[0]}]?)" if near else f" (known: {', '.join(FILE_SECTIONS)})"
            problems.append(f"[{section}] is not a known table{hint}")
        elif not isinstance(table, dict):
            problems.append(f"{section} = {table!r} must be a table: write [{section}] and its keys below it")
        else:
            problems += _table_problems(section, cls, table)
    return problems


def _table_problems(section: str, cls: type, table: dict[str, Any]) -> list[str]:
    import typing

    hints = typing.get_type_hints(cls)
    problems = []
    for key, value in table.items():
        if key not in hints:
            problems.append(f"{section}.{key} is not a setting (known: {', '.join(sorted(hints))})")
            continue
        expected = _expected_kind(hints[key])
        if not _is_kind(value, expected):
            problems.append(f"{section}.{key} = {value!r}: expected {_kind_name(expected)}")
            continue
        low, high = RANGES.get((section, key), (None, None))
        if isinstance(value, int | float) and not (
            (low is None or value >= low) and (high is None or value <= high)
        ):
            bounds = f"at least {low:g}" if high is None else f"between {low:g} and {high:g}"
            problems.append(f"{section}.{key} = {value!r}: must be {bounds}")
    return problems


def _expected_kind(hint: Any) -> tuple[type, ...]:
    """The value types a field accepts (None included for optional fields)."""
    import types
    import typing

    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return tuple(t for arg in typing.get_args(hint) for t in _expected_kind(arg))
    return (type(None),) if hint is type(None) else (hint,)


def _is_kind(value: Any, kinds: tuple[type, ...]) -> bool:
    if isinstance(value, bool):  # TOML's true is not a number: `threads = true` is a mistake
        return bool in kinds
    if isinstance(value, int) and float in kinds:
        return True  # `temperature = 1` means 1.0
    return any(kind is not bool and isinstance(value, kind) for kind in kinds)


def _kind_name(kinds: tuple[type, ...]) -> str:
    names = {int: "a whole number", float: "a number", str: "a string", bool: "true or false"}
    return " or ".join(names.get(kind, kind.__name__) for kind in kinds if kind is not type(None))


def resolve(cls: type[T], flags: dict[str, Any], section: str, file_data: dict[str, Any] | None = None) -> T:
    """Build `cls` from flags (None = not given), then the config file's `[section]`, then defaults."""
    data = load_config_file() if file_data is None else file_data
    from_file = data.get(section, {})
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(from_file) - names)
    if unknown:
        raise UsageError(
            f"unknown setting(s) {', '.join(unknown)} in [{section}] of the config file; "
            f"known: {', '.join(sorted(names))}"
        )
    values = {k: v for k, v in from_file.items()}
    values.update({k: v for k, v in flags.items() if k in names and v is not None})
    return cls(**values)


@dataclass(frozen=True)
class RunFlags:
    """The flags of a command that loads a model, as given on its command line (None: not given, so the
    config file's value or the default counts)."""

    model: str | None = None
    """`--model`: a store name or a .gguf path."""
    template: str | None = None
    """`--template`: the prompt format."""
    threads: int | None = None
    """`--threads`."""
    n_gpu_layers: int | None = None
    """`--n-gpu-layers`."""
    ctx: int | None = None
    """`--ctx`: context tokens."""
    verbose: bool = False
    """`--verbose`: llama.cpp's own log (false never overrides `verbose = true` in the file)."""
    temperature: float | None = None
    """`--temperature`."""
    max_tokens: int | None = None
    """`--max-tokens`."""
    max_retries: int | None = None
    """`--max-retries`."""
    context: int | None = None
    """`--context`: earlier segments shown with each one."""


def resolve_run_settings(flags: RunFlags) -> tuple[RuntimeConfig, GenerationConfig]:
    """The runtime and generation settings of a command that loads a model, from its flags and the file."""
    runtime = resolve(
        RuntimeConfig,
        dict(
            model=flags.model,
            template=flags.template,
            threads=flags.threads,
            n_gpu_layers=flags.n_gpu_layers,
            ctx=flags.ctx,
            verbose=flags.verbose or None,
        ),  # an unset flag must not override `verbose = true` in the file
        "runtime",
    )
    generation = resolve(
        GenerationConfig,
        dict(
            temperature=flags.temperature,
            max_tokens=flags.max_tokens,
            max_retries=flags.max_retries,
            context=flags.context,
        ),
        "generation",
    )
    return runtime, generation


def resolve_remote_settings(server: str | None = None, parallel: int | None = None) -> RemoteConfig:
    """Where generation happens for a command that can use a server (`--server`, `[remote]`)."""
    return resolve(RemoteConfig, dict(server=server, parallel=parallel), "remote")


def as_dict(*configs: Any) -> dict[str, Any]:
    """Merge dataclass configs into one JSON-ready dict keyed by class name."""
    return {type(c).__name__: dataclasses.asdict(c) for c in configs}


def save_beside(artifact: Path, *configs: Any, extra: dict[str, Any] | None = None) -> Path:
    """Write the resolved configs next to the artifact they made, as `<artifact>.config.json`."""
    target = Path(str(artifact) + ".config.json")
    payload = as_dict(*configs)
    if extra:
        payload.update(extra)

    with atomic_write(target) as handle:
        json.dump(payload, handle, indent=2, ensure_ascii=False, default=str)
        handle.write("\n")
    return target
