"""One `translate` run over documents: a single file (`-i FILE`) or a folder tree (`-i DIR -o DIR`).

Every file is read (and refused, with file, place and problem, before the model loads) before any is
translated; each document's segments go through the one translation core together (batched, cancellable,
checked and retried: `translate_document`, which the server's file jobs use too), and each output is written
atomically. In a folder a file that fails is named and the rest go on.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..documents.formats import ReadOptions, chosen_format, read_document
from ..documents.model import KNOWN_WRONG, Document, usable
from ..errors import BaylingError, DocumentError, OutputError, UsageError
from .folder import plan_folder
from .report import FileOutcome, records_of, summary_lines
from .setup import TranslationSettings, memory_notice, open_translation_engine, open_translation_memory
from .translate_document import DocumentTranslation, translate_document

if TYPE_CHECKING:
    from ..engine.protocol import EngineLike
    from ..translation.memory import TranslationMemory

Emit = Callable[[str], None]


@dataclass
class DocumentJob:
    """Everything one document run needs, already resolved."""

    input: Path
    settings: TranslationSettings
    output: Path | None = None
    format: str | None = None
    """Read the input as this format instead of the one its extension names (single file only)."""
    as_json: bool = False
    """Print the per-segment records to stdout (the document goes to `output`)."""
    report: Path | None = None
    """Write the per-segment records here (JSON lines)."""
    copy_other: bool = False
    """In a folder: copy files of no known format to the output tree (else they are skipped)."""
    overwrite: bool = False
    """In a folder: replace outputs that exist (else they are kept and the file skipped). PO and XLIFF:
    translate entries that already have a translation too."""
    fuzzy: bool = True
    """PO files: flag machine translations `#, fuzzy` for review."""
    notify: Emit = field(default=lambda line: print(line, file=sys.stderr))
    """Where notices go (stderr in the CLI), one line each."""
    word: Callable[[BaylingError], str] = str
    """How the front-end words an error (a folder run names each failed file with it)."""

    def read_options(self) -> ReadOptions:
        return ReadOptions(overwrite=self.overwrite, fuzzy=self.fuzzy)


def run_document_job(job: DocumentJob, emit: Emit, emit_bytes: Callable[[bytes], None]) -> list[FileOutcome]:
    """Translate the job's file or folder; returns one outcome per input file."""
    if job.input.is_dir():
        return _run_folder(job, emit)
    name = chosen_format(job.input, job.format)
    document = read_document(_read(job.input), job.input, name, job.read_options())
    document.prepare(job.settings.target)
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
            document.prepare(job.settings.target)
            documents.append((document, source, target))
        except (DocumentError, UsageError) as exc:
            outcomes.append(FileOutcome(source, target, "failed", job.word(exc)))
        except OSError as exc:
            outcomes.append(FileOutcome(source, target, "failed", str(exc)))
    if documents:
        with _Session(job, [document for document, _s, _t in documents]) as session:
            for document, source, target in documents:
                outcome = FileOutcome(source, target, "translated")
                try:
                    _write(target, session.translate(document, outcome))
                except (DocumentError, OutputError) as exc:
                    outcome.status, outcome.detail = "failed", job.word(exc)
                outcomes.append(outcome)
    outcomes.sort(key=lambda outcome: str(outcome.source))
    _finish(job, outcomes, emit, folder=True)
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
        job = self.job
        if self.total == 0 or job.settings.copies:
            return self  # nothing to translate (only code, or --from equal to --to): no model to load
        self.memory = open_translation_memory(job.settings, job.notify)
        self.engine = open_translation_engine(job.settings, self.total)
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
        job, settings = self.job, self.job.settings
        texts = [segment.text for segment in document.segments]
        outcome.format = document.format
        outcome.locations = [segment.location for segment in document.segments]
        if document.skipped:
            job.notify(
                f"{document.name()}: text at {', '.join(document.skipped[:10])} could not be placed in the "
                "source exactly; it is left as it is."
            )
        if texts and settings.copies:
            job.notify(
                f"{document.name()}: --from and --to are both {settings.target.code}: copied unchanged."
            )
        bar = self.bar
        how = DocumentTranslation(
            settings.target,
            settings.source,
            settings.generation,
            glossary=settings.glossary,
            memory=self.memory,
            on_result=(lambda _result: bar.update(1)) if bar else None,
        )
        done = translate_document(document, self.engine, how)
        if done.data is None:
            raise KeyboardInterrupt  # cancelled: nothing half-translated is written
        outcome.results = done.results
        outcome.detail = f"{len(texts)} segment{'s' if len(texts) != 1 else ''}, {document.format}"
        if document.summary():  # a file of entries: counted per entry, failures named
            outcome.entries = document.summary()
            outcome.detail = f"{document.format}: {outcome.entries}"
            outcome.failures = [place for place, _why in document.untranslated()]
        else:
            outcome.kept_wrong = [f"{place} ({check})" for place, check in document.kept_wrong()]
            translations = [result.translation for result in done.results] or texts
            checks = [result.check for result in done.results] or [None] * len(texts)
            outcome.kept_source = sum(
                usable(segment, text).kept_source
                for segment, text, check in zip(document.segments, translations, checks, strict=True)
                if check not in KNOWN_WRONG  # those are counted in `kept_wrong`
            )
        return done.data


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


def _finish(job: DocumentJob, outcomes: list[FileOutcome], emit: Emit, folder: bool) -> None:
    records = [record for outcome in outcomes for record in records_of(outcome)]
    if job.as_json:
        for record in records:
            emit(json.dumps(record, ensure_ascii=False) + "\n")
    if job.report is not None:
        _write(job.report, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode("utf-8"))
    for line in summary_lines(outcomes, folder):
        job.notify(line)
    for line in memory_notice([result for outcome in outcomes for result in outcome.results]):
        job.notify(line)
    failed = [outcome for outcome in outcomes if outcome.status == "failed"]
    if failed:
        raise BaylingError(f"{len(failed)} of {len(outcomes)} file(s) failed (named above)")
