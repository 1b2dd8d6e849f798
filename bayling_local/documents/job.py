"""One `translate` run over documents: a single file (`-i FILE`) or a folder tree (`-i DIR -o DIR`).

Every file is read (and refused, with file, place and problem, before the model loads) before any is
translated; each document's segments go through the one translation core together (batched, cancellable,
checked and retried), and each output is written atomically. In a folder a file that fails is named and the
rest go on.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..config import GenerationConfig, RemoteConfig, RuntimeConfig
from ..errors import BaylingError, DocumentError, OutputError, UsageError
from ..languages import Language
from ..translation.markers import strip_markers
from ..translation.memory import TranslationMemory, memory_notice, open_memory
from .folder import FolderPlan, plan_folder
from .formats import ReadOptions, chosen_format, read_document
from .model import Document, fail, usable

if TYPE_CHECKING:
    from ..llama.protocol import EngineLike
    from ..translation.glossary import Glossary
    from ..translation.translator import SegmentResult

Emit = Callable[[str], None]


@dataclass
class DocumentJob:
    """Everything one document run needs, already resolved."""

    input: Path
    target: Language
    source: Language | None
    runtime: RuntimeConfig
    generation: GenerationConfig
    output: Path | None = None
    format: str | None = None
    """`--format`: overrides the extension (single file only)."""
    as_json: bool = False
    """Print the per-segment records to stdout (the document goes to -o)."""
    report: Path | None = None
    """Write the per-segment records here (JSON lines)."""
    copy_other: bool = False
    """In a folder: copy files of no known format to the output tree (else they are skipped)."""
    overwrite: bool = False
    """In a folder: replace outputs that exist (else they are kept and the file skipped)."""
    parallel: int | None = None
    remote: RemoteConfig = field(default_factory=RemoteConfig)
    api_key: str | None = None
    notify: Emit = field(default=lambda line: print(line, file=sys.stderr))
    glossary: Glossary | None = None
    """Terms the translations must use and names they must keep (`--glossary`, `--keep`)."""
    memory: bool = True
    """Take finished segments from the translation memory and add new ones (greedy only; `--no-memory`)."""
    fuzzy: bool = True
    """PO files: flag machine translations `#, fuzzy` (`--no-fuzzy`: not)."""

    def read_options(self) -> ReadOptions:
        return ReadOptions(overwrite=self.overwrite, fuzzy=self.fuzzy)


@dataclass
class FileOutcome:
    """What became of one input file."""

    source: Path
    output: Path | None
    status: str
    """`translated`, `copied`, `skipped` or `failed`."""
    detail: str = ""
    results: list[SegmentResult] = field(default_factory=list)
    kept_source: int = 0
    """Segments left in the source language because their translation could not be used."""
    format: str = ""
    locations: list[str] = field(default_factory=list)
    """Where each of `results` is in the file (`line 12`, `cue 4`)."""
    failures: list[str] = field(default_factory=list)
    """Localization files: the strings left untranslated because their placeholders could not be kept."""
    entries: str = ""
    """Localization files: entries translated, kept, skipped, placeholder failures."""


def run_document_job(job: DocumentJob, emit: Emit, emit_bytes: Callable[[bytes], None]) -> list[FileOutcome]:
    """Translate the job's file or folder; returns one outcome per input file."""
    if job.input.is_dir():
        return _run_folder(job, emit)
    name = chosen_format(job.input, job.format)
    document = read_document(_read(job.input), job.input, name, job.read_options())
    document.prepare(job.target)
    if document.binary and job.output is None:
        raise UsageError(f"{job.input} is a {name.upper()} file: give -o OUT.{name} (it cannot go to stdout)")
    if job.as_json and job.output is None:
        raise UsageError("--json with a document prints its records to stdout: give -o for the document")
    outcome = FileOutcome(job.input, job.output, "translated")
    with _Session(job, [document]) as session:
        data = session.translate(document, outcome)
    if job.output is not None:
        _write(job.output, data)
    else:
        emit_bytes(data)
    _finish(job, [outcome], emit, folder=False)
    return [outcome]


def _run_folder(job: DocumentJob, emit: Emit) -> list[FileOutcome]:
    if job.output is None:
        raise UsageError(f"{job.input} is a folder: give -o DIR for the translated tree")
    if job.output.exists() and not job.output.is_dir():
        raise UsageError(f"-o {job.output} is a file; a folder run writes into a folder")
    if job.output.resolve().is_relative_to(job.input.resolve()):
        raise UsageError(f"-o {job.output} is inside {job.input}; choose an output folder outside it")
    plan = plan_folder(job.input, job.output, job.copy_other, job.overwrite)
    outcomes = list(plan.done)
    documents: list[tuple[Document, Path, Path]] = []
    for source, target in plan.to_translate:
        try:
            document = read_document(_read(source), source, chosen_format(source, None), job.read_options())
            document.prepare(job.target)
            documents.append((document, source, target))
        except (DocumentError, UsageError, OSError) as exc:
            outcomes.append(FileOutcome(source, target, "failed", str(exc)))
    if documents:
        with _Session(job, [document for document, _s, _t in documents]) as session:
            for document, source, target in documents:
                outcome = FileOutcome(source, target, "translated")
                try:
                    _write(target, session.translate(document, outcome))
                except (DocumentError, OutputError) as exc:
                    outcome.status, outcome.detail = "failed", str(exc)
                outcomes.append(outcome)
    outcomes.sort(key=lambda outcome: str(outcome.source))
    _finish(job, outcomes, emit, folder=True, plan=plan)
    return outcomes


