"""Putting a one-line translation back over several lines: a hard-wrapped Markdown paragraph keeps its line
count, a two-line subtitle stays two lines. Breaks go at word boundaries outside markers, as near as they can
to where the source's breaks fall (as a share of the text's length)."""

from __future__ import annotations

import bisect
import unicodedata
from collections.abc import Sequence

from ..translation.markers import MARKER


def shares(lines: Sequence[str]) -> list[float]:
    """Where each line break of `lines` falls, as a share of the whole text's visible length."""
    lengths = [len(_visible(line)) + 1 for line in lines]
    total = sum(lengths) or 1
    points, running = [], 0
    for length in lengths[:-1]:
        running += length
        points.append(running / total)
    return points


def wrap_to(text: str, breaks: Sequence[float], split_anywhere: bool = False) -> list[str]:
    """`text` cut into `len(breaks) + 1` lines at the word boundaries nearest each share in `breaks`; fewer
    lines when there are not enough boundaries. `split_anywhere` allows breaks between any two characters
    (scripts written without spaces, where subtitles break between characters)."""
    candidates = _boundaries(text, split_anywhere)
    if not breaks or not candidates:
        return [text]
    visible = _visible_offsets(text)
    length = visible[-1] or 1
    keys = [visible[position] for position in candidates]
    chosen: list[int] = []
    for share in breaks:
        start = bisect.bisect_right(candidates, chosen[-1]) if chosen else 0
        if start >= len(candidates):
            break
        goal = share * length
        best = min(range(start, len(candidates)), key=lambda i: abs(keys[i] - goal))
        chosen.append(candidates[best])
    lines, last = [], 0
    for position in chosen:
        lines.append(text[last:position].rstrip())
        last = position
    lines.append(text[last:].strip())
    return [line for line in lines if line] or [text]


def best_split(text: str, width: int, split_anywhere: bool = False) -> list[str]:
    """One line if it fits `width`, else two balanced lines (a subtitle never gets a third)."""
    if len(_visible(text)) <= width:
        return [text]
    return wrap_to(text, [0.5], split_anywhere)


def unspaced(text: str) -> bool:
    """Text of a script written without spaces (Chinese, Japanese, Thai ...): few spaces for its letters."""
    letters = sum(1 for char in text if char.isalpha())
    return letters >= 4 and text.count(" ") * 12 < letters


def _visible(text: str) -> str:
    return MARKER.sub("", text)


def _visible_offsets(text: str) -> list[int]:
    """For every position of `text`, how many visible characters come before it (markers count nothing)."""
    offsets = [0] * (len(text) + 1)
    inside = _marker_positions(text)
    count = 0
    for position, _char in enumerate(text):
        offsets[position] = count
        if position not in inside:
            count += 1
    offsets[len(text)] = count
    return offsets


def _marker_positions(text: str) -> set[int]:
    return {i for match in MARKER.finditer(text) for i in range(match.start(), match.end())}


def _boundaries(text: str, split_anywhere: bool) -> list[int]:
    """Positions a new line may start at: after a space (outside markers), or between two characters of an
    unspaced script when `split_anywhere`."""
    inside = _marker_positions(text)
    found = []
    for position in range(1, len(text)):
        if position in inside or position - 1 in inside and text[position - 1] != ">":
            continue
        before, char = text[position - 1], text[position]
        after_space = before == " " and char != " "
        between_letters = split_anywhere and before != " " and char != " " and not _closing(char)
        if after_space or between_letters:
            found.append(position)
    return found


def _closing(char: str) -> bool:
    """Punctuation that must not start a line (a full stop, a closing bracket)."""
    return unicodedata.category(char) in ("Po", "Pe", "Pf")
