"""Protected markers: what a segment's inline tags and placeholders become while the model translates it.

A document format replaces each piece the model must not touch (an inline tag, a code span, a URL) with a
marker and keeps the original beside it: a pair `<m1>`...`</m1>` around text that is translated (a link's
text, a bold phrase), or a single `<m2/>` for something kept whole (inline code, an image, a URL). After
translation every marker must come back exactly once and nest as in the source (`check_markers`, one of the
output checks, so a dropped or duplicated marker is retried like any other failure); what still fails is
translated run by run between the markers (`unmarked_runs`), so a file is never broken.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

MARKER = re.compile(r"<(/)?m([1-9]\d*)(?(1)|(/?))>")
"""`<m1>` opens, `</m1>` closes, `<m1/>` stands alone; `</m1/>` and `<m01>` are none of them (so the check
and the restoring agree on what is a marker)."""

Kind = Literal["open", "close", "void"]

# What a model may make of a marker without writing a valid one (`</m1/>`, `<m01>`, `< m1 >`).
_MARKER_LIKE = re.compile(r"<\s*/?\s*m\d+\s*/?\s*>")

# A URL or e-mail address inside text is kept whole: models "translate" paths and domain names.
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'`]+[^\s<>\"'`.,;:!?)\]}]|[\w.+-]+@[\w-]+\.[\w.-]*\w")


@dataclass(frozen=True)
class Marker:
    kind: Kind
    id: int

    def text(self) -> str:
        if self.kind == "open":
            return f"<m{self.id}>"
        if self.kind == "close":
            return f"</m{self.id}>"
        return f"<m{self.id}/>"


def markers_in(text: str) -> list[Marker]:
    """The markers of `text`, in order."""
    found = []
    for match in MARKER.finditer(text):
        closing, number, single = match.groups()
        kind: Kind = "close" if closing else "void" if single else "open"
        found.append(Marker(kind, int(number)))
    return found


def has_markers(text: str) -> bool:
    return MARKER.search(text) is not None


def markers_intact(source: str, output: str) -> bool:
    """Every marker of `source` is in `output` exactly once (and no other), pairs nesting as in the source.

    `source` may be one piece of a longer segment, holding only one end of a pair: the ends it closes must be
    closed first, in the source's order, and the ends it opens must be left open, in the same order, so the
    pieces join into a valid whole."""
    expected, produced = markers_in(source), markers_in(output)
    if Counter(expected) != Counter(produced) or len(_MARKER_LIKE.findall(output)) != len(produced):
        return False
    closes_first, leaves_open = _unmatched(expected)
    stack = list(reversed(closes_first))
    for marker in produced:
        if marker.kind == "open":
            stack.append(marker.id)
        elif marker.kind == "close":
            if not stack or stack[-1] != marker.id:
                return False
            stack.pop()
    return stack == leaves_open


def _unmatched(markers: list[Marker]) -> tuple[list[int], list[int]]:
    """(ids closed without being opened here, in order; ids opened and left open, in order)."""
    closes_first: list[int] = []
    stack: list[int] = []
    for marker in markers:
        if marker.kind == "open":
            stack.append(marker.id)
        elif marker.kind == "close":
            if stack and stack[-1] == marker.id:
                stack.pop()
            else:
                closes_first.append(marker.id)
    return closes_first, stack


def unmarked_runs(text: str) -> list[str]:
    """`text` cut at its markers: [text, marker, text, marker, ..., text] (even places are text, maybe "")."""
    parts: list[str] = []
    last = 0
    for match in MARKER.finditer(text):
        parts.extend([text[last : match.start()], match.group(0)])
        last = match.end()
    parts.append(text[last:])
    return parts


def strip_markers(text: str) -> str:
    """The text without its markers (what a reader would see of the words)."""
    return MARKER.sub("", text)


class MarkerTable:
    """Numbers markers for one segment and remembers what each stands for (the format's own raw text or
    object), so the translation can be put back together."""

    def __init__(self) -> None:
        self.kept: dict[int, Any] = {}
        self.next_id = 1

    def void(self, kept: Any) -> str:
        number = self._take(kept)
        return f"<m{number}/>"

    def pair(self, kept: Any) -> tuple[str, str]:
        number = self._take(kept)
        return f"<m{number}>", f"</m{number}>"

    def restore(self, text: str) -> str:
        """`text` with its markers replaced by the source text they keep: a pair's opening and closing
        pieces (kept as a tuple), a single marker's string; a marker that keeps an object (an element the
        format puts back itself) leaves nothing."""

        def replace(match: re.Match[str]) -> str:
            closing, number, _single = match.groups()
            kept = self.kept.get(int(number), match.group(0))
            if isinstance(kept, tuple):
                return str(kept[1] if closing else kept[0])
            return kept if isinstance(kept, str) else ""

        return MARKER.sub(replace, text)

    def protect_urls(self, text: str) -> str:
        """`text` with each URL and e-mail address replaced by a void marker that keeps it."""
        return _URL.sub(lambda match: self.void(match.group(0)), text)

    def _take(self, kept: Any) -> int:
        number = self.next_id
        self.next_id += 1
        self.kept[number] = kept
        return number


def literal_markers_escaped(text: str, table: MarkerTable) -> str:
    """Source text that happens to contain marker-like strings keeps them as void markers of themselves."""
    return MARKER.sub(lambda match: table.void(match.group(0)), text)


def check_markers(source: str, output: str) -> str | None:
    """`markers` when the output lost, duplicated or misnested a marker of the source."""
    if not has_markers(source):
        return None
    return None if markers_intact(source, output) else "markers"
