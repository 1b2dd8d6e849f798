"""One `bayling-local translate` run: read the segments, open the model, translate through the scheduler,
print or write the results, and say what the user should know (model choice, detection, cut segments)."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import BaylingError, InputError, OutputError, UsageError
from ..textio import checked_lines, decode_utf8, read_input_file
from ..translation.terms import glossary_summary
from ..translation.translator import OneLineStream, SegmentResult
from .partial import PartialNote, drop_partial, input_digest, load_partial, save_partial
from .setup import TranslationSettings, memory_notice, open_translation_engine, open_translation_memory

Emit = Callable[[str], None]


@dataclass
class TranslateJob:
    """Everything one `translate` run needs, already resolved."""

    lines: list[str]
    settings: TranslationSettings
    output: Path | None = None
    as_json: bool = False
    stream: bool = False
    """Stream tokens as they come (stdout is a terminal, no -o, no --json)."""
    notify: Emit = field(default=lambda line: print(line, file=sys.stderr))
    """Where notices go (stderr in the CLI), one line each."""
    backup: Path | None = None
    """With --in-place: where the source file is copied before it is replaced."""
    resume: bool = False
    """Continue an interrupted `-o` run from its `OUT.partial` instead of starting again."""


def run_translate(job: TranslateJob, emit: Emit) -> list[SegmentResult]:
    """Translate every line of the job; `emit` receives stdout text as it becomes final."""
    done = _resumed(job)
    finished: list[SegmentResult] = []
    stream = job.stream and job.output is None and not job.as_json

    def release(result: SegmentResult) -> None:
        finished.append(result)
        if job.output is None:
            emit(_render(result, job.as_json, stream))

    lines = job.lines[len(done) :]
    if job.settings.copies:
        job.notify(
            f"--from and --to are both {job.settings.target.code}: the text is copied through unchanged."
        )
        for line in lines:
            release(_unchanged(line, job))
    else:
        _translate_lines(job, lines, release, _line_streams(emit) if stream else None, done, finished)
    for notice in result_notices(job, finished, first_line=len(done) + 1):
        job.notify(notice)
    if job.output is not None:
        _replace_output(job, done + [_render(r, job.as_json, False) for r in finished])
    return finished


def _translate_lines(
    job: TranslateJob,
    lines: list[str],
    release: Callable[[SegmentResult], None],
    on_piece: Callable[[int, str], None] | None,
    done: list[str],
    finished: list[SegmentResult],
) -> None:
    """Open the model and translate `lines` through its scheduler; interrupted, keep what is finished."""
    from ..translation.batch import translate_segments
    from ..translation.translator import make_translator

    settings = job.settings
    engine = open_translation_engine(settings, segments=sum(1 for line in lines if line.strip()))
    memory = open_translation_memory(settings, job.notify)
    try:
        if engine.notice:
            job.notify(engine.notice)
        translator = make_translator(
            engine,
            settings.target,
            settings.source,
            settings.generation,
            lines=job.lines,
            glossary=settings.glossary,
            memory=memory,
        )
        translate_segments(translator, lines, on_result=release, on_piece=on_piece)
        for notice in memory_notice(finished):
            job.notify(notice)
    except (KeyboardInterrupt, BaylingError):  # a server that went away mid-run too: keep what is done
        _keep_partial(job, done, finished)
        raise
    finally:
        engine.close()
        if memory is not None:
            memory.close()


def _replace_output(job: TranslateJob, rendered: list[str]) -> None:
    """Write -o (atomically), keeping the original first with --in-place; an old OUT.partial goes."""
    assert job.output is not None
    if job.backup is not None:
        import shutil

        shutil.copy2(job.output, job.backup)
        job.notify(f"The original is kept as {job.backup}.")
    _write_output(job.output, rendered)
    drop_partial(job.output)


def _note(job: TranslateJob, lines_done: int) -> PartialNote:
    source = job.settings.source.code if job.settings.source else None
    return PartialNote(input_digest(job.lines), lines_done, job.settings.target.code, source, job.as_json)


def _resumed(job: TranslateJob) -> list[str]:
    """The rendered lines an interrupted run already wrote (--resume), else none."""
    if not job.resume or job.output is None:
        return []

    done = load_partial(job.output, _note(job, 0))
    if done:
        job.notify(f"Resuming after line {len(done)} of {len(job.lines)} (from {job.output}.partial).")
    return done


def _keep_partial(job: TranslateJob, done: list[str], finished: list[SegmentResult]) -> None:
    """Interrupted: keep what is finished as OUT.partial (for --resume); stdout already has it."""
    if job.output is None:
        return

    rendered = done + [_render(r, job.as_json, False) for r in finished if not r.cancelled]
    path = save_partial(job.output, rendered, _note(job, len(rendered)))
    job.notify(
        f"Interrupted after {len(rendered)} of {len(job.lines)} lines: they are kept in {path}; "
        "run the same command with --resume to finish."
    )


def _unchanged(line: str, job: TranslateJob) -> SegmentResult:
    code = job.settings.target.code
    return SegmentResult(
        source=line, translation=line, source_language=code, target_language=code, model="none"
    )


def _line_streams(emit: Emit) -> Callable[[int, str], None]:
    """Streams each line's pieces through its own OneLineStream (no leading blanks, no line breaks)."""
    streams: dict[int, OneLineStream] = {}

    def on_piece(index: int, piece: str) -> None:
        streams.setdefault(index, OneLineStream(emit))(piece)

    return on_piece