class _Session:
    """The model, opened once for all documents of the run, and one progress bar over all their segments."""

    def __init__(self, job: DocumentJob, documents: list[Document]) -> None:
        self.job = job
        self.total = sum(len(document.segments) for document in documents)
        self.engine: EngineLike | None = None
        self.bar: Any = None
        self.memory: TranslationMemory | None = None

    def __enter__(self) -> _Session:
        from ..loading import open_engine, open_remote

        job = self.job
        if self.total == 0 or (job.source is not None and job.source == job.target):
            return self  # nothing to translate (only code, or --from equal to --to): no model to load
        self.memory = open_memory(job.memory, job.generation.temperature, job.notify)
        if job.remote.server:
            self.engine = open_remote(job.remote, job.runtime, job.api_key, job.parallel)
        else:
            self.engine = open_engine(job.runtime, slots=job.parallel or (1 if self.total < 2 else None))
        if self.engine.notice:
            job.notify(self.engine.notice)
        if sys.stderr.isatty() and self.total > 1:
            from tqdm import tqdm

            self.bar = tqdm(total=self.total, unit="seg", desc="Translating", file=sys.stderr, leave=False)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()
        if self.engine is not None:
            self.engine.close()
        if self.memory is not None:
            self.memory.close()

    def translate(self, document: Document, outcome: FileOutcome) -> bytes:
        """The document translated: its segments through the core, then put back into the file."""
        from ..detect import document_language
        from ..translation.batch import translate_segments
        from ..translation.translator import Translator

        job = self.job
        texts = [segment.text for segment in document.segments]
        outcome.format = document.format
        outcome.locations = [segment.location for segment in document.segments]
        skipped = getattr(document, "skipped", [])
        if skipped:
            job.notify(
                f"{document.name()}: text at {', '.join(skipped[:10])} could not be placed in the source "
                "exactly; it is left as it is."
            )
        if not texts or (job.source is not None and job.source == job.target):
            if texts:
                job.notify(
                    f"{document.name()}: --from and --to are both {job.target.code}: copied unchanged."
                )
            translations = texts
        else:
            assert self.engine is not None
            document.translated_by = self.engine.name
            translator = Translator(
                self.engine, job.target, job.source, job.generation, glossary=job.glossary
            )
            translator.memory = self.memory
            translator.notes = {
                i: segment.note for i, segment in enumerate(document.segments) if segment.note
            }
            if job.source is None:
                translator.fallback = document_language([strip_markers(text) for text in texts])
            bar = self.bar
            results = translate_segments(
                translator, texts, progress=False, on_result=(lambda _r: bar.update(1)) if bar else None
            )
            if len(results) < len(texts):
                raise KeyboardInterrupt  # cancelled: nothing half-translated is written
            outcome.results = results
            translations = [result.translation for result in results]
            document.checks = [result.check for result in results]
        outcome.detail = f"{len(texts)} segment{'s' if len(texts) != 1 else ''}, {document.format}"
        try:
            data = document.output(translations, job.target)
            if document.summary():  # a file of entries: counted per entry, failures named
                outcome.entries = document.summary()
                outcome.detail = f"{document.format}: {outcome.entries}"
                outcome.failures = list(getattr(document, "failures", [])) + list(
                    getattr(document, "rejections", [])
                )
            else:
                outcome.kept_source = sum(
                    usable(segment, text).kept_source
                    for segment, text in zip(document.segments, translations, strict=True)
                )
            return data
        except BaylingError:
            raise
        except Exception as exc:  # never expected; one file must not end a folder run with a traceback
            raise fail(
                document.path,
                "",
                f"could not be written back ({type(exc).__name__}: {exc}); please report this",
            ) from exc


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise UsageError(f"no such file: {path}") from exc
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from exc


def _write(path: Path, data: bytes) -> None:
    from ..atomic import atomic_path

    try:
        with atomic_path(path) as temporary:
            temporary.write_bytes(data)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}; choose another -o path") from exc


def _finish(
    job: DocumentJob, outcomes: list[FileOutcome], emit: Emit, folder: bool, plan: FolderPlan | None = None
) -> None:
    from .report import records_of, summary_lines

    records = [record for outcome in outcomes for record in records_of(outcome)]
    if job.as_json:
        for record in records:
            emit(json.dumps(record, ensure_ascii=False) + "\n")
    if job.report is not None:
        _write(job.report, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8"))
    for line in summary_lines(outcomes, folder, plan):
        job.notify(line)
    for line in memory_notice([result for outcome in outcomes for result in outcome.results]):
        job.notify(line)
    failed = [outcome for outcome in outcomes if outcome.status == "failed"]
    if failed:
        raise BaylingError(f"{len(failed)} of {len(outcomes)} file(s) failed (named above)")
