"""`bayling-local import`: register a local .gguf file in the model store."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--name", help="Store name (default: the file name without .gguf).")
@click.option("--template", help="Prompt format to use with it: bayling, bayling3, gguf or fewshot.")
@click.option("--force", is_flag=True, help="Replace an installed model of the same name.")
def import_command(path: Path, name: str | None, template: str | None, force: bool) -> None:
    """Register the GGUF file PATH under --name so `--model NAME` finds it (the file is linked or copied)."""
    from ..store.importing import ImportRequest, import_gguf

    model = import_gguf(ImportRequest(path=path, name=name, template=template, force=force))
    click.echo(f"Imported {model.name} ({model.path}).", err=True)
    click.echo(model.name)
