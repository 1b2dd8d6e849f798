"""Read side of the model store: which models are registered, and where their GGUF is.

A model is visible only when its folder holds `manifest.json` with `"complete": true` and the GGUF it
names exists: registration writes the manifest last, so a half-finished pull never shows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import paths

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class StoredModel:
    """A registered, complete model."""

    name: str
    """The name users type (`bayling-2-8b`, `tiny-llama`)."""
    path: Path
    """The GGUF file."""
    template: str | None = None
    """Prompt format recorded at registration (bayling, bayling3, gguf, fewshot), if known."""
    manifest: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """The whole manifest: source repo and revision, sha256, quantization, size, date."""


def _read(folder: Path) -> StoredModel | None:
    manifest_path = folder / MANIFEST
    try:
        data = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not data.get("complete"):
        return None
    gguf = folder / str(data.get("file", ""))
    if not gguf.is_file():
        return None
    return StoredModel(name=folder.name, path=gguf, template=data.get("template"), manifest=data)


def list_models() -> list[StoredModel]:
    """All complete models, sorted by name."""
    root = paths.models_dir()
    if not root.is_dir():
        return []
    found = (_read(folder) for folder in sorted(root.iterdir()) if folder.is_dir())
    return [model for model in found if model is not None]


def lookup(name: str) -> StoredModel | None:
    """The complete model called `name` (case-insensitive), or None."""
    wanted = name.strip().lower()
    return next((m for m in list_models() if m.name.lower() == wanted), None)
