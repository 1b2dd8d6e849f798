"""`bayling-local rm`: remove installed models."""

from __future__ import annotations

import click


@click.command("rm")
@click.argument("names", nargs=-1, required=True)
def rm_command(names: tuple[str, ...]) -> None:
    """Remove the installed model(s) NAMES and their files (the Hugging Face cache is not touched).

    `rm glotlid` removes the optional language detector `pull glotlid` installed.
    """
    from ..store.detectors import GLOTLID_NAME, remove_glotlid
    from ..store.register import remove
    from ..store.registry import lookup
    from ..store.show import human_bytes

    for name in names:
        if name.lower() == GLOTLID_NAME and lookup(name) is None:
            freed = remove_glotlid()
            click.echo(f"Removed GlotLID ({human_bytes(freed)}); detection uses the n-gram model.", err=True)
            continue
        model = remove(name)
        size = model.manifest.get("size") or 0
        click.echo(f"Removed {model.name} ({human_bytes(size)}).", err=True)
