"""Folder mode: which files of an input tree are translated, copied or skipped, and where each one goes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..documents.formats import format_of, looks_binary
from .report import FileOutcome


@dataclass
class FolderPlan:
    to_translate: list[tuple[Path, Path]] = field(default_factory=list)
    """(input file, output file) for every file of a known format."""
    done: list[FileOutcome] = field(default_factory=list)
    """Files already dealt with: copied, or skipped (and why)."""
    copy_other: bool = False


def plan_folder(root: Path, output: Path, copy_other: bool, overwrite: bool) -> FolderPlan:
    """Walk `root` (sorted, hidden files and folders left out) and decide what becomes of each file; the
    output tree mirrors it under `output`. Copies are made here; translations later."""
    import shutil

    plan = FolderPlan(copy_other=copy_other)
    for source in sorted(path for path in root.rglob("*") if path.is_file() and not _hidden(path, root)):
        known = format_of(source)
        target = output / source.relative_to(root)
        if source.suffix.lower() == ".pot":  # a template in, a translation out
            target = target.with_suffix(".po")
            if source.with_suffix(".po").exists():
                reason = f"its translation would be {target.name}, which {source.with_suffix('.po').name} makes too"
                plan.done.append(FileOutcome(source, None, "skipped", reason))
                continue
        if target.exists() and not overwrite:
            plan.done.append(
                FileOutcome(source, target, "skipped", "output exists (--overwrite replaces it)")
            )
        elif known is not None and known != "docx" and looks_binary(source.read_bytes()[:8192]):
            plan.done.append(FileOutcome(source, target, "skipped", "binary file"))
        elif known is not None:
            plan.to_translate.append((source, target))
        elif copy_other:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
            plan.done.append(FileOutcome(source, target, "copied"))
        else:
            reason = "binary file" if looks_binary(source.read_bytes()[:8192]) else "not a known format"
            plan.done.append(FileOutcome(source, None, "skipped", reason + "; --copy-other copies it"))
    return plan


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)
