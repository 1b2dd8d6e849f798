"""`bayling-local data build`: make BayLing-2-style language-alignment data (thin wrapper over training.data).

The `training` package is imported only when the command runs, so `bayling-local --help` stays light.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from ..errors import UsageError
from .reporting import ReportingGroup


@click.group(cls=ReportingGroup)
def data_command() -> None:
    """Build BayLing-2-style language-alignment data."""


def _csv(value: str | None) -> list[str] | None:
    return [part.strip() for part in value.split(",") if part.strip()] if value else None


def _mixture(value: str | None) -> dict[str, float] | None:
    if not value:
        return None
    mixture = {}
    for part in value.split(","):
        task, sep, share = part.partition("=")
        try:
            mixture[task.strip()] = float(share)
        except ValueError:
            sep = ""
        if not sep:
            raise UsageError(
                f"bad --mix entry {part!r}; write TASK=SHARE,... e.g. translation=0.4,instruction=0.6"
            )
    return mixture


def _file_settings(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise UsageError(f"cannot read build config {path} ({exc})") from exc
    if not isinstance(data, dict):
        raise UsageError(f"{path} must be a YAML mapping of build settings")
    return {"build": data.get("build", data)}


@data_command.command("build")
@click.option(
    "--parallel",
    "parallel",
    multiple=True,
    help="Parallel data: FLORES folder, .tar.xz[#FOLDER], .tsv, .jsonl.",
)
@click.option(
    "--instructions",
    multiple=True,
    help="Instruction JSONL (Alpaca/ShareGPT/OpenAI); PATH@lang sets its language.",
)
@click.option("--out", "out", type=click.Path(file_okay=False), help="Output folder.")
@click.option("--total", type=int, help="Training examples to make (default 10000).")
@click.option("--heldout-fraction", type=float, help="Share of sentence ids held out (default 0.05).")
@click.option("--heldout-examples", type=int, help="Held-out examples to make (default total x fraction).")
@click.option(
    "--mix",
    "mix",
    help="Task shares, e.g. instruction=0.45,translation=0.3,cross_lingual=0.15,multi_turn=0.1.",
)
@click.option("--languages", help="Comma-separated FLORES-200 codes to use (default: all in the data).")
@click.option("--pivots", help="Comma-separated hub languages (default eng_Latn,zho_Hans).")
@click.option(
    "--max-length-ratio", type=float, help="Largest byte-length ratio of a sentence pair (default 3)."
)
@click.option("--seed", type=int, help="Random seed (default 0).")
@click.option(
    "--config",
    "config_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML file of build settings (flags win over it).",
)
def build_command(
    parallel: tuple[str, ...],
    instructions: tuple[str, ...],
    out: str | None,
    total: int | None,
    heldout_fraction: float | None,
    heldout_examples: int | None,
    mix: str | None,
    languages: str | None,
    pivots: str | None,
    max_length_ratio: float | None,
    seed: int | None,
    config_path: Path | None,
) -> None:
    """Build train.jsonl and heldout.jsonl and print counts by task and language."""
    from training.data import BuildConfig, build, format_summary

    from ..config import resolve

    flags = {
        "parallel": list(parallel) or None,
        "instructions": list(instructions) or None,
        "out": out,
        "total": total,
        "heldout_fraction": heldout_fraction,
        "heldout_examples": heldout_examples,
        "mixture": _mixture(mix),
        "languages": _csv(languages),
        "pivots": _csv(pivots),
        "max_length_ratio": max_length_ratio,
        "seed": seed,
    }
    config = resolve(BuildConfig, flags, "build", file_data=_file_settings(config_path))
    result, paths = build(config)
    click.echo(format_summary(result.summary))
    click.echo(f"wrote {paths['train']} and {paths['heldout']} (summary.json, build.config.json beside them)")
