"""`bayling-local languages [FILTER]`: list the languages `--from`/`--to` accept, with their codes."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import asdict

import click

from ..language.names import Language, search_languages, stated_defaults


def _width(text: str) -> int:
    """Columns a string takes in a terminal: East Asian wide characters take two, combining marks none."""
    width = 0
    for char in text:
        if unicodedata.combining(char):
            continue
        width += 2 if unicodedata.east_asian_width(char) in "WF" else 1
    return width


def _pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - _width(text))


def languages_table(languages: list[Language]) -> str:
    """The languages as an aligned table: FLORES code, English name, native name, ISO 639-1 and 639-3."""
    header = ("Code", "English name", "Native name", "ISO 639-1", "ISO 639-3")
    rows = [header] + [(lang.code, lang.name, lang.native, lang.iso1 or "-", lang.iso3) for lang in languages]
    widths = [max(_width(row[column]) for row in rows) for column in range(len(header))]
    lines = ["  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]
    return "\n".join(lines)


def languages_json(languages: list[Language]) -> str:
    """The languages as a JSON array of objects (code, name, native, iso3, iso1, script)."""
    return json.dumps([asdict(lang) for lang in languages], ensure_ascii=False, indent=2)


@click.command("languages")
@click.argument("filter", required=False)
@click.option("--json", "as_json", is_flag=True, help="Write a JSON array instead of a table.")
def languages_command(filter: str | None, as_json: bool) -> None:
    """List the languages and their codes; FILTER keeps those whose code or name contains it.

    Any code or name shown here works for `--from` and `--to` (case does not matter). Names shared by
    several languages pick a default, e.g. `zh` and `Chinese` mean zho_Hans.
    """
    languages = search_languages(filter)
    if as_json:
        click.echo(languages_json(languages))
        return
    if not languages:
        click.echo(
            f"No language matches {filter!r}. Run `bayling-local languages` to see all of them.", err=True
        )
        raise click.exceptions.Exit(1)
    click.echo(languages_table(languages))
    defaults = stated_defaults(lang.code for lang in languages)
    if filter and defaults:
        pairs = ", ".join(f"{key} -> {code}" for key, code in defaults)
        click.echo(f"\nShared names and codes resolve to: {pairs}")
    click.echo(f"\n{len(languages)} language{'s' if len(languages) != 1 else ''}.")
