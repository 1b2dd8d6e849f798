"""`bayling-local translate`: a thin click wrapper over `run_translate`."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import click

from .cli_options import hardware_options, settings_from_flags
from .config import GenerationConfig, RuntimeConfig
from .errors import InputError, OutputError
from .languages import Language, resolve_language
from .textio import checked_lines, decode_utf8, read_input_file
from .translate import OneLineStream, SegmentResult


@dataclass
class TranslateJob:
    """Everything one `translate` run needs, already resolved."""

    lines: list[str]
    target: Language
    source: Language | None
    runtime: RuntimeConfig
    generation: GenerationConfig
    output: Path | None = None
    as_json: bool = False
    stream: bool = False
    parallel: int | None = None
    notices: list[str] = field(default_factory=list)
    """Messages for stderr (model choice, detection, cut segments), filled in while running."""


def load_engine(runtime: RuntimeConfig, notices: list[str]):  # type: ignore[no-untyped-def]
    """Resolve and load the model, noting the built-in fallback once."""
    from .engine import Engine
    from .resolve import GET_BAYLING_HINT, resolve_model

    model = resolve_model(runtime.model)
    if model.is_builtin:
        notices.append(f"Using the built-in Gemma-3-270M demo model ({model.reason}); {GET_BAYLING_HINT}.")
    return Engine(model.path, runtime, model.name, model.template)


def run_translate(job: TranslateJob, emit: Callable[[str], None]) -> list[SegmentResult]:
    """Translate every line of the job; `emit` receives stdout text as it becomes final."""
    from .translate import Translator

    engine = load_engine(job.runtime, job.notices)
    _flush_notices(job)
    translator = Translator(engine, job.target, job.source, job.generation)
    if _use_batch(job, engine):
        results = _run_batched(job, translator, emit)
    else:
        results = _run_sequential(job, translator, emit)
    _note_results(job, results)
    if job.output is not None:
        _write_output(job.output, results, job.as_json)
    _flush_notices(job)
    return results


def _run_sequential(job: TranslateJob, translator, emit: Callable[[str], None]) -> list[SegmentResult]:  # type: ignore[no-untyped-def]
    """One line at a time, streaming each token to a terminal."""
    results: list[SegmentResult] = []
    stream_to_screen = job.stream and job.output is None and not job.as_json
    for line in job.lines:
        on_text = OneLineStream(emit) if stream_to_screen else None
        result = translator.translate(line, on_text)
        results.append(result)
        if job.output is None:
            emit(_render(result, job.as_json, streamed=stream_to_screen))
    return results


def _use_batch(job: TranslateJob, engine) -> bool:  # type: ignore[no-untyped-def]
    """Batch when several lines need translating and --parallel allows it."""
    if sum(1 for line in job.lines if line.strip()) < 2:
        return False
    if job.parallel is None:
        from .batch_translate import default_parallel

        job.parallel = default_parallel(engine)
    return job.parallel > 1


def _run_batched(job: TranslateJob, translator, emit: Callable[[str], None]) -> list[SegmentResult]:  # type: ignore[no-untyped-def]
    """Several segments decoded at once; lines still come out in input order, each as soon as it can."""
    from .batch_translate import translate_batched

    def show(result: SegmentResult) -> None:
        if job.output is None:
            emit(_render(result, job.as_json, streamed=False))

    return translate_batched(translator, job.lines, job.parallel or 1, show)


def check_writable(path: Path) -> None:
    """Fail before any work when the output cannot be written."""
    import os

    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise OutputError(f"{path} is a folder; give a file name for -o")
    if not parent.is_dir():
        raise OutputError(f"cannot write {path}: folder {parent} does not exist")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise OutputError(f"cannot write {path}: permission denied; choose another -o path")


def _render(result: SegmentResult, as_json: bool, streamed: bool) -> str:
    if as_json:
        return json.dumps(result.as_json(), ensure_ascii=False) + "\n"
    return "\n" if streamed else result.translation + "\n"


def _write_output(path: Path, results: list[SegmentResult], as_json: bool) -> None:
    from .atomic import atomic_write

    try:
        with atomic_write(path) as handle:
            for result in results:
                handle.write(_render(result, as_json, streamed=False))
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}; choose another -o path") from exc


def _note_results(job: TranslateJob, results: list[SegmentResult]) -> None:
    cut = [str(i + 1) for i, r in enumerate(results) if r.truncated]
    if cut:
        job.notices.append(
            f"Warning: line(s) {', '.join(cut[:20])} stopped at the token limit; raise --max-tokens to get all of it."
        )
    if job.source is not None:
        return
    detected = Counter(r.source_language or "unknown" for r in results if r.source.strip())
    if not detected:
        return
    if len(results) == 1:
        only = results[0]
        if only.source_language:
            job.notices.append(
                f"Source language: {only.source_language} (detected, confidence {only.detection_confidence:.2f}); "
                "set --from to override."
            )
        else:
            job.notices.append(
                "Source language not recognised; translating with the source unnamed (set --from)."
            )
        return
    summary = ", ".join(f"{code} x{n}" for code, n in detected.most_common())
    job.notices.append(f"Source languages detected per line: {summary}; set --from to override.")


def _flush_notices(job: TranslateJob) -> None:
    for notice in job.notices:
        click.echo(notice, err=True)
    job.notices.clear()


def read_segments(text: str | None, input_file: Path | None) -> list[str]:
    """The segments to translate, from the argument, -i FILE, or stdin."""
    if text is not None and input_file is not None:
        raise InputError("give either TEXT or -i FILE, not both")
    if input_file is not None:
        return read_input_file(input_file)
    if text is not None:
        return checked_lines(text, "the text argument")
    stdin = sys.stdin.buffer
    if sys.stdin.isatty():
        raise InputError("nothing to translate: give TEXT, -i FILE, or pipe text into stdin")
    return checked_lines(decode_utf8(stdin.read(), "stdin"), "stdin")


@click.command("translate")
@click.argument("text", required=False)
@click.option("--to", "target", required=True, help="Target language: FLORES code, ISO code or name.")
@click.option("--from", "source", help="Source language; detected per line when left out.")
@click.option(
    "-i",
    "--input",
    "input_file",
    type=click.Path(path_type=Path),
    help="Plain-text file, one segment a line.",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), help="Write here (atomically) instead of stdout."
)
@click.option("-m", "--model", help="Model name from `bayling-local models`, or a .gguf path.")
@click.option(
    "--template", help="Prompt format: bayling, bayling3, gguf or fewshot (default: from the model)."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per segment.")
@click.option("--temperature", type=float, help="Sampling temperature (default 0: greedy).")
@click.option("--max-tokens", type=int, help="Most tokens per segment (default 512).")
@hardware_options()
@click.option(
    "--parallel",
    type=click.IntRange(min=1),
    help="Segments decoded at once (default: chosen from model size and threads).",
)
@click.option("--verbose", is_flag=True, help="Show llama.cpp's own log.")
def translate_command(
    text: str | None,
    target: str,
    source: str | None,
    input_file: Path | None,
    output: Path | None,
    model: str | None,
    template: str | None,
    as_json: bool,
    temperature: float | None,
    max_tokens: int | None,
    threads: int | None,
    n_gpu_layers: int | None,
    ctx: int | None,
    parallel: int | None,
    verbose: bool,
) -> None:
    """Translate TEXT, stdin or a file (-i) into the --to language, one output line per input line.

    Example: bayling-local translate "Good morning, how are you?" --to fra_Latn
    """
    if output is not None:
        check_writable(output)
    runtime, generation = settings_from_flags()
    job = TranslateJob(
        lines=read_segments(text, input_file),
        target=resolve_language(target),
        source=resolve_language(source) if source else None,
        runtime=runtime,
        generation=generation,
        output=output,
        as_json=as_json,
        stream=sys.stdout.isatty(),
        parallel=parallel,
    )
    run_translate(job, lambda chunk: click.echo(chunk, nl=False))
