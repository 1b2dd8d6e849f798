"""`bayling-local eval flores`: a thin click wrapper over `runs.evaluate.run_eval`."""

from __future__ import annotations

from pathlib import Path

import click

from ..config import GenerationConfig, RuntimeConfig, resolve
from .options import hardware_options, max_retries_option, max_tokens_option


@click.group("eval")
def eval_group() -> None:
    """Measure translation quality on standard test sets."""


@eval_group.command("flores")
@click.option(
    "--data",
    required=True,
    type=click.Path(path_type=Path),
    help="FLORES-200 folder of <code>.txt files, or the flores200-dev.tar.xz archive.",
)
@click.option(
    "--pairs",
    required=True,
    help="Directions: eng_Latn-fra_Latn,zho_Hans-eng_Latn,... or all-to-eng_Latn or eng_Latn-to-all.",
)
@click.option(
    "--limit", type=click.IntRange(min=1), default=100, show_default=True, help="Sentences per direction."
)
@click.option(
    "-m", "--model", "models", multiple=True, help="Model name or .gguf path; repeat to compare models."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    default=Path("flores-eval"),
    show_default=True,
    help="Report path stem: writes STEM.md and STEM.json.",
)
@click.option("--parallel", type=click.IntRange(min=1), help="Segments decoded at once.")
@max_tokens_option("Most tokens per sentence (default 512).")
@max_retries_option()
@hardware_options()
def flores_command(
    data: Path,
    pairs: str,
    limit: int,
    models: tuple[str, ...],
    output: Path,
    parallel: int | None,
    max_tokens: int | None,
    max_retries: int | None,
    threads: int | None,
    n_gpu_layers: int | None,
    ctx: int | None,
) -> None:
    """BLEU and chrF++ per direction on FLORES-200, greedy decoding; Markdown and JSON reports.

    Translations go through the same output checks as `translate` (--max-retries 0 scores first attempts).

    Example: bayling-local eval flores --data flores200-dev.tar.xz --pairs all-to-eng_Latn --limit 100
    """
    from ..runs.evaluate import EvalJob, run_eval

    job = EvalJob(
        data=data,
        pairs=pairs,
        models=list(models) or [None],
        runtime=resolve(RuntimeConfig, dict(threads=threads, n_gpu_layers=n_gpu_layers, ctx=ctx), "runtime"),
        generation=resolve(
            GenerationConfig,
            dict(max_tokens=max_tokens, max_retries=max_retries, temperature=0.0),
            "generation",
        ),
        limit=limit,
        output=output,
        parallel=parallel,
        log=lambda line: click.echo(line, err=True),
    )
    reports = run_eval(job)
    for report in reports:
        click.echo(f"{report.model}: average BLEU {report.bleu:.2f}, chrF++ {report.chrf_pp:.2f}")
    click.echo(f"Reports: {output}.md, {output}.json")
