"""`bayling-local bench`: a thin click wrapper over `runs.bench.run_bench` (a table, or JSON with --json)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from ..config import RuntimeConfig, resolve
from .options import hardware_options


@click.command("bench")
@click.option("-m", "--model", help="Model name from `bayling-local models`, or a .gguf path.")
@click.option(
    "-i",
    "--input",
    "input_file",
    type=click.Path(path_type=Path, exists=True, dir_okay=False),
    help="English segments, one a line (default: 16 built-in sentences).",
)
@click.option("--segments", type=click.IntRange(min=2), help="Use only the first N segments.")
@click.option(
    "--to", "target", default="fra_Latn", show_default=True, help="Target language of the translations."
)
@click.option("--parallel", type=click.IntRange(min=1), help="Batch width (default: as translate chooses).")
@hardware_options()
@click.option(
    "--gen-tokens",
    type=click.IntRange(min=1),
    default=128,
    show_default=True,
    help="Tokens generated for the generation-speed figure.",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
def bench_command(
    model: str | None,
    input_file: Path | None,
    segments: int | None,
    target: str,
    parallel: int | None,
    threads: int | None,
    n_gpu_layers: int | None,
    ctx: int | None,
    gen_tokens: int,
    as_json: bool,
) -> None:
    """Measure prompt and generation speed, first-token latency, segments/s (one at a time and batched), RSS.

    Example: bayling-local bench --json
    """
    from ..language.names import resolve_language
    from ..runs.bench import SAMPLE_SENTENCES, BenchJob, render_table, run_bench
    from ..textio import read_input_file

    sentences = (
        [s for s in read_input_file(input_file) if s.strip()] if input_file else list(SAMPLE_SENTENCES)
    )
    job = BenchJob(
        runtime=resolve(
            RuntimeConfig, dict(model=model, threads=threads, n_gpu_layers=n_gpu_layers, ctx=ctx), "runtime"
        ),
        sentences=sentences[:segments] if segments else sentences,
        target=resolve_language(target).code,
        parallel=parallel,
        generate_tokens=gen_tokens,
    )
    result = run_bench(job, log=lambda line: click.echo(line, err=True) if not as_json else None)
    click.echo(json.dumps(asdict(result), indent=2) if as_json else render_table(result), nl=as_json)
