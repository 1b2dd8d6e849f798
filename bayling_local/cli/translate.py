"""`bayling-local translate`: a thin click wrapper over `translation.job.run_translate`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from ..errors import UsageError
from ..languages import ambiguity_notice, resolve_language
from .options import (
    api_key_options,
    context_option,
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
    help="File to translate (.txt .md .html .srt .vtt .docx, .po .pot .xlf .xliff .json .arb .yml .yaml), or a "
    "folder of them (with -o DIR).",
)
@click.option(
    "--format",
    "doc_format",
    help="Read -i as this format: text, markdown, html, srt, vtt, docx, po, xliff, json, arb, yaml.",
)
@click.option("--report", type=click.Path(path_type=Path), help="Write a JSON record per segment here.")
@click.option("--copy-other", is_flag=True, help="Folder runs: copy files of other types to the output.")
@click.option(
    "--overwrite",
    is_flag=True,
    help="Folder runs: replace output files that exist. PO/XLIFF: translate entries that have a translation too.",
)
@click.option("--no-fuzzy", is_flag=True, help="PO files: do not flag machine translations #, fuzzy.")
@click.option(
    "--glossary",
    "glossaries",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Terms to use: TSV/CSV with a header of languages (en, fr, ...), or TBX. Repeatable.",
)
@click.option("--no-memory", is_flag=True, help="Neither take from nor add to the translation memory.")
@click.option("--keep", "keep", multiple=True, help="A name to keep unchanged (brand, product). Repeatable.")
@click.option(
    "--keep-file",
    "keep_files",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="A file of names to keep unchanged, one a line.",
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
@context_option()
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
    doc_format: str | None,
    report: Path | None,
    copy_other: bool,
    overwrite: bool,
    no_fuzzy: bool,
    glossaries: tuple[Path, ...],
    no_memory: bool,
    keep: tuple[str, ...],
    keep_files: tuple[Path, ...],
    output: Path | None,
    in_place: bool,
    resume: bool,
    model: str | None,
    template: str | None,
    as_json: bool,
    temperature: float | None,
    max_tokens: int | None,
    max_retries: int | None,
    context: int | None,
    threads: int | None,
    n_gpu_layers: int | None,
    ctx: int | None,
    parallel: int | None,
    server: str | None,
    api_key: str | None,
    api_key_file: Path | None,
    verbose: bool,
) -> None:
    """Translate TEXT, stdin or a file (-i) into the --to language: plain text line by line, documents
    (Markdown, HTML, SRT, WebVTT, DOCX) keeping their structure, localization files (PO, XLIFF, JSON, ARB,
    YAML) with their placeholders checked, folders file by file.

    Example: bayling-local translate "Good morning, how are you?" --to fra_Latn
    """
    from ..config import resolve_remote_settings
    from ..documents.formats import is_document_run
    from ..translation.job import check_writable, plan_output

    documents = is_document_run(input_file, doc_format)
    if documents and (in_place or resume):
        what = "a folder" if input_file is not None and input_file.is_dir() else "a document"
        raise UsageError(
            f"--in-place and --resume are for plain text, not {what}; give -o for the translation"
        )
    if not documents and (report is not None or copy_other or overwrite or no_fuzzy):
        raise UsageError(
            "--report, --copy-other, --overwrite and --no-fuzzy are for documents and folders (-i FILE.md, -i DIR)"
        )
    if documents and input_file is not None and input_file.is_dir():
        backup = None
    else:
        output, backup = plan_output(input_file, output, in_place)
        if output is not None:
            check_writable(output)
    if report is not None:
        check_writable(report)
    if resume and output is None:
        raise UsageError("--resume continues an interrupted -o run: give the same -i and -o as that run")
    runtime, generation = settings_from_flags()
    for named in (target, source):
        notice = ambiguity_notice(named) if named else None
        if notice:
            click.echo(notice, err=True)
    target_language, source_language = resolve_language(target), resolve_language(source) if source else None
    glossary = None
    if glossaries or keep or keep_files:
        from ..translation.glossary import load_glossary

        glossary = load_glossary(
            list(glossaries), source_language, target_language, list(keep), list(keep_files)
        )
    shared = dict(
        target=target_language,
        source=source_language,
        glossary=glossary,
        memory=not no_memory,
        runtime=runtime,
        generation=generation,
        output=output,
        as_json=as_json,
        parallel=parallel,
        notify=lambda line: click.echo(line, err=True),
        remote=resolve_remote_settings(server),
        api_key=read_api_key(api_key, api_key_file),
    )
    if documents:
        assert input_file is not None
        _run_documents(input_file, doc_format, report, copy_other, overwrite, shared, fuzzy=not no_fuzzy)
    else:
        _run_lines(text, input_file, backup, resume, shared)


def _run_lines(
    text: str | None, input_file: Path | None, backup: Path | None, resume: bool, shared: dict[str, Any]
) -> None:
    from ..translation.job import TranslateJob, read_segments, run_translate

    job = TranslateJob(
        lines=read_segments(text, input_file),
        stream=sys.stdout.isatty(),
        backup=backup,
        resume=resume,
        **shared,
    )

    def emit(chunk: str) -> None:
        click.echo(chunk, nl=False)
        sys.stdout.flush()  # line by line into a pipe too: an interrupted run keeps what it printed

    run_translate(job, emit)


def _run_documents(
    input_file: Path,
    doc_format: str | None,
    report: Path | None,
    copy_other: bool,
    overwrite: bool,
    shared: dict[str, Any],
    fuzzy: bool = True,
) -> None:
    from ..documents.job import DocumentJob, run_document_job

    job = DocumentJob(
        input=input_file,
        format=doc_format,
        report=report,
        copy_other=copy_other,
        overwrite=overwrite,
        fuzzy=fuzzy,
        **shared,
    )

    def emit_bytes(data: bytes) -> None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()

    run_document_job(job, lambda text: click.echo(text, nl=False), emit_bytes)
