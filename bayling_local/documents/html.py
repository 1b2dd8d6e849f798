"""HTML, parsed with lxml (libxml2's HTML parser: fast, already a dependency of the XML formats, and it
reports broken markup with a line and column instead of silently repairing it as html5lib-style parsers do).

Translated: text, and the `alt`, `title`, `placeholder`, `aria-label` attributes (and `<meta name=description>`).
Skipped: `script`, `style`, `code`, `pre`, `kbd`, `samp`, `var`, `textarea`, `svg`, `math`, and anything with
`translate="no"` or `class="notranslate"`. Inline markup inside a sentence (`<b>`, `<a href>`, `<em>` ...)
becomes protected markers, so the sentence is translated whole and its tags are put back around the right
words; the output has the same elements, in the same order, with the same attributes except the translated
ones. `<html lang>` becomes the target's tag (and `dir="rtl"` for right-to-left scripts).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ..language.names import Language
from ..textio import decode_utf8
from ..translation.markers import MarkerTable, literal_markers_escaped, strip_markers
from .elements import build_elements
from .model import SPACE, Document, collapse, fail, language_tag, usable

TRANSLATED_ATTRIBUTES = ("alt", "title", "placeholder", "aria-label")
SKIPPED = {"script", "style", "code", "pre", "kbd", "samp", "var", "textarea", "svg", "math", "template"}
INLINE = {
    "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "br", "button", "cite", "code", "data", "del", "dfn",
    "em", "font", "i", "img", "input", "ins", "kbd", "label", "mark", "meter", "output", "picture",
    "progress", "q", "ruby", "rt", "rp", "s", "samp", "select", "small", "span", "strike", "strong", "sub",
    "sup", "svg", "math", "time", "tt", "u", "var", "wbr", "textarea", "audio", "video", "canvas", "iframe",
    "embed", "object",
}  # fmt: skip
"""Phrasing elements: they sit inside a sentence, so they become markers rather than segment boundaries."""
KEPT_WHOLE = {"br", "img", "wbr", "input", "select", "meter", "progress", "picture", "audio", "video"}
KEPT_WHOLE |= {"canvas", "iframe", "embed", "object"} | SKIPPED
_DOCUMENT = re.compile(
    r"\A(?:\s|<!--.*?-->|<\?.*?\?>)*<(?:!doctype|html|head|body)\b", re.IGNORECASE | re.DOTALL
)
_HAS_DOCTYPE = re.compile(r"\A(?:\s|<!--.*?-->|<\?.*?\?>)*<!doctype\b", re.IGNORECASE | re.DOTALL)
_XML_DECLARATION = re.compile(r"\A\ufeff?\s*<\?xml[^>]*\?>[ \t]*\r?\n?")

Apply = Callable[[str], None]


class HtmlDocument(Document):
    format = "html"

    def __init__(self, path: Path | None, source: str) -> None:
        super().__init__(path)
        self.source = source
        self.whole = _DOCUMENT.match(source) is not None
        _root, slots = self._walk()
        for text, location, table, _apply in slots:
            self.add(text, location, table)

    def _parse(self) -> Any:
        import lxml.etree
        import lxml.html

        parser = lxml.html.HTMLParser(recover=True, remove_comments=False, encoding="utf-8")
        # An XHTML file's XML declaration is not part of the tree (libxml2 would make it a comment): it is
        # parsed without it and written back in front.
        declaration = _XML_DECLARATION.match(self.source)
        kept_lines = "\n" * declaration.group(0).count("\n") if declaration else ""  # line numbers stay right
        data = (kept_lines + self.source[declaration.end() if declaration else 0 :]).encode("utf-8")
        try:
            if self.whole:
                root = lxml.html.document_fromstring(data, parser=parser)
            else:
                root = lxml.html.fragment_fromstring(data, create_parent="div", parser=parser)
        except (ValueError, lxml.etree.LxmlError) as exc:
            raise fail(self.path, "", f"broken HTML: {exc}") from exc
        errors = [error for error in parser.error_log if error.level_name in ("ERROR", "FATAL")]
        if errors:
            first = errors[0]
            raise fail(
                self.path, f"line {first.line}, column {first.column}", f"broken HTML: {first.message}"
            )
        return root

    def _walk(self) -> tuple[Any, list[tuple[str, str, MarkerTable, Apply]]]:
        root = self._parse()
        slots: list[tuple[str, str, MarkerTable, Apply]] = []
        _Walker(slots, self.whole).element(root)
        return root, slots

    def render(self, translations: Sequence[str], target: Language) -> bytes:
        import lxml.etree

        root, slots = self._walk()
        for segment, (_text, _location, _table, apply), translation in zip(
            self.segments, slots, translations, strict=True
        ):
            apply(usable(segment, translation).text)
        if not self.whole:
            inner = (root.text or "") + "".join(
                lxml.etree.tostring(child, method="html", encoding="unicode") for child in root
            )
            return inner.encode("utf-8")
        root.set("lang", language_tag(target))
        if target.right_to_left:
            root.set("dir", "rtl")
        elif root.get("dir") == "rtl":
            del root.attrib["dir"]
        if _HAS_DOCTYPE.match(self.source):
            tree = root.getroottree()
            text = lxml.etree.tostring(tree, method="html", encoding="unicode", doctype=tree.docinfo.doctype)
        else:  # libxml2 makes up an HTML 4 doctype for a file that has none: leave it out
            text = lxml.etree.tostring(root, method="html", encoding="unicode")
        declaration = _XML_DECLARATION.match(self.source)  # an XHTML file's first line, not part of the tree
        if declaration:
            text = declaration.group(0).lstrip("\ufeff") + text
        return (text if text.endswith("\n") else text + "\n").encode("utf-8")


def _skipped(element: Any) -> bool:
    if not isinstance(element.tag, str):
        return True  # a comment or processing instruction
    classes = (element.get("class") or "").split()
    return element.tag in SKIPPED or element.get("translate") == "no" or "notranslate" in classes


def _inline(element: Any) -> bool:
    if isinstance(element.tag, str) and element.tag in KEPT_WHOLE and element.tag in INLINE:
        return True  # an inline <svg> or <select> is kept whole, whatever it holds
    return (
        isinstance(element.tag, str)
        and element.tag in INLINE
        and not any(
            isinstance(inner.tag, str) and inner.tag not in INLINE for inner in element.iterdescendants()
        )
    )


class _Walker:
    """Finds the translatable runs and attributes in document order."""

    def __init__(self, slots: list[tuple[str, str, MarkerTable, Apply]], whole_document: bool) -> None:
        self.slots = slots
        self.whole_document = whole_document

    def element(self, element: Any) -> None:
        if _skipped(element):
            return
        self._attributes(element)
        run: list[Any] = []  # the inline children of the run being gathered
        holder: tuple[Any, str] = (element, "text")
        for child in list(element):
            if _inline(child) or not isinstance(child.tag, str):
                run.append(child)
                continue
            self._run(element, holder, run)
            self.element(child)
            run, holder = [], (child, "tail")
        self._run(element, holder, run)

    def _attributes(self, element: Any) -> None:
        names = list(TRANSLATED_ATTRIBUTES)
        if element.tag == "meta" and (element.get("name") or "").lower() == "description":
            names.append("content")
        for name in names:
            value = element.get(name)
            if value and any(char.isalpha() for char in value):
                location = f"<{element.tag} {name}> line {element.sourceline}"
                table = MarkerTable()
                text = literal_markers_escaped(collapse(value), table)
                self.slots.append((text, location, table, _attribute_setter(element, name, table)))

    def _run(self, parent: Any, holder: tuple[Any, str], run: list[Any]) -> None:
        """One sentence-level run: the holder's text and the inline children after it, with their tails."""
        table = MarkerTable()
        raw = _text_of(holder) + "".join(self._marked(child, table) for child in run)
        text = collapse(raw)
        if not any(char.isalpha() for char in strip_markers(text)):
            for child in run:  # nothing to translate here, but attributes inside still are
                self._inner_attributes(child)
            return
        for child in run:
            self._inner_attributes(child)
        lead, trail = raw[: len(raw) - len(raw.lstrip(SPACE))], raw[len(raw.rstrip(SPACE)) :]
        owner, attr = holder
        line = owner.sourceline if attr == "text" else (run[0].sourceline if run else owner.sourceline)
        if parent.getparent() is None and not self.whole_document:
            location = f"text at line {line or 1}"  # straight in a fragment, not inside any element
        else:
            location = f"<{parent.tag}> line {line or 1}"
        self.slots.append((text, location, table, _run_setter(parent, holder, run, table, lead, trail)))

    def _inner_attributes(self, element: Any) -> None:
        if not isinstance(element.tag, str) or _skipped(element) and element.tag != "img":
            return
        for inner in element.iter():
            if isinstance(inner.tag, str) and not _skipped(inner):
                self._attributes(inner)

    def _marked(self, element: Any, table: MarkerTable) -> str:
        """An inline element as markers: kept whole (an image, code) or a pair around its own text."""
        tail = _escaped(element.tail or "", table)
        if not isinstance(element.tag, str) or element.tag in KEPT_WHOLE or _skipped(element):
            return table.void(element) + tail
        opening, closing = table.pair(element)
        inner = _escaped(element.text or "", table) + "".join(self._marked(child, table) for child in element)
        return opening + inner + closing + tail


