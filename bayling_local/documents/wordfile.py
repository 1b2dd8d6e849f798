"""Word documents (.docx), read and written with python-docx.

Every paragraph is a segment: the body's, those in tables (nested ones too), text boxes, headers and footers.
Within a paragraph, runs whose formatting differs from the paragraph's most common one (bold, italic, a
colour) and hyperlinks become marker pairs, so the sentence is translated whole and the formatting lands on
the translated words; tabs, breaks, images, fields and bookmarks are kept whole as single markers. Paragraph
properties, styles, images, tables and section settings are not touched.
"""

from __future__ import annotations

import copy
import io
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..language.names import Language
from ..translation.markers import MarkerTable, literal_markers_escaped, strip_markers, unmarked_runs
from .model import Document, fail, language_tag, usable

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_TEXT_PARTS = {_W + "t", _W + "rPr", _W + "lastRenderedPageBreak"}
# Spell-check marks carry nothing a reader sees and Word puts them back: left out rather than made markers.
_DROPPED = {_W + "proofErr"}
# Elements whose runs are part of the sentence: walked into (tracked insertions, content controls ...).
_CONTAINERS = {_W + "hyperlink", _W + "ins", _W + "smartTag", _W + "customXml", _W + "sdt", _W + "moveTo"}


MAX_UNPACKED_BYTES = 1 << 30
"""The most a DOCX may unpack to (a 300-page report with images is a few hundred MiB at most)."""


