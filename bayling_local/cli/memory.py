"""`bayling-local memory`: a thin click wrapper over `translation.memory` and `translation.tmx`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from ..translation.memory import TranslationMemory


def _open() -> TranslationMemory:
    from ..paths import memory_db
    from ..translation.memory import TranslationMemory

    return TranslationMemory(memory_db(), lambda line: click.echo(line, err=True))


@click.group("memory")
def memory_group() -> None:
    """The translation memory: segments translated before, taken instead of translating them again."""


@memory_group.command("stats")
def stats_command() -> None:
    """Segments in the memory, by model and language pair."""
    memory = _open()
    rows = memory.stats()
    click.echo(f"{memory.path}: {sum(n for *_rest, n in rows)} segments")
    for model, source, target, count in rows:
        click.echo(f"  {count:7d}  {source} -> {target}  {model}")


@memory_group.command("clear")
@click.option("--model", help="Only this model's segments (as `stats` names it).")
def clear_command(model: str | None) -> None:
    """Remove segments from the memory."""
    removed = _open().clear(model)
    click.echo(f"Removed {removed} segments.", err=True)


@memory_group.command("export")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--model", help="Only this model's segments.")
def export_command(path: Path, model: str | None) -> None:
    """Write the memory as a TMX 1.4 file (for another machine or a CAT tool)."""
    from ..translation.tmx import write_tmx

    entries = list(_open().entries(model))
    written = write_tmx(entries, path)
    left = (
        f" ({len(entries) - written} without a known source language left out)"
        if written < len(entries)
        else ""
    )
    click.echo(f"Wrote {written} translation units to {path}{left}.", err=True)


@memory_group.command("import")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False, exists=True))
def import_command(path: Path) -> None:
    """Add the translation units of a TMX file to the memory."""
    from ..translation.tmx import read_tmx

    added = _open().add(read_tmx(path))
    click.echo(f"Added {added} segments from {path}.", err=True)
