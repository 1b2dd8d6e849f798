"""Subtitles: SRT (checked with `srt`) and WebVTT (checked with `webvtt-py`).

Cue count, numbers, identifiers, timings, settings (`align:start`, `{\\an8}`) and styling tags (`<i>`, `<c.x>`,
`<v Bob>`) stay as they are; only the cue text changes. A sentence running over several cues is translated
as one segment and split back over its cues in proportion to their lengths; each cue keeps its line count
where the translation allows (broken at the best word boundary), and a one-line cue longer than the width
(`[documents] subtitle_width`, 42 characters) becomes two lines, never more.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..language.names import Language
from ..textio import decode_utf8
from ..translation.markers import MarkerTable, literal_markers_escaped
from .lines import best_split, shares, unspaced, wrap_to
from .model import Document, fail, usable

SUBTITLE_WIDTH = 42
"""Characters a subtitle line holds (the usual broadcast limit)."""
# A cue ending like this ends its sentence; otherwise the sentence goes on into the next cue (up to a few).
_SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’»)\]]*\s*$|[♪]\s*$")
MAX_CUES_PER_SENTENCE = 4
_TAG = re.compile(r"<[^<>\n]+>|\{\\[^{}\n]*\}")


@dataclass
class _Cue:
    number: int
    text_lines: list[int]
    """Indices of the cue's text lines in the file."""


class SubtitleDocument(Document):
    def __init__(self, path: Path | None, source: str, kind: str, width: int = SUBTITLE_WIDTH) -> None:
        super().__init__(path)
        self.format = kind
        self.width = width
        self.lines = source.splitlines(keepends=True)
        self.cues = _cues(self.lines, kind == "vtt")
        _validate(path, source, kind, len(self.cues), self.lines)
        self.groups: list[list[_Cue]] = []
        for group in _sentences(self.cues, self.lines):
            table = MarkerTable()
            texts = [_marked(" ".join(self._text(cue)), table) for cue in group]
            self.add(" ".join(texts), _location(group), table)
            self.groups.append(group)

    def _text(self, cue: _Cue) -> list[str]:
        return [self.lines[i].strip() for i in cue.text_lines]

    def _visible(self, cue: _Cue) -> list[str]:
        """The cue's lines as a viewer sees them (no styling tags): what line lengths are measured on."""
        return [_TAG.sub("", line) for line in self._text(cue)]

    def render(self, translations: Sequence[str], target: Language) -> bytes:
        lines = list(self.lines)
        for segment, group, translation in zip(self.segments, self.groups, translations, strict=True):
            text = usable(segment, translation).text
            anywhere = unspaced(text)
            parts = self._spread(text, group, anywhere)
            for cue, part in zip(group, parts, strict=True):
                self._fill(lines, cue, part, segment.table, anywhere)
        return "".join(lines).encode("utf-8")

    def _spread(self, text: str, group: list[_Cue], anywhere: bool) -> list[str]:
        """The translation cut into one part per cue, in proportion to the cues' source lengths."""
        if len(group) == 1:
            return [text]
        breaks = shares([" ".join(self._visible(cue)) for cue in group])
        parts = wrap_to(text, breaks, anywhere)
        if len(parts) < len(group):
            parts = wrap_to(text, breaks, True)
        return parts + ["…"] * (len(group) - len(parts))

    def _fill(self, lines: list[str], cue: _Cue, part: str, table: MarkerTable, anywhere: bool) -> None:
        count = len(cue.text_lines)
        if count > 1:
            new = wrap_to(part, shares(self._visible(cue)), anywhere)
        else:
            new = best_split(part, self.width, anywhere)
        ending = _ending(lines[cue.text_lines[0]])
        last = lines[cue.text_lines[-1]]
        final = last[len(last.rstrip("\r\n")) :]  # none when the file ends on this line without one
        text = ending.join(table.restore(line) for line in new) + final
        first, *rest = cue.text_lines
        lines[first] = text
        for index in rest:
            lines[index] = ""


def _cues(lines: list[str], vtt: bool) -> list[_Cue]:
    """The cues of the file: blocks (between blank lines) with a timing line; their text is what follows it."""
    cues: list[_Cue] = []
    block: list[int] = []
    for index, line in enumerate([*lines, ""]):
        if line.strip():
            block.append(index)
            continue
        timing = next((i for i in block if "-->" in lines[i]), None)
        if timing is not None and not (vtt and lines[block[0]].startswith(("NOTE", "STYLE", "REGION"))):
            text = [i for i in block if i > timing]
            if text:
                cues.append(_Cue(len(cues) + 1, text))
        block = []
    return cues


