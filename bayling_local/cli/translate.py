"""`bayling-local translate`: a thin click wrapper over `translation.job.run_translate`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import UsageError
from ..languages import ambiguity_notice, resolve_language
from .options import (
    api_key_options,
    hardware_options,
    max_retries_option,
    max_tokens_option,
    read_api_key,
    settings_from_flags,
    temperature_option,
)


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
@click.option(
    "--in-place",
    is_flag=True,
    help="Replace the -i file with its translation (the original is kept as FILE.orig).",
)
@click.option(
    "--resume",
    is_flag=True,
    help="Continue an interrupted -o run from OUT.partial instead of starting again.",
)
@click.option("-m", "--model", help="Model name from `bayling-local models`, or a .gguf path.")
@click.option(
    "--template", help="Prompt format: bayling, bayling3, gguf or fewshot (default: from the model)."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per segment.")
@temperature_option()
@max_tokens_option()
@max_retries_option()
@hardware_options()
@click.option(
    "--parallel",
    type=click.IntRange(min=1),
    help="Segments decoded at once (default: chosen from model size and threads; 8 with --server).",
)
@click.option(
    "--server",
    metavar="URL",
    help="Generate on this OpenAI-compatible server (bayling-local serve, llama-server, vLLM) instead of a "
    "local model; --model names the server's model.",
)
@api_key_options("The --server's key (also BAYLING_API_KEY).")
@click.option("--verbose", is_flag=True, help="Show llama.cpp's own log.")
def translate_command(
    text: str | None,
    target: str,
    source: str | None,
    input_file: Path | None,
    output: Path | None,
    in_place: bool,
    resume: bool,
    model: str | None,
    template: str | None,
    as_json: bool,
    temperature: float | None,
    max_tokens: int | None,
    max_retries: int | None,
    threads: int | None,
    n_gpu_layers: int | None,
    ctx: int | None,
    parallel: int | None,
    server: str | None,
    api_key: str | None,
    api_key_file: Path | None,
    verbose: bool,
) -> None:
    """Translate TEXT, stdin or a file (-i) into the --to language, one output line per input line.

    Example: bayling-local translate "Good morning, how are you?" --to fra_Latn
    """
    from ..config import resolve_remote_settings
    from ..translation.job import TranslateJob, check_writable, plan_output, read_segments, run_translate

    output, backup = plan_output(input_file, output, in_place)
    if resume and output is None:
        raise UsageError("--resume continues an interrupted -o run: give the same -i and -o as that run")
    if output is not None:
        check_writable(output)
    runtime, generation = settings_from_flags()
    for named in (target, source):
        notice = ambiguity_notice(named) if named else None
        if notice:
            click.echo(notice, err=True)
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
        notify=lambda line: click.echo(line, err=True),
        backup=backup,
        resume=resume,
        remote=resolve_remote_settings(server),
        api_key=read_api_key(api_key, api_key_file),
    )

    def emit(chunk: str) -> None:
        click.echo(chunk, nl=False)
        sys.stdout.flush()  # line by line into a pipe too: an interrupted run keeps what it printed

    run_translate(job, emit)
