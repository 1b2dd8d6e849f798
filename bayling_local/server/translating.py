"""One way for the text routes (LibreTranslate's `/translate`, the web page's `/api/translate`) to run lines
through the translation core: translate them on the leased model (batched with every other client, checked
and retried), cancelled on timeout or when the client goes. Documents go through
`runs.translate_document` (`files_api`)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..language.names import Language

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
    notice: str | None = None
    """Something the user should know about the run (a glossary without the target's column)."""


def run_lines(state: ServerState, lease: Lease, run: TranslationRun) -> list[SegmentResult]:
    """Translate `run.lines` on the leased model (blocking: call it from a worker thread). With no source
    language a short line among others takes theirs."""
    from ..translation.batch import translate_segments
    from ..translation.translator import make_translator

    translator = make_translator(
        lease.engine,
        run.target,
        run.source,
        state.generation,
        lines=run.lines,
        glossary=run.glossary,
    )
    results = translate_segments(
        translator,
        run.lines,
        on_result=run.on_result,
        on_piece=run.on_piece,
        cancel=run.cancel,
        progress=False,
        drafts=run.on_piece is not None,
    )
    if state.metrics is not None:
        state.metrics.record_translation(results)
    return results


def detected(results: Sequence[SegmentResult]) -> tuple[Language, float] | None:
    """The language the translated text was detected as, with its confidence (the first segment with text
    speaks for the whole, as the translator's fallback does)."""
    from ..language.detect import MIN_CONFIDENCE
    from ..language.names import BY_CODE

    found = next((r for r in results if r.source.strip()), None)
    if found is None or found.source_language is None:
        return None
    return BY_CODE[found.source_language], found.detection_confidence or MIN_CONFIDENCE