def plan_output(
    input_file: Path | None, output: Path | None, in_place: bool
) -> tuple[Path | None, Path | None]:
    """The output path and, when it replaces the input (--in-place only), the backup path for the input.

    An output that is the input file (also through a symlink or another spelling of the path) is refused
    without --in-place: translating a file onto itself would lose the source text.
    """
    if in_place:
        if input_file is None:
            raise UsageError("--in-place needs -i FILE: it replaces that file with its translation")
        output = output or input_file
    if output is None or input_file is None or not _same_file(input_file, output):
        if in_place:
            raise UsageError("--in-place writes over -i FILE; leave out -o, or give -o the same file")
        return output, None
    if not in_place:
        raise UsageError(
            f"-o {output} is the input file; choose another output, or add --in-place to replace it "
            "(the original is kept as FILE.orig)"
        )
    return output, free_backup_name(input_file)


def free_backup_name(path: Path) -> Path:
    """FILE.orig, or FILE.orig.1, FILE.orig.2, ... when that exists: a backup never replaces another."""
    candidate = path.with_name(path.name + ".orig")
    number = 0
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.name}.orig.{number}")
    return candidate


def _same_file(a: Path, b: Path) -> bool:
    if a.exists() and b.exists():
        return a.samefile(b)
    return a.resolve() == b.resolve()


def check_writable(path: Path) -> None:
    """Fail before any work when the output cannot be written: a temporary file is made in its folder, as
    the atomic write will (permission bits say nothing for root, nor for read-only or virtual file systems)."""
    import tempfile

    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise OutputError(f"{path} is a folder; give a file name for -o")
    if not parent.is_dir():
        raise OutputError(f"cannot write {path}: folder {parent} does not exist")
    try:
        with tempfile.NamedTemporaryFile(dir=parent, prefix=f".{path.name}.", suffix=".probe"):
            pass
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}; choose another -o path") from exc


def _render(result: SegmentResult, as_json: bool, streamed: bool) -> str:
    if as_json:
        return json.dumps(result.as_json(), ensure_ascii=False) + "\n"
    return "\n" if streamed and result.source.strip() else result.translation + "\n"


def _write_output(path: Path, rendered: list[str]) -> None:
    from ..atomic import atomic_write

    try:
        with atomic_write(path) as handle:
            for line in rendered:
                handle.write(line)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}; choose another -o path") from exc


def result_notices(job: TranslateJob, results: list[SegmentResult], first_line: int = 1) -> list[str]:
    """What stderr says after the run: segments cut at the token limit (numbered from `first_line`, the
    input line of `results[0]`), the detected source languages."""
    notices: list[str] = []
    cut = [str(first_line + i) for i, r in enumerate(results) if r.truncated]
    if cut:
        notices.append(
            f"Warning: line(s) {', '.join(cut[:20])} stopped at the token limit; raise --max-tokens to get all of it."
        )
    notices.extend(check_notices(results, first_line))
    notices.extend(glossary_summary([(f"line {first_line + i}", r.terms) for i, r in enumerate(results)]))
    if job.settings.source is not None:
        return notices
    inherited = [str(first_line + i) for i, r in enumerate(results) if r.source_inherited]
    if inherited:
        language = next(r.source_language for r in results if r.source_inherited)
        notices.append(
            f"Line(s) {', '.join(inherited[:20])} too short to tell their language: translated as {language}, "
            "the language of the rest of the text (set --from to override)."
        )
    detected = Counter(r.source_language or "unknown" for r in results if r.source.strip())
    if not detected:
        return notices
    if len(results) == 1:
        only = results[0]
        if only.source_language:
            notices.append(
                f"Source language: {only.source_language} (detected, confidence {only.detection_confidence:.2f}); "
                "set --from to override."
            )
        else:
            notices.append(
                "Source language not recognised; translating with the source unnamed (set --from)."
            )
        return notices
    summary = ", ".join(f"{code} x{n}" for code, n in detected.most_common())
    notices.append(f"Source languages detected per line: {summary}; set --from to override.")
    return notices


def check_notices(results: list[SegmentResult], first_line: int = 1) -> list[str]:
    """The output checks' part of the summary: segments retried, and those still failing (with why)."""
    retried = sum(1 for r in results if r.retries)
    failing = [f"{first_line + i} ({r.check})" for i, r in enumerate(results) if r.check and not r.cancelled]
    notices: list[str] = []
    if failing:
        more = f" and {len(failing) - 20} more" if len(failing) > 20 else ""
        notices.append(
            f"Warning: line(s) {', '.join(failing[:20])}{more} still fail the output checks; the best "
            'attempt is kept (--json marks it in "check"; a larger model or --max-retries may help).'
        )
    if retried or failing:
        translated = sum(1 for r in results if r.source.strip())
        notices.append(f"Checks: {retried} of {translated} segment(s) retried, {len(failing)} still failing.")
    return notices


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
        raise InputError("no input: give TEXT, -i FILE, or pipe text into stdin")
    return checked_lines(decode_utf8(stdin.read(), "stdin"), "stdin")
