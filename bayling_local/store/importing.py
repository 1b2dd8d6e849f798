"""`import`: register a GGUF already on disk (converted by hand, downloaded elsewhere) under a store name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import BaylingError, InputError, UsageError
from ..llama.gguf import read_info
from ..prompts.formats import FORMAT_NAMES
from . import register
from .download import sha256_of
from .names import check_name
from .registry import StoredModel
from .show import detected_format


@dataclass
class ImportRequest:
    """One `import`, as asked on the command line."""

    path: Path
    """The .gguf file to register (left where it is; the store gets a hard link or a copy)."""
    name: str | None = None
    """Store name; default: the file name without `.gguf`, lowercased."""
    template: str | None = None
    """Prompt format to record (bayling, bayling3, gguf, fewshot); None lets the engine decide."""
    force: bool = False
    """Replace an installed model of the same name."""


def default_import_name(path: Path) -> str:
    """`Bayling-2-8B.Q4_K_M.gguf` -> `bayling-2-8b.q4_k_m` (unsafe characters become `-`)."""
    stem = re.sub(r"[^a-z0-9._-]+", "-", path.name.removesuffix(".gguf").lower()).strip("-.")
    return check_name(stem[:64] or "model")


def import_gguf(request: ImportRequest) -> StoredModel:
    """Check the file is a readable GGUF, place it in the store and register it."""
    path = Path(request.path).expanduser()
    if not path.is_file():
        raise InputError(f"no file at {path}; give the path of a .gguf file")
    if request.template is not None and request.template not in FORMAT_NAMES:
        raise UsageError(f"unknown --template {request.template!r}; choose one of: {', '.join(FORMAT_NAMES)}")
    name = check_name(request.name) if request.name else default_import_name(path)
    register.check_free_name(name, request.force)  # before reading anything of a large file
    info = read_info(path)  # refuses non-GGUF and damaged files before anything is written
    folder = register.begin(name, request.force)
    try:
        placed = register.place_file(path, folder, path.name, move=False)
        reg = register.Registration(
            name=name,
            kind="imported",
            quantization=(info.file_type or "").lower() or None,
            template=request.template,
            source_path=str(path.resolve()),
            extra={
                "architecture": info.architecture,
                "prompt_format": detected_format(info, request.template),
            },
        )
        return register.finish(folder, placed, reg, sha256_of(placed))
    except BaylingError:
        register.abandon(folder)
        raise
