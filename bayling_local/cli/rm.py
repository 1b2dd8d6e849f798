"""`bayling-local rm`: remove installed models."""

from __future__ import annotations

import click


@click.command("rm")
@click.argument("names", nargs=-1, required=True)
def rm_command(names: tuple[str, ...]) -> None:
    """Remove the installed model(s) NAMES and their files (the Hugging Face cache is not touched)."""
    from ..store.register import remove
    from ..store.show import human_bytes

    for name in names:
        model = remove(name)
        size = model.manifest.get("size") or 0
        click.echo(f"Removed {model.name} ({human_bytes(size)}).", err=True)