def _escaped(text: str, table: MarkerTable) -> str:
    return table.protect_urls(literal_markers_escaped(text, table))


def _text_of(holder: tuple[Any, str]) -> str:
    owner, attr = holder
    return (owner.text if attr == "text" else owner.tail) or ""


def _attribute_setter(element: Any, name: str, table: MarkerTable) -> Apply:
    def apply(translation: str) -> None:
        element.set(name, table.restore(translation))  # an attribute holds text only

    return apply


def _run_setter(
    parent: Any, holder: tuple[Any, str], run: list[Any], table: MarkerTable, lead: str, trail: str
) -> Apply:
    def apply(translation: str) -> None:
        container = _build(lead + translation + trail, table)
        position = parent.index(run[0]) if run else None
        for child in run:
            parent.remove(child)
        owner, attr = holder
        setattr(owner, attr, container.text)
        if position is None:
            position = 0 if attr == "text" else parent.index(owner) + 1
        for offset, child in enumerate(list(container)):
            parent.insert(position + offset, child)

    return apply


def _build(translation: str, table: MarkerTable) -> Any:
    import lxml.html

    return build_elements(translation, table, lxml.html.Element)


def read_html(data: bytes, path: Path | None) -> HtmlDocument:
    text = decode_utf8(data, str(path) if path else "the input")
    if not text.strip():
        raise fail(path, "", "the HTML file is empty")
    return HtmlDocument(path, text)
