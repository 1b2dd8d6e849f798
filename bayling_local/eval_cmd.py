"""`bayling-local eval flores`: BLEU and chrF++ per direction on FLORES-200, several models side by side."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import click

from .cli_options import hardware_options
from .config import GenerationConfig, RuntimeConfig, resolve
from .evaluate import DirectionScore, ModelReport


@dataclass
class EvalJob:
    """One `eval flores` run, resolved."""

    data: Path
    """A FLORES-200-style folder of `<code>.txt` files, or the dev archive."""
    pairs: str
    """Directions: `eng_Latn-fra_Latn,...`, `all-to-eng_Latn` or `eng_Latn-to-all`."""
    models: list[str | None]
    """Models to compare (None: the default model)."""
    runtime: RuntimeConfig
    generation: GenerationConfig
    limit: int | None = 100
    """First N sentences of each file (None: all)."""
    output: Path = Path("flores-eval")
    """Reports go to `<output>.md` and `<output>.json`."""
    parallel: int | None = None
    """Segments decoded at once (None: from model size and threads)."""
    log: Callable[[str], None] = field(default=lambda line: None)
    """Progress lines (stderr in the CLI)."""


def run_eval(job: EvalJob) -> list[ModelReport]:
    """Evaluate every model on every direction; write the Markdown and JSON reports."""
    from .config import save_beside
    from .evaluate import available_codes, evaluate_model, flores_folder, parse_pairs, write_reports

    reports: list[ModelReport] = []
    with flores_folder(job.data) as folder:
        pairs = parse_pairs(job.pairs, available_codes(folder))
        for model in job.models:
            runtime = dataclasses.replace(job.runtime, model=model)
            reports.append(_evaluate_one(job, runtime, folder, pairs, evaluate_model))
    meta: dict[str, object] = {
        "data": str(job.data),
        "sentences per direction": job.limit or "all",
        "directions": len(pairs),
        "decoding": "greedy"
        if job.generation.temperature <= 0
        else f"temperature {job.generation.temperature}",
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    _, json_path = write_reports(job.output, reports, meta)
    save_beside(json_path, job.runtime, job.generation, extra={"models": [r.model for r in reports]})
    return reports


def _evaluate_one(
    job: EvalJob,
    runtime: RuntimeConfig,
    folder: Path,
    pairs: list[tuple[str, str]],
    evaluate_model: Callable[..., ModelReport],
) -> ModelReport:
    from .batch_translate import default_parallel, translate_batched
    from .languages import resolve_language
    from .translate import Translator
    from .translate_cmd import load_engine

    notices: list[str] = []
    engine = load_engine(runtime, notices)
    for notice in notices:
        job.log(notice)
    parallel = job.parallel or default_parallel(engine)

    def translate(sentences: list[str], source: str, target: str) -> list[str]:
        translator = Translator(engine, resolve_language(target), resolve_language(source), job.generation)
        if parallel > 1:
            return [r.translation for r in translate_batched(translator, sentences, parallel)]
        return [translator.translate(s).translation for s in sentences]

    def progress(d: DirectionScore) -> None:
        job.log(
            f"{engine.name}: {d.source} -> {d.target}: BLEU {d.bleu:.2f}, chrF++ {d.chrf_pp:.2f} ({d.seconds:.0f} s)"
        )

    try:
        return evaluate_model(engine.name, translate, folder, pairs, job.limit, progress)
    finally:
        engine.close()


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
@click.option("--max-tokens", type=int, help="Most tokens per sentence (default 512).")
@hardware_options()
def flores_command(
    data: Path,
    pairs: str,
    limit: int,
    models: tuple[str, ...],
    output: Path,
    parallel: int | None,
    max_tokens: int | None,
    threads: int | None,
    n_gpu_layers: int | None,
    ctx: int | None,
) -> None:
    """BLEU and chrF++ per direction on FLORES-200, greedy decoding; Markdown and JSON reports.

    Example: bayling-local eval flores --data flores200-dev.tar.xz --pairs all-to-eng_Latn --limit 100
    """
    job = EvalJob(
        data=data,
        pairs=pairs,
        models=list(models) or [None],
        runtime=resolve(RuntimeConfig, dict(threads=threads, n_gpu_layers=n_gpu_layers, ctx=ctx), "runtime"),
        generation=resolve(GenerationConfig, dict(max_tokens=max_tokens, temperature=0.0), "generation"),
        limit=limit,
        output=output,
        parallel=parallel,
        log=lambda line: click.echo(line, err=True),
    )
    reports = run_eval(job)
    for report in reports:
        click.echo(f"{report.model}: average BLEU {report.bleu:.2f}, chrF++ {report.chrf_pp:.2f}")
    click.echo(f"Reports: {output}.md, {output}.json")
