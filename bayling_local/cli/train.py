"""`bayling-local train RECIPE`: SFT (LoRA or full) from a YAML recipe (thin wrapper over training.sft).

Multi-GPU runs use the same code through `accelerate launch -m training.sft RECIPE` (see docs/training.md).
"""

from __future__ import annotations

from pathlib import Path

import click

from .reporting import ReportingCommand


@click.command(cls=ReportingCommand)
@click.argument("recipe", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="SECTION.KEY=VALUE",
    help="Override a recipe setting, e.g. --set train.max_steps=100 (repeatable).",
)
@click.option("--resume", help="Checkpoint folder to resume from, or `auto` for the latest one.")
def train_command(recipe: Path, overrides: tuple[str, ...], resume: str | None) -> None:
    """Fine-tune a model (LoRA or full) from a YAML recipe."""
    from training.sft import load_config, train

    items = list(overrides) + ([f"train.resume={resume}"] if resume else [])
    config = load_config(recipe, items)
    result = train(config, log=click.echo)
    if not result.files:
        return  # another process of a distributed run: the main one reports
    if result.eval_losses:
        click.echo(f"held-out loss {result.eval_losses[max(result.eval_losses)]:.4f} at step {result.steps}")
    click.echo(f"wrote {result.output_dir} ({', '.join(p.name for p in result.files)})")
    if config.lora.method == "lora":
        click.echo(f"next: bayling-local convert {config.model.name_or_path} --lora {result.output_dir}")
