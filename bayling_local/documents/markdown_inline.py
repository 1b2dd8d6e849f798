"""Where markdown-it-py found each inline construct in a block's source, and that source as marked text.

markdown-it-py gives block tokens line numbers but inline tokens no positions. Its inline rules are wrapped
here so each successful rule call records the span of source it consumed (`Hit`); from those spans the
block's raw inline source is cut into text the model translates and pieces kept byte for byte: code spans,
autolinks, inline HTML, math, footnote references and entities whole (void markers); a link's or image's
`[`/`![` and `](destination "title")` around its translated text (a marker pair); emphasis delimiters that
markdown-it matched (`**`, `_`, `~~`) as marker pairs too. Nothing is re-rendered: the output is the source
with only the text between those pieces replaced.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from ..translation.markers import MarkerTable, literal_markers_escaped
from .lines import shares

HITS = "bayling_local_hits"
"""The env key of {id(inline token): (token, hits)}: what the wrapped rules found in each inline token."""
_CURRENT = "bayling_local_current"

_KEPT_WHOLE = {
    "backticks",
    "autolink",
    "html_inline",
    "entity",
    "math_inline",
    "footnote_ref",
    "footnote_inline",
}
_DELIMITERS = {"emphasis", "strikethrough"}


@dataclass
class Hit:
    rule: str
    start: int
    end: int
    tokens: list[Token] = field(default_factory=list)
    label_end: int = -1
    """For links and images: where the bracketed text ends (the `]`)."""
    kinds: list[tuple[str, str]] = field(default_factory=list)
    """(type, content) of each token it pushed once emphasis was matched (before text runs are merged)."""


def track_positions(md: MarkdownIt) -> MarkdownIt:
    """Wrap `md`'s inline rules so each files a `Hit` for what it consumed in the inline token being parsed
    (only that token's own parse: an image's text is parsed apart, into a token list of its own)."""
    for rule in md.inline.ruler.__rules__:
        rule.fn = _tracked(rule.name, rule.fn)
    md.inline.ruler.__cache__ = None
    for after in md.inline.ruler2.__rules__:
        if after.name == "fragments_join":  # it merges the delimiter tokens whose state is read here
            after.fn = _snapshot_before(after.fn)
    md.inline.ruler2.__cache__ = None
    for core in md.core.ruler.__rules__:
        if core.name == "inline":
            core.fn = _parse_inlines
    md.core.ruler.__cache__ = None
    return md


def _parse_inlines(state: Any) -> None:
    """markdown-it's core `inline` rule, telling the wrapped rules which inline token is being parsed."""
    book = state.env.get(HITS)
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            if book is not None:
                hits: list[Hit] = []
                book[id(token)] = (token, hits)
                state.env[_CURRENT] = (token.children, hits)
            state.md.inline.parse(token.content, state.md, state.env, token.children)
    state.env.pop(_CURRENT, None)


def _current_hits(state: StateInline) -> list[Hit] | None:
    current = state.env.get(_CURRENT)
    return current[1] if current is not None and current[0] is state.tokens else None


def _tracked(name: str, rule: Callable[[StateInline, bool], bool]) -> Callable[[StateInline, bool], bool]:
    def tracked(state: StateInline, silent: bool) -> bool:
        start, before, pending = state.pos, len(state.tokens), bool(state.pending)
        matched = rule(state, silent)
        hits = _current_hits(state) if matched and not silent else None
        if hits is not None:
            # The first token a rule pushes after literal text is that text, flushed: not the rule's.
            hit = Hit(name, start, state.pos, state.tokens[before + (1 if pending else 0) :])
            if name in ("link", "image"):
                hit.label_end = _label_end(state, start + (1 if name == "image" else 0))
            hits.append(hit)
        return matched

    return tracked


def _snapshot_before(rule: Callable[[StateInline], None]) -> Callable[[StateInline], None]:
    def snapshot(state: StateInline) -> None:
        for hit in _current_hits(state) or []:
            hit.kinds = [(token.type, token.content) for token in hit.tokens]
        rule(state)

    return snapshot


def _label_end(state: StateInline, bracket: int) -> int:
    end = state.pos
    found = state.md.helpers.parseLinkLabel(state, bracket, True)
    state.pos = end
    return found


@dataclass
class MarkedInline:
    """A block's inline source as the model sees it, and what its markers keep."""

    text: str
    """One line: soft line breaks as spaces."""
    table: MarkerTable
    breaks: list[float]
    """Where the source's soft line breaks fall (share of the visible text), to put them back."""


def marked(
    raw: str, hits: list[Hit], url_guard: bool = True, parse_alt: Callable[[str], list[Hit]] | None = None
) -> MarkedInline:
    """The marked text of one block's inline source `raw`, from the rule hits of its parse; `parse_alt`
    finds the constructs inside an image's text (code, emphasis), which its paragraph's parse does not."""
    table = MarkerTable()
    events = _events(raw, _with_alt_hits(raw, hits, parse_alt), table)
    pieces: list[str] = []
    position = 0
    for start, end, marker in events:
        pieces.append(_text(raw[position:start], table, url_guard))
        pieces.append(marker)
        position = end
    pieces.append(_text(raw[position:], table, url_guard))
    lines = [line.strip() for line in "".join(pieces).split("\n")]
    return MarkedInline(" ".join(line for line in lines if line), table, shares(lines))


