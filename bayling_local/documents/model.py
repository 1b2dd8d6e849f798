"""What every document format provides: its segments (one line of text each, inline markup as protected
markers) and a way to write the document back with their translations."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DocumentError
from ..language.names import Language
from ..translation.markers import MarkerTable, markers_intact

BOM = b"\xef\xbb\xbf"
KNOWN_WRONG = {
    "empty": "the model gave no translation",
    "repetition": "the model repeated itself in a loop",
    "prompt-example": "the model answered with an example sentence",
    "echo": "the model gave it back untranslated",
    "wrong-language": "the translation is in another language",
    "wrong-script": "the translation is not in the target language's script",
}
"""Checks (`translation.checks`) whose failure means the translation is wrong, not merely doubtful: such a
segment is never written into a file as if it were good. A document keeps its source text there, a
localization file leaves the string untranslated; both name it. (Doubtful ones, a length outside the
usual band, a missed glossary term, leftover commentary, are written and named.)"""


@dataclass
class Segment:
    """One piece of a document that is translated on its own."""

    text: str
    """One line, no leading or trailing blanks, inline markup as markers (`translation.markers`)."""
    location: str
    """Where it is, as a user would look for it: `line 12`, `cue 4`, `paragraph 3`, `<img alt> line 7`."""
    table: MarkerTable = field(default_factory=MarkerTable, repr=False)
    """What this segment's markers stand for."""
    note: str = ""
    """What the text is, for the model (a PO entry's context and comments); empty for most formats."""


@dataclass
class Restored:
    """A segment's translation as the document will hold it."""

    text: str
    kept_source: bool = False
    """True when the translation could not be used (markers broken, e.g. after a cancel) and the source
    text stays in its place instead."""


class Document(ABC):
    """A parsed document. `segments` is filled by the format's reader."""

    format: str = ""
    binary: bool = False
    """Written as bytes that cannot go to a terminal (DOCX)."""
    bom: bool = False
    """The input began with a UTF-8 byte-order mark: the output does too."""
    translated_by: str = "bayling-local"
    """The model's name, for formats that record it (PO's `#. bayling-local: MODEL`)."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.segments: list[Segment] = []
        self.checks: list[str | None] = []
        """Each segment's output check still failing after its retries, set by the run before `output`
        (localization files leave a string untranslated rather than write an echo)."""
        self.skipped: list[str] = []
        """Places whose text could not be found in the source exactly (left as they are; the run says so)."""

    def add(self, text: str, location: str, table: MarkerTable | None = None) -> Segment:
        segment = Segment(text, location, table or MarkerTable())
        self.segments.append(segment)
        return segment

    @abstractmethod
    def render(self, translations: Sequence[str], target: Language) -> bytes:
        """The document with segment i's text replaced by `translations[i]` (marker strings), as bytes."""

    def prepare(self, target: Language) -> None:
        """Fill `segments` for this target, for formats whose strings depend on it (plural forms); the
        others are filled when read."""
        return None

    def summary(self) -> str:
        """What became of the file's entries, for formats that count entries rather than segments."""
        return ""

    def untranslated(self) -> list[tuple[str, str]]:
        """After `output`: the strings written back untranslated, as (place, why): `placeholders` (they
        could not be kept) or `left untranslated` (the translation failed its checks)."""
        return []

    def kept_wrong(self) -> list[tuple[str, str]]:
        """The segments written in their source text because their translation is known to be wrong, as
        (place, check)."""
        return [
            (segment.location, check)
            for segment, check in zip(self.segments, self._checks(), strict=True)
            if check in KNOWN_WRONG
        ]

    def _checks(self) -> list[str | None]:
        return self.checks if len(self.checks) == len(self.segments) else [None] * len(self.segments)

    def output(self, translations: Sequence[str], target: Language) -> bytes:
        """`render`, with the byte-order mark the input began with (decoding took it off); a segment whose
        translation is known to be wrong (`checks`, `KNOWN_WRONG`) keeps its source text."""
        kept = [
            segment.text if check in KNOWN_WRONG else text
            for segment, text, check in zip(self.segments, translations, self._checks(), strict=True)
        ]
        data = self.render(kept, target)
        return BOM + data if self.bom and not data.startswith(BOM) else data

    def name(self) -> str:
        return str(self.path) if self.path is not None else "the input"


def usable(segment: Segment, translation: str) -> Restored:
    """The translation when its markers are whole, else the source (never a broken document)."""
    if translation.strip() and markers_intact(segment.text, translation):
        return Restored(translation.strip())
    return Restored(segment.text, kept_source=bool(segment.text))


class AlreadyTranslatedError(DocumentError):
    """A localization file already translated into another language than the one asked for: translating it
    would leave a mix of the two under the new language's label (unless every entry is translated anew)."""

    def __init__(self, message: str, entries: str) -> None:
        super().__init__(message)
        self.entries = entries
        """What the format calls its entries (`entry`, `unit`), for a front-end's own advice."""


def fail(document: Path | None, place: str, problem: str) -> DocumentError:
    """The one-line error for a document that cannot be read: file, place, what is wrong."""
    where = f"{document}" if document is not None else "the input"
    return DocumentError(f"{where}: {place}: {problem}" if place else f"{where}: {problem}")


SPACE = " \t\n\r\f"
"""The white space markup collapses (not U+00A0: a no-break space is kept as written)."""
_SPACES = re.compile(f"[{SPACE}]+")


def collapse(text: str) -> str:
    """White space runs as single spaces, none at the ends: how a reader sees text."""
    return _SPACES.sub(" ", text).strip(SPACE)


def language_tag(language: Language) -> str:
    """The BCP 47 tag documents carry (`fr`, `zh-Hant`, `ary`): ISO 639-1 when there is one."""
    from ..language.names import bcp47

    return bcp47(language)
