"""One way for every route to run texts through the translation core: lease the model, translate the lines
(batched with every other client, checked and retried), cancel on timeout or when the client goes."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..detect import document_language
from ..errors import UsageError
from ..languages import Language
from ..translation.markers import strip_markers

if TYPE_CHECKING:
    from ..translation.glossary import Glossary
    from ..translation.translator import SegmentResult
    from .pool import Lease
    from .state import ServerState


@dataclass
class TranslationRun:
    """What to translate and where its results go."""

    lines: Sequence[str]
    target: Language
    source: Language | None
    glossary: Glossary | None = None
    on_piece: Callable[[int, str], None] | None = None
    """Each segment's first attempt as it is generated (drafts: a display replaces them with the results)."""
    on_result: Callable[[SegmentResult], None] | None = None
    cancel: threading.Event = field(default_factory=threading.Event)
    notes: dict[int, str] = field(default_factory=dict)
    """What a line is, by its index (a PO entry's context), for the model."""
    background: bool = False
    """A document job: it keeps at most half the model's slots busy, so text translations and chats sent
    meanwhile start at once instead of waiting behind the whole document."""
    notice: str | None = None
    """Something the user should know about the run (a glossary without the target's column)."""


def run_lines(state: ServerState, lease: Lease, run: TranslationRun) -> list[SegmentResult]:
    """Translate `run.lines` on the leased model (blocking: call it from a worker thread). With no source
    language a short line among others takes theirs."""
    from ..translation.batch import translate_segments
    from ..translation.translator import Translator

    translator = Translator(lease.engine, run.target, run.source, state.generation, glossary=run.glossary)
    translator.notes = run.notes
    if run.source is None:
        translator.fallback = document_language([strip_markers(line) for line in run.lines])
    results = translate_segments(
        translator,
        run.lines,
        on_result=run.on_result,
        on_piece=run.on_piece,
        cancel=run.cancel,
        progress=False,
        drafts=run.on_piece is not None,
        max_in_flight=max(1, lease.engine.slots // 2) if run.background else None,
    )
    if state.metrics is not None:
        state.metrics.record_translation(results)
    return results


def page_glossary(
    fields: dict[str, Any], source: Language | None, target: Language
) -> tuple[Glossary | None, str | None]:
    """The web page's glossary: one without the target language's column is left out with a notice (the
    user switched languages), rather than refusing the translation."""
    from ..translation.glossary import GlossaryLanguageError
    from .libre_api import request_glossary

    try:
        return request_glossary(fields, source, target), None
    except UsageError as exc:
        cause = exc.__cause__
        if isinstance(cause, GlossaryLanguageError):
            return (
                None,
                f"The glossary has no {target.name} column (it has {cause.columns}), so it was not used.",
            )
        raise


def detected(results: Sequence[SegmentResult]) -> tuple[Language, float] | None:
    """The language the translated text was detected as, with its confidence (the first segment with text
    speaks for the whole, as the translator's fallback does)."""
    from ..detect import MIN_CONFIDENCE
    from ..languages import BY_CODE

    found = next((r for r in results if r.source.strip()), None)
    if found is None or found.source_language is None:
        return None
    return BY_CODE[found.source_language], found.detection_confidence or MIN_CONFIDENCE


def term_summary(results: Sequence[SegmentResult]) -> list[dict[str, object]]:
    """Every glossary or keep term met in the text, once each: how often it was met and how often the
    translation used it."""
    seen: dict[tuple[str, str], list[int]] = {}
    for result in results:
        for record in result.terms:
            counts = seen.setdefault((str(record.get("source", "")), str(record.get("target", ""))), [0, 0])
            counts[0] += 1
            counts[1] += bool(record.get("found"))
    return [
        {"source": source, "target": target, "seen": met, "used": used}
        for (source, target), (met, used) in seen.items()
    ]
