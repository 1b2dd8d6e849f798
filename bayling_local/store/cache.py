"""Freeing the Hugging Face cache of a checkpoint once it is converted (unless --keep-source)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .download import HubSettings, Snapshot


def remove_from_cache(snapshot: Snapshot, names: Iterable[str], settings: HubSettings) -> int:
    """Delete `names` of `snapshot` from the cache (links, and blobs no other snapshot uses); bytes freed."""
    folder = snapshot.folder(settings)
    blobs_in_use = _blobs_used_elsewhere(folder)
    freed = 0
    for name in names:
        link = folder / name
        if not (link.is_symlink() or link.exists()):
            continue
        if not link.is_symlink():  # a plain copy, where the cache cannot use symlinks
            freed += link.stat().st_size
            link.unlink()
            continue
        blob = link.resolve()
        link.unlink()
        if blob.exists() and blob not in blobs_in_use:
            freed += blob.stat().st_size
            blob.unlink()
    _prune_empty(folder)
    return freed


def _blobs_used_elsewhere(snapshot_folder: Path) -> set[Path]:
    """Blobs that other snapshots of the same repository link to (a file unchanged between commits)."""
    used: set[Path] = set()
    snapshots = snapshot_folder.parent
    if not snapshots.is_dir():
        return used
    for other in snapshots.iterdir():
        if other != snapshot_folder:
            used.update(p.resolve() for p in other.rglob("*") if p.is_symlink())
    return used


def _prune_empty(folder: Path) -> None:
    """Remove empty folders left under a snapshot folder, then the folder itself if empty."""
    for sub in sorted((p for p in folder.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        if not any(sub.iterdir()):
            sub.rmdir()
    if folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