def _text(raw: str, table: MarkerTable, url_guard: bool) -> str:
    raw = literal_markers_escaped(raw, table)
    return table.protect_urls(raw) if url_guard else raw


def _events(raw: str, hits: list[Hit], table: MarkerTable) -> list[tuple[int, int, str]]:
    """(start, end, marker) for every kept piece of `raw`, in order, none inside another kept whole."""
    events: list[tuple[int, int, str]] = []
    whole: list[tuple[int, int]] = []
    for hit in sorted(hits, key=lambda h: (h.start, -h.end)):
        if any(start <= hit.start < end for start, end in whole):
            continue
        if hit.rule in _KEPT_WHOLE or hit.rule in ("link", "image") and not _has_own_text(raw, hit):
            whole.append((hit.start, hit.end))
            events.append((hit.start, hit.end, table.void(_one_line(raw[hit.start : hit.end]))))
        elif hit.rule in ("link", "image"):
            text_start = hit.start + (2 if hit.rule == "image" else 1)
            opening, closing = table.pair(
                (raw[hit.start : text_start], _one_line(raw[hit.label_end : hit.end]))
            )
            events.append((hit.start, text_start, opening))
            events.append((hit.label_end, hit.end, closing))
        elif hit.rule in ("newline", "escape") and _hard_break(raw, hit) is not None:
            start = _hard_break(raw, hit) or 0
            events.append((start, hit.end, table.void(raw[start : hit.end])))
    events.extend(_emphasis_events(raw, hits, table))
    events.sort(key=lambda event: (event[0], event[1]))
    return events


def _with_alt_hits(raw: str, hits: list[Hit], parse_alt: Callable[[str], list[Hit]] | None) -> list[Hit]:
    """`hits` and, moved to their place in `raw`, the hits inside each image's text."""
    if parse_alt is None:
        return [hit for hit in hits if not _inside_image(hit, hits)]
    found = list(hits)
    for hit in hits:
        if hit.rule == "image" and _has_own_text(raw, hit):
            offset = hit.start + 2
            for inner in parse_alt(raw[offset : hit.label_end]):
                label_end = inner.label_end + offset if inner.label_end >= 0 else -1
                found.append(
                    Hit(
                        inner.rule,
                        inner.start + offset,
                        inner.end + offset,
                        inner.tokens,
                        label_end,
                        inner.kinds,
                    )
                )
    return found


def _inside_image(hit: Hit, hits: list[Hit]) -> bool:
    return any(other.rule == "image" and other.start + 2 <= hit.start < other.label_end for other in hits)


def _has_own_text(raw: str, hit: Hit) -> bool:
    """A link whose bracketed text is not also its reference label (`[text](url)`, `[text][ref]`); in a
    shortcut reference `[label]` translating the text would break the link."""
    if hit.label_end < 0:
        return False
    after = raw[hit.label_end + 1 : hit.end]
    return after.startswith("(") or after.startswith("[") and after != "[]"


def _hard_break(raw: str, hit: Hit) -> int | None:
    """Where a line break the reader sees starts (two spaces or a backslash before the newline), kept as it
    is; None for a soft break or an escape of something else."""
    if hit.rule == "escape":
        return hit.start if raw[hit.start : hit.start + 2] == "\\\n" else None
    start = hit.start
    while start > 0 and raw[start - 1] == " ":
        start -= 1
    return start if hit.start - start >= 2 else None


def _one_line(raw: str) -> str:
    """A kept piece spanning lines (a code span, a long link) on one line: the same to a Markdown reader."""
    return " ".join(raw.split("\n")) if "\n" in raw else raw


def _emphasis_events(raw: str, hits: list[Hit], table: MarkerTable) -> list[tuple[int, int, str]]:
    """Marker pairs for the delimiter runs markdown-it matched as emphasis or strike-through."""
    runs = _delimiter_runs(hits)
    events: list[tuple[int, int, str]] = []
    stack: list[tuple[int, int]] = []
    for start, end, direction in runs:
        if direction == "open":
            stack.append((start, end))
        elif direction == "close" and stack:
            open_start, open_end = stack.pop()
            opening, closing = table.pair((raw[open_start:open_end], raw[start:end]))
            events.extend([(open_start, open_end, opening), (start, end, closing)])
    return events


def _delimiter_runs(hits: list[Hit]) -> list[tuple[int, int, str]]:
    """(start, end, open|close|mixed) for each run of adjacent delimiter characters markdown-it matched."""
    chars: list[tuple[int, int, str]] = []  # (position, width, "open" | "close" | "" for a strong's partner)
    for hit in hits:
        if hit.rule not in _DELIMITERS:
            continue
        position = hit.start
        for kind, content in hit.kinds:
            matched = kind != "text"
            width = 1 if hit.rule == "emphasis" else 2 if matched else len(content)
            if matched or not content:
                chars.append((position, width, kind.rsplit("_", 1)[-1] if matched else ""))
            position += width
    runs: list[list[Any]] = []
    for position, width, kind in sorted(chars):
        last = runs[-1] if runs else None
        if last is not None and last[1] == position and (not kind or not last[2] or last[2] == kind):
            last[1], last[2] = position + width, last[2] or kind
        else:
            runs.append([position, position + width, kind])
    return [(start, end, kind or "mixed") for start, end, kind in runs]
