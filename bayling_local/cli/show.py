"""`bayling-local show`: GGUF metadata of an installed model or a .gguf file."""

from __future__ import annotations

import click


@click.command("show")
@click.argument("model")
@click.option("--no-template", is_flag=True, help="Leave out the embedded chat template.")
def show_command(model: str, no_template: bool) -> None:
    """Show architecture, parameters, context, quantization and chat template of MODEL (a name or a .gguf)."""
    from ..store import lookup
    from ..store.resolve import resolve_model
    from ..store.show import format_info, read_info

    stored = lookup(model)
    path = stored.path if stored else resolve_model(model).path
    click.echo(format_info(read_info(path), stored.manifest if stored else None, template=not no_template))