def _validate(path: Path | None, source: str, kind: str, found: int, lines: list[str]) -> None:
    """The format's own parser must read the file, and see as many cues as there are blocks with text."""
    if kind == "srt":
        import srt

        try:
            parsed = list(srt.parse(source))
        except srt.SRTParseError as exc:
            line = source[: exc.expected_start].count("\n") + 1
            snippet = exc.unmatched_content.strip().splitlines()[:2]
            raise fail(
                path, f"line {line}", f"not a subtitle cue (bad number or timestamp): {' | '.join(snippet)!r}"
            ) from exc
        except ValueError as exc:
            raise fail(path, "", f"not an SRT file ({exc})") from exc
        count = sum(1 for cue in parsed if cue.content.strip())
    else:
        import webvtt

        try:
            count = len([c for c in webvtt.from_string(source).captions if c.text.strip()])
        except Exception as exc:  # webvtt-py raises several of its own types, all for a malformed file
            raise fail(path, "", f"not a WebVTT file ({exc})") from exc
    if count != found:
        bad = _bad_timing(lines, kind == "vtt")
        place = f"line {bad + 1}" if bad is not None else ""
        raise fail(path, place, f"a cue's timing line cannot be read ({count} of {found} cues parse)")


_VTT_TIME = r"(?:\d{2,}:)?\d{2}:\d{2}\.\d{3}"
_SRT_TIME = r"\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}"


def _bad_timing(lines: list[str], vtt: bool) -> int | None:
    time = _VTT_TIME if vtt else _SRT_TIME
    pattern = re.compile(rf"^\s*{time}\s+-->\s+{time}(?:\s|$)")
    return next((i for i, line in enumerate(lines) if "-->" in line and not pattern.match(line)), None)


def _sentences(cues: list[_Cue], lines: list[str]) -> list[list[_Cue]]:
    """Cues grouped into sentences: a cue not ending its sentence joins the next (at most a few together)."""
    groups: list[list[_Cue]] = []
    current: list[_Cue] = []
    for cue in cues:
        current.append(cue)
        last_text = lines[cue.text_lines[-1]].strip()
        ends = _SENTENCE_END.search(_TAG.sub("", last_text)) is not None
        if ends or len(current) >= MAX_CUES_PER_SENTENCE:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def _marked(text: str, table: MarkerTable) -> str:
    """Cue text with its styling tags as markers: pairs when they open and close in order, else single."""
    text = literal_markers_escaped(text, table)
    pieces: list[str] = []
    opened: list[tuple[int, str]] = []  # (index in pieces, tag name)
    last = 0
    for match in _TAG.finditer(text):
        pieces.append(text[last : match.start()])
        tag = match.group(0)
        name = re.match(r"</?([\w]+)", tag)
        if tag.startswith("</") and name and opened and opened[-1][1] == name.group(1):
            index, _ = opened.pop()
            opening, closing = table.pair((pieces[index], tag))
            pieces[index] = opening
            pieces.append(closing)
        elif name and not tag.startswith("</") and not tag.endswith("/>") and tag[1:2].isalpha():
            opened.append((len(pieces), name.group(1)))
            pieces.append(tag)
        else:
            pieces.append(table.void(tag))
        last = match.end()
    pieces.append(text[last:])
    for index, _name in opened:  # opened here, closed in another cue: kept where it is
        pieces[index] = table.void(pieces[index])
    return table.protect_urls("".join(pieces)) if "://" in text else "".join(pieces)


def _ending(line: str) -> str:
    return "\r\n" if line.endswith("\r\n") else "\n"  # also for a last line without one: lines need one


def _location(group: list[_Cue]) -> str:
    if len(group) == 1:
        return f"cue {group[0].number}"
    return f"cues {group[0].number}-{group[-1].number}"


def read_subtitles(
    data: bytes, path: Path | None, kind: str, width: int = SUBTITLE_WIDTH
) -> SubtitleDocument:
    text = decode_utf8(data, str(path) if path else "the input")
    if kind == "vtt" and not text.lstrip("\ufeff").startswith("WEBVTT"):
        raise fail(path, "line 1", "a WebVTT file starts with WEBVTT")
    return SubtitleDocument(path, text, kind, width)
