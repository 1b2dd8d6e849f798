"""Markdown (CommonMark with tables, strike-through, footnotes, front matter and `$math$`), parsed with
markdown-it-py and mdit-py-plugins.

Translated: headings, paragraphs (in lists, block quotes and footnotes too), table cells, link text, image
alt text, and the front-matter values of `title` and `description`. Kept byte for byte: code (fenced,
indented, inline), URLs, link reference definitions, HTML, math, front-matter keys and other values. The
output is the source with only the translated spans replaced; a hard-wrapped paragraph is wrapped again over
its own lines (with their `> ` or list indentation), except in scripts written without spaces.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..language.names import Language
from ..textio import decode_utf8
from ..translation.markers import strip_markers
from .lines import unspaced, wrap_to
from .markdown_inline import HITS, MarkedInline, marked, track_positions
from .model import Document, fail, usable

FRONT_MATTER_KEYS = ("title", "description")
"""Front-matter keys whose values are translated (`[documents] front_matter_keys` changes them)."""


@dataclass
class _Span:
    """Where one segment's text lies in the source: a column range on each of its lines."""

    lines: list[tuple[int, int, int]]
    """(line index, start column, end column)."""
    inline: MarkedInline | None = None
    yaml_style: str | None = None
    """For a front-matter value: the scalar's quoting style ('' plain, '"', "'", '|', '>')."""
    escape_pipes: bool = False
    """A table cell: every `|` of its text is written `\\|`."""


@cache
def _parser() -> Any:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.footnote import footnote_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    md = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    # `$5 and $10` is money, not math: a dollar next to a digit or a space does not open or close math.
    md.use(front_matter_plugin).use(footnote_plugin)
    md.use(dollarmath_plugin, allow_digits=False, allow_space=False)
    return track_positions(md)


class MarkdownDocument(Document):
    format = "markdown"

    def __init__(self, path: Path | None, source: str, front_matter_keys: Sequence[str] = FRONT_MATTER_KEYS):
        super().__init__(path)
        self.lines = source.splitlines(keepends=True)
        self.spans: list[_Span] = []
        self._cursors: dict[int, int] = {}
        self.env: dict[str, Any] = {HITS: {}}
        tokens = _parser().parse(source, self.env)
        for token in tokens:
            if token.type == "front_matter":
                self._front_matter(token, front_matter_keys)
        cell = 0
        for index, token in enumerate(tokens):
            if token.type == "tr_open":
                cell = 0
            elif token.type in ("th_open", "td_open"):
                cell += 1
            if token.type == "inline" and token.map is not None and _translated_block(tokens, index):
                in_cell = index > 0 and tokens[index - 1].type in ("th_open", "td_open")
                self._inline(token, self.env[HITS].get(id(token), (None, []))[1], cell if in_cell else 0)

    # -- reading ------------------------------------------------------------------------------------------

    def _inline(self, token: Any, hits: list[Any], cell: int) -> None:
        """One block's inline text as a segment (`cell`: its column in a table row, 0 outside tables)."""
        if not any(char.isalpha() for char in token.content):
            return
        # markdown-it gives a table cell's `\|` as `|`: in the source every pipe of a cell is escaped
        content = token.content.replace("|", "\\|") if cell else token.content
        columns = self._locate(content, token.map[0])
        if columns is None:
            self.skipped.append(f"line {token.map[0] + 1}")
            if cell:  # the cells after it on this line cannot be placed safely either
                self._cursors[token.map[0]] = len(self.lines[token.map[0]])
            return
        inline = marked(token.content, hits, parse_alt=self._alt_hits)
        if not any(char.isalpha() for char in strip_markers(inline.text)):
            return
        where = f"line {token.map[0] + 1}" + (f", cell {cell}" if cell else "")
        self.add(inline.text, where, inline.table)
        self.spans.append(_Span(columns, inline, escape_pipes=bool(cell)))

    def _alt_hits(self, alt: str) -> list[Any]:
        """The inline constructs of an image's text (markdown-it parses it apart from its paragraph)."""
        env = {HITS: {}, "references": self.env.get("references", {})}
        tokens = _parser().parseInline(alt, env)
        return env[HITS].get(id(tokens[0]), (None, []))[1] if tokens else []

    def _locate(self, content: str, first_line: int) -> list[tuple[int, int, int]] | None:
        """The column range of each line of `content` in the source, from `first_line` on (a table row
        holds several cells: each is looked for after the last one found on that line). A continuation
        line's own indentation stays outside its range."""
        found = []
        for offset, part in enumerate(content.split("\n")):
            line_index = first_line + offset
            if line_index >= len(self.lines):
                return None
            line = self.lines[line_index]
            start = line.find(part, self._cursors.get(line_index, 0))
            if start < 0:
                return None
            indent = len(part) - len(part.lstrip(" \t")) if offset else 0
            found.append((line_index, start + indent, start + len(part)))
        for line_index, _start, end in found:
            self._cursors[line_index] = end
        return found

    def _front_matter(self, token: Any, keys: Sequence[str]) -> None:
        import yaml

        try:
            root = yaml.compose(token.content)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = token.map[0] + 2 + (mark.line if mark else 0)
            raise fail(
                self.path, f"line {line}", f"front matter is not valid YAML ({_yaml_problem(exc)})"
            ) from exc
        if not isinstance(root, yaml.MappingNode):
            return
        first = token.map[0] + 1  # the line after the opening ---
        for key, value in root.value:
            if key.value in keys and isinstance(value, yaml.ScalarNode) and value.value.strip():
                start, end = value.start_mark, value.end_mark
                columns = self._yaml_columns(first, start, end)
                self.add(" ".join(value.value.split()), f"line {first + start.line + 1} ({key.value})")
                self.spans.append(_Span(columns, yaml_style=value.style or ""))

    def _yaml_columns(self, first: int, start: Any, end: Any) -> list[tuple[int, int, int]]:
        if start.line == end.line:
            return [(first + start.line, start.column, end.column)]
        last = first + end.line if end.column else first + end.line - 1
        columns = [(first + start.line, start.column, len(self.lines[first + start.line].rstrip("\r\n")))]
        columns += [
            (i, 0, len(self.lines[i].rstrip("\r\n"))) for i in range(first + start.line + 1, last + 1)
        ]
        return columns

    # -- writing ------------------------------------------------------------------------------------------

    def render(self, translations: Sequence[str], target: Language) -> bytes:
        lines = list(self.lines)
        edits: list[tuple[_Span, list[str]]] = []
        for segment, span, translation in zip(self.segments, self.spans, translations, strict=True):
            text = usable(segment, translation).text
            edits.append((span, self._new_lines(span, text)))
        dropped: set[int] = set()
        for span, new in sorted(edits, key=lambda edit: edit[0].lines[0][:2], reverse=True):
            _apply(lines, span.lines, new, dropped)
        return "".join(line for index, line in enumerate(lines) if index not in dropped).encode("utf-8")

    def _new_lines(self, span: _Span, text: str) -> list[str]:
        if span.inline is None:
            return [_yaml_scalar(text, span.yaml_style or "")]
        breaks = span.inline.breaks if not unspaced(text) else []
        wrapped = wrap_to(text, breaks)
        lines = "\n".join(span.inline.table.restore(line) for line in wrapped).split("\n")
        return [line.replace("|", "\\|") for line in lines] if span.escape_pipes else lines


