"""`bayling-local translate`: a thin click wrapper over `runs.translate.run_translate` (lines of text) and
`runs.documents.run_document_job` (documents and folders)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import UsageError
from ..language.names import ambiguity_notice, resolve_language
from .options import (
    api_key_options,
    context_option,
    hardware_options,
    max_retries_option,
    max_tokens_option,
    read_api_key,
    temperature_option,
)
from .wording import worded

if TYPE_CHECKING:
    from ..runs.documents import DocumentJob
    from ..runs.translate import TranslateJob


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
    from ..config import RunFlags, resolve_remote_settings, resolve_run_settings
    from ..runs.setup import TranslationSettings
    from ..runs.translate import check_writable, plan_output

    documents = _is_document_run(input_file, doc_format)
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
    flags = RunFlags(
        model=model,
        template=template,
        threads=threads,
        n_gpu_layers=n_gpu_layers,
        ctx=ctx,
        verbose=verbose,
        temperature=temperature,
        max_tokens=max_tokens,
        max_retries=max_retries,
        context=context,
    )
    runtime, generation = resolve_run_settings(flags)
    for named in (target, source):
        notice = ambiguity_notice(named) if named else None
        if notice:
            click.echo(notice, err=True)
    target_language, source_language = resolve_language(target), resolve_language(source) if source else None
    glossary = None
    if glossaries or keep or keep_files:
        from ..translation.glossary_files import load_glossary

        glossary = load_glossary(
            list(glossaries), source_language, target_language, list(keep), list(keep_files)
        )
    settings = TranslationSettings(
        target=target_language,
        source=source_language,
        runtime=runtime,
        generation=generation,
        remote=resolve_remote_settings(server),
        api_key=read_api_key(api_key, api_key_file),
        parallel=parallel,
        glossary=glossary,
        memory=not no_memory,
    )
    if documents:
        assert input_file is not None
        from ..runs.documents import DocumentJob

        _run_documents(
            DocumentJob(
                input=input_file,
                settings=settings,
                output=output,
                format=doc_format,
                as_json=as_json,
                report=report,
                copy_other=copy_other,
                overwrite=overwrite,
                fuzzy=not no_fuzzy,
                notify=_notify,
                word=worded,
            )
        )
    else:
        from ..runs.translate import TranslateJob, read_segments

        _run_lines(
            TranslateJob(
                lines=read_segments(text, input_file),
                settings=settings,
                output=output,
                as_json=as_json,
                stream=sys.stdout.isatty(),
                notify=_notify,
                backup=backup,
                resume=resume,
            )
        )


def _notify(line: str) -> None:
    click.echo(line, err=True)


def _is_document_run(input_file: Path | None, doc_format: str | None) -> bool:
    """Whether `translate` goes through the document path: a folder, or a file of a format other than plain
    text (plain text keeps the line mode, with its streaming, --resume and --in-place)."""
    from ..documents.formats import chosen_format

    if input_file is None:
        if doc_format is not None and doc_format.lower() != "text":
            raise UsageError("--format reads a document from -i FILE; give the file with -i")
        return False
    if input_file.is_dir():
        return True
    return chosen_format(input_file, doc_format) != "text"


def _run_lines(job: TranslateJob) -> None:
    from ..runs.translate import run_translate

    def emit(chunk: str) -> None:
        click.echo(chunk, nl=False)
        sys.stdout.flush()  # line by line into a pipe too: an interrupted run keeps what it printed

    run_translate(job, emit)


def _run_documents(job: DocumentJob) -> None:
    from ..runs.documents import run_document_job

    def emit_bytes(data: bytes) -> None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()

    run_document_job(job, lambda text: click.echo(text, nl=False), emit_bytes)