class WordDocument(Document):
    format = "docx"
    binary = True

    def __init__(self, path: Path | None, data: bytes) -> None:
        super().__init__(path)
        self.data = data
        for paragraph, location in self._paragraphs(self._open()):
            table = MarkerTable()
            text = _marked(paragraph, table)
            if any(char.isalpha() for char in strip_markers(text)):
                self.add(text, location, table)

    def _open(self) -> Any:
        import zipfile

        import docx
        from docx.opc.exceptions import PackageNotFoundError

        if not zipfile.is_zipfile(io.BytesIO(self.data)):
            raise fail(self.path, "", "not a DOCX file (a .docx is a zip archive; this is not one)")
        with zipfile.ZipFile(io.BytesIO(self.data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:  # a zip bomb, or far more than any document
            raise fail(
                self.path,
                "",
                f"unpacks to {unpacked >> 20} MiB, more than a DOCX may ({MAX_UNPACKED_BYTES >> 20} MiB)",
            )
        try:
            return docx.Document(io.BytesIO(self.data))
        except PackageNotFoundError as exc:
            raise fail(
                self.path, "", "not a DOCX file (not a zip archive, or no Word document inside)"
            ) from exc
        except (KeyError, ValueError, OSError) as exc:
            raise fail(self.path, "", f"a damaged DOCX file ({exc})") from exc
        except Exception as exc:  # zipfile.BadZipFile, lxml's XMLSyntaxError from a damaged part
            raise fail(self.path, "", f"a damaged DOCX file ({type(exc).__name__}: {exc})") from exc

    def _paragraphs(self, document: Any) -> list[tuple[Any, str]]:
        """Every paragraph with text, in document order, with where a user finds it."""
        found: list[tuple[Any, str]] = []
        for number, paragraph in enumerate(document.element.body.iter(_W + "p"), start=1):
            found.append((paragraph, _table_place(paragraph) + f"paragraph {number}"))
        seen: set[int] = set()
        for section_number, section in enumerate(document.sections, start=1):
            for kind in ("header", "first_page_header", "even_page_header"):
                found += _part_paragraphs(getattr(section, kind), f"section {section_number} header", seen)
            for kind in ("footer", "first_page_footer", "even_page_footer"):
                found += _part_paragraphs(getattr(section, kind), f"section {section_number} footer", seen)
        return found

    def render(self, translations: Sequence[str], target: Language) -> bytes:
        document = self._open()
        with_text = []
        for paragraph, _location in self._paragraphs(document):
            table = MarkerTable()  # the same numbering as when read, over this copy's own elements
            if any(char.isalpha() for char in strip_markers(_marked(paragraph, table))):
                with_text.append((paragraph, table))
        planned = [
            (paragraph, usable(segment, translation).text, table)
            for (paragraph, table), segment, translation in zip(
                with_text, self.segments, translations, strict=True
            )
        ]
        # Paragraphs inside text boxes come after the one holding the box: put them in first, so the box
        # the outer paragraph carries along is the translated one.
        for paragraph, text, table in reversed(planned):
            _rebuild(paragraph, text, table)
        _set_language(document, target)
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()


def _table_place(paragraph: Any) -> str:
    """`table 2, row 3, cell 1, ` for a paragraph in a table (the innermost), else nothing."""
    cell = next((a for a in paragraph.iterancestors() if a.tag == _W + "tc"), None)
    if cell is None:
        return ""
    row = cell.getparent()
    table = row.getparent()
    tables = [t for t in table.getroottree().iter(_W + "tbl")]
    rows = [r for r in table if r.tag == _W + "tr"]
    cells = [c for c in row if c.tag == _W + "tc"]
    return f"table {tables.index(table) + 1}, row {rows.index(row) + 1}, cell {cells.index(cell) + 1}, "


def _part_paragraphs(part: Any, label: str, seen: set[int]) -> list[tuple[Any, str]]:
    if part.is_linked_to_previous:
        return []
    element = part._element
    if id(element) in seen:
        return []
    seen.add(id(element))
    return [(p, f"{label}, paragraph {i}") for i, p in enumerate(element.iter(_W + "p"), start=1)]


def _formatting(run: Any) -> bytes:
    import lxml.etree

    properties = run.find(_W + "rPr")
    return b"" if properties is None else lxml.etree.tostring(properties)


def _is_text_run(element: Any) -> bool:
    return element.tag == _W + "r" and all(child.tag in _TEXT_PARTS for child in element)


def _run_text(run: Any) -> str:
    return "".join(child.text or "" for child in run if child.tag == _W + "t")


def _base_formatting(paragraph: Any) -> bytes:
    """The formatting most of the paragraph's text has: its runs need no markers."""
    counts: Counter[bytes] = Counter()
    for run in paragraph.iter(_W + "r"):
        counts[_formatting(run)] += len(_run_text(run))
    return counts.most_common(1)[0][0] if counts else b""


def _marked(paragraph: Any, table: MarkerTable) -> str:
    """The paragraph's text with its formatting as markers; `table.kept` gets the base run first (id 0)."""
    base = _base_formatting(paragraph)
    table.kept[0] = next((r for r in paragraph.iter(_W + "r") if _formatting(r) == base), None)
    return _marked_children(_content(paragraph), base, table)


def _content(element: Any) -> list[Any]:
    """An element's children that hold the text: not its properties, not spell-check marks."""
    return [c for c in element if not c.tag.endswith("Pr") and c.tag not in _DROPPED]


def _marked_children(children: list[Any], base: bytes, table: MarkerTable) -> str:
    out: list[str] = []
    index = 0
    while index < len(children):
        child = children[index]
        field_end = _field_end(children, index)
        if field_end is not None:  # a field (page number, reference, TOC entry): computed, kept whole
            out.append(table.void(children[index : field_end + 1]))
            index = field_end + 1
            continue
        if _is_text_run(child):
            group = [child]  # Word splits runs of one formatting anywhere (spell-check, edit history)
            while (
                index + 1 < len(children)
                and _is_text_run(children[index + 1])
                and _formatting(children[index + 1]) == _formatting(child)
            ):
                index += 1
                group.append(children[index])
            text = literal_markers_escaped("".join(_run_text(run) for run in group), table)
            out.append(_formatted(text, child, base, table))
        elif child.tag == _W + "r":
            out.append(_formatted(_marked_mixed_run(child, table), child, base, table))
        elif child.tag in _CONTAINERS:
            holder = child.find(_W + "sdtContent") if child.tag == _W + "sdt" else child
            opening, closing = table.pair(("container", child))
            out.append(opening + _marked_children(_content(holder), base, table) + closing)
        elif child.tag == _W + "bookmarkStart":
            index = _bookmark(children, index, base, table, out)
        else:
            out.append(table.void([child]))
        index += 1
    return "".join(out)


def _formatted(text: str, run: Any, base: bytes, table: MarkerTable) -> str:
    if _formatting(run) == base or not text:
        return text
    opening, closing = table.pair(("run", run))
    return opening + text + closing


def _field_end(children: list[Any], index: int) -> int | None:
    """Where the field starting at `children[index]` ends (its `fldChar end`), None if no field starts."""
    kinds = [mark.get(_W + "fldCharType") for mark in children[index].iter(_W + "fldChar")]
    if "begin" not in kinds:
        return None
    depth = 0
    for position in range(index, len(children)):
        for mark in children[position].iter(_W + "fldChar"):
            kind = mark.get(_W + "fldCharType")
            depth += 1 if kind == "begin" else -1 if kind == "end" else 0
            if kind == "end" and depth == 0:
                return position
    return None


def _bookmark(children: list[Any], index: int, base: bytes, table: MarkerTable, out: list[str]) -> int:
    """A bookmark: one marker when it marks a point, a pair around the words it spans, else kept where it
    is. Returns the index of the last child used."""
    start = children[index]
    ends = [
        i
        for i in range(index + 1, len(children))
        if children[i].tag == _W + "bookmarkEnd" and children[i].get(_W + "id") == start.get(_W + "id")
    ]
    if not ends:
        out.append(table.void([start]))
        return index
    end = ends[0]
    if end == index + 1:
        out.append(table.void([start, children[end]]))
        return end
    opening, closing = table.pair(("bookmark", start, children[end]))
    out.append(opening + _marked_children(children[index + 1 : end], base, table) + closing)
    return end


def _marked_mixed_run(run: Any, table: MarkerTable) -> str:
    """A run holding more than text (a tab, a break, a picture): its text pieces stay translatable, the
    rest is kept whole, each in a run of the same formatting."""
    properties = run.find(_W + "rPr")
    out: list[str] = []
    for child in run:
        if child.tag in (_W + "rPr", _W + "lastRenderedPageBreak"):
            continue
        if child.tag == _W + "t":
            out.append(literal_markers_escaped(child.text or "", table))
            continue
        holder = copy.deepcopy(run)
        for inner in list(holder):
            holder.remove(inner)
        if properties is not None:
            holder.append(copy.deepcopy(properties))
        holder.append(copy.deepcopy(child))
        out.append(table.void([holder]))
    return "".join(out)


def _rebuild(paragraph: Any, translation: str, table: MarkerTable) -> None:
    for child in _content(paragraph) + [c for c in paragraph if c.tag in _DROPPED]:
        paragraph.remove(child)
    base = table.kept.get(0)
    stack: list[tuple[Any, Any, Any]] = [(paragraph, base, None)]  # (add to, formatting of text, closing)
    for index, part in enumerate(unmarked_runs(translation)):
        parent, like, _closing = stack[-1]
        if index % 2 == 0:
            if part:
                parent.append(_text_run(part, like))
            continue
        kept = table.kept[int(part.strip("</>m"))]
        if part.startswith("</"):
            if stack[-1][2] is not None:
                stack[-2][0].append(copy.deepcopy(stack[-1][2]))
            stack.pop()
        elif part.endswith("/>"):
            for element in kept:
                parent.append(copy.deepcopy(element))
        elif kept[0] == "run":
            stack.append((parent, kept[1], None))
        elif kept[0] == "bookmark":
            parent.append(copy.deepcopy(kept[1]))
            stack.append((parent, like, kept[2]))
        else:
            shell = copy.deepcopy(kept[1])
            holder = shell.find(_W + "sdtContent") if shell.tag == _W + "sdt" else shell
            for inner in _content(holder):
                holder.remove(inner)
            parent.append(shell)
            stack.append((holder, like, None))


def _text_run(text: str, like: Any) -> Any:
    from docx.oxml import OxmlElement

    run = OxmlElement("w:r")
    if like is not None and like.find(_W + "rPr") is not None:
        run.append(copy.deepcopy(like.find(_W + "rPr")))
    piece = OxmlElement("w:t")
    piece.text = text
    piece.set(_XML_SPACE, "preserve")
    run.append(piece)
    return run


def _set_language(document: Any, target: Language) -> None:
    """The default proofing language of the document's styles becomes the target's (spelling, hyphenation)."""
    styles = document.styles.element
    for lang in styles.iter(_W + "lang"):
        lang.set(_W + "val", language_tag(target))
        break


def read_docx(data: bytes, path: Path | None) -> WordDocument:
    return WordDocument(path, data)