def _apply(lines: list[str], columns: list[tuple[int, int, int]], new: list[str], dropped: set[int]) -> None:
    """Replace the span's text line by line; extra new lines go after the last one with its indentation,
    source lines left with nothing are dropped (with their `> ` or indentation)."""
    if len(new) > len(columns):
        new = new[: len(columns) - 1] + [_joined_tail(lines, columns, new[len(columns) - 1 :])]
    for position, (index, start, end) in enumerate(columns):
        line = lines[index]
        if position < len(new):
            lines[index] = line[:start] + new[position] + line[end:]
        elif not line[:start].strip(" >\t") and not line[end:].strip():
            dropped.add(index)
        else:
            lines[index] = line[:start] + line[end:]


def _joined_tail(lines: list[str], columns: list[tuple[int, int, int]], rest: list[str]) -> str:
    """Lines beyond the source's count (hard breaks the model added none of; more soft breaks than the
    source had never come): joined after the last line, each new one with that line's indentation."""
    index, start, _end = columns[-1]
    indent = lines[index][:start]
    if not indent.strip(" >\t"):
        return ("\n" + indent).join(rest)
    return " ".join(rest)


def _yaml_scalar(text: str, style: str) -> str:
    """A YAML scalar holding `text`: plain if the source's was and it reads back the same, else
    double-quoted (JSON's escaping is valid YAML)."""
    import json

    import yaml

    if style == "":
        try:
            if yaml.safe_load(f"k: {text}") == {"k": text}:
                return text
        except yaml.YAMLError:
            pass
    return json.dumps(text, ensure_ascii=False)


def _yaml_problem(exc: Any) -> str:
    return str(getattr(exc, "problem", None) or exc).splitlines()[0]


def _translated_block(tokens: list[Any], index: int) -> bool:
    """Inline content of a block that is translated (every inline token markdown-it makes is: headings,
    paragraphs, table cells; code, HTML and math blocks have none)."""
    return tokens[index].content.strip() != ""


def read_markdown(
    data: bytes, path: Path | None, front_matter_keys: Sequence[str] = FRONT_MATTER_KEYS
) -> MarkdownDocument:
    text = decode_utf8(data, str(path) if path else "the input")
    return MarkdownDocument(path, text, front_matter_keys)
