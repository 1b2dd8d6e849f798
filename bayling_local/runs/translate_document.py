"""One document through the translation core and back into its file: the step `translate -i FILE`, a folder
run and the server's file jobs (`/api/files`, LibreTranslate's `/translate_file`) share.

The document's segments are translated together (batched, checked and retried, each with its note), the
checks they still fail handed to the document (a localization file leaves such a string untranslated), and
the document written back. A cancelled translation writes nothing: never half a document.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..config import GenerationConfig
from ..documents.model import Document, fail
from ..errors import BaylingError
from ..language.names import Language
from ..translation.batch import translate_segments
from ..translation.translator import SegmentResult, make_translator

if TYPE_CHECKING:
    from ..engine.protocol import EngineLike
    from ..translation.glossary import Glossary
    from ..translation.memory import TranslationMemory


@dataclass
class DocumentTranslation:
    """What one document's translation asks for, besides the document and the model."""

    target: Language
    source: Language | None
    """None: each segment's language is detected (a short one takes the document's)."""
    generation: GenerationConfig
    glossary: Glossary | None = None
    memory: TranslationMemory | None = None
    on_result: Callable[[SegmentResult], None] | None = None
    """Each segment's result as it is released (progress)."""
    cancel: threading.Event | None = None
    """Set it to stop: the segments in flight stop within a decode step and nothing is written."""
    max_in_flight: int | None = None
    """At most this many segments with the scheduler at once (a server's background job leaves slots free)."""
    translated_by: str | None = None
    """The model's name as formats record it (PO's `Last-Translator`); None: the engine's name."""

    @property
    def copies(self) -> bool:
        """The source and target language are the same: the document is copied, not translated."""
        return self.source is not None and self.source == self.target


@dataclass
class TranslatedDocument:
    """A document's segments' results and the file they made."""

    results: list[SegmentResult]
    """One per segment; none when nothing was translated (no text, or the same language)."""
    data: bytes | None
    """The translated file; None when the translation was cancelled."""


def translate_document(
    document: Document, engine: EngineLike | None, how: DocumentTranslation
) -> TranslatedDocument:
    """Translate `document`'s segments with `engine` (None only when there is nothing to translate) and write
    the document back with them; a writer's own failure is one line naming the file, never a traceback."""
    texts = [segment.text for segment in document.segments]
    results: list[SegmentResult] = []
    if texts and not how.copies:
        if engine is None:
            raise ValueError("a document with text to translate needs an engine")
        document.translated_by = how.translated_by or engine.name
        notes = {i: segment.note for i, segment in enumerate(document.segments) if segment.note}
        translator = make_translator(
            engine,
            how.target,
            how.source,
            how.generation,
            lines=texts,
            glossary=how.glossary,
            notes=notes,
            memory=how.memory,
        )
        results = translate_segments(
            translator,
            texts,
            on_result=how.on_result,
            cancel=how.cancel,
            progress=False,
            max_in_flight=how.max_in_flight,
        )
        if len(results) < len(texts) or any(result.cancelled for result in results):
            return TranslatedDocument(results, None)
        document.checks = [result.check for result in results]
    translations = [result.translation for result in results] if results else texts
    try:
        return TranslatedDocument(results, document.output(translations, how.target))
    except BaylingError:
        raise
    except Exception as exc:  # never expected; one file must not end a folder run (or a job) with a traceback
        raise fail(
            document.path, "", f"could not be written back ({type(exc).__name__}: {exc}); please report this"
        ) from exc
