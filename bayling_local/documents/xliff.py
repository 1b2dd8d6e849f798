"""XLIFF 1.2 and 2.0 (`.xlf`, `.xliff`), read and written with lxml.

Each `<trans-unit>` (1.2) or `<segment>` (2.0) without a target gets one (with `--overwrite`, every one not
`translate="no"`): 1.2 `<target state="needs-review-translation">`, 2.0 `<target>` with the segment's
`state="translated"` (the spec's state before review). Inline elements are protected markers: pairs around
translated text (`<g>`, `<mrk>`, `<pc>`), single markers for codes kept whole (`<x/>`, `<bx/>`, `<ex/>`,
`<ph>`, `<bpt>`, `<ept>`, `<it>`, `<sc/>`, `<ec/>`, `<sm/>`, `<em/>`); placeholders in the text too. The
file's `target-language` (1.2) or `trgLang` (2.0) is set. A unit whose inline codes or placeholders cannot be
kept gets no target and is reported.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..language.names import Language, bcp47, find_language
from ..translation.markers import MarkerTable, literal_markers_escaped, markers_intact, strip_markers
from .elements import build_elements
from .icu import is_icu, still_valid
from .model import AlreadyTranslatedError, fail
from .placeholders import PLACEHOLDER, missing
from .slots import Message
from .strings import REJECTED, StringsDocument, Tally

V12 = "urn:oasis:names:tc:xliff:document:1.2"
V20 = "urn:oasis:names:tc:xliff:document:2.0"
PAIRED = {"g", "mrk", "pc"}


@dataclass
class _Unit:
    source: Any
    """The `<source>` element."""
    holder: Any
    """Where the target goes: the `<trans-unit>` (1.2) or `<segment>` (2.0)."""
    index: int | None
    table: MarkerTable
    lead: str
    trail: str
    message: Message | None = None
    """An ICU message (Angular's plurals): translated option by option, written as text."""


class XliffDocument(StringsDocument):
    format = "xliff"

    def __init__(self, path: Path | None, data: bytes, overwrite: bool = False) -> None:
        import lxml.etree

        super().__init__(path)
        parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
        try:
            self.root = lxml.etree.fromstring(data, parser)
        except lxml.etree.XMLSyntaxError as exc:
            line, column = exc.position
            raise fail(path, f"line {line}, column {column}", f"not well-formed XML: {exc.msg}") from None
        self.ns = (
            lxml.etree.QName(self.root).namespace or ""
        )  # `<xliff xmlns=...>` or `<x:xliff xmlns:x=...>`
        if self.ns not in (V12, V20) or _local(self.root.tag) != "xliff":
            raise fail(
                path,
                "line 1",
                "not an XLIFF 1.2 or 2.0 file (its root must be <xliff> in the XLIFF namespace)",
            )
        self.version = "1.2" if self.ns == V12 else "2.0"
        self.overwrite = overwrite
        self.units: list[_Unit] = []
        self.tally = Tally()
        found = re.match(rb"\s*(<\?xml[^>]*\?>\s*)", data)
        self.declaration = found.group(1) if found else b""
        self.ending = data[len(data.rstrip()) :]

    def _q(self, name: str) -> str:
        return f"{{{self.ns}}}{name}"

    def plan(self, target: Language) -> None:
        self.units, self.tally = [], Tally()
        self._check_language(target)
        holders = self.root.iter(self._q("trans-unit") if self.version == "1.2" else self._q("segment"))
        for holder in holders:
            source = holder.find(self._q("source"))
            if source is None or not _translatable(holder):
                continue
            existing = holder.find(self._q("target"))
            if existing is not None and "".join(existing.itertext()).strip() and not self.overwrite:
                self.tally.kept += 1
                continue
            self._queue_unit(holder, source, target)

    def _check_language(self, target: Language) -> None:
        """A file whose targets are in another language is not relabelled with this one (PO does the same)."""
        named = {f.get("target-language") for f in self.root.iter(self._q("file"))} | {
            self.root.get("trgLang")
        }
        languages = {find_language(code) for code in named if code}
        others = [language for language in languages if language is not None and language != target]
        filled = any("".join(t.itertext()).strip() for t in self.root.iter(self._q("target")))
        if others and filled and not self.overwrite:
            raise AlreadyTranslatedError(
                f"{self.name()}: holds {others[0].name} translations; translating it into {target.name} would "
                "mix the two: start from the source-only file",
                "unit",
            )

    def _queue_unit(self, holder: Any, source: Any, target: Language) -> None:
        location = f"line {source.sourceline} {_unit_id(holder)}"
        text = "".join(source.itertext())
        if is_icu(text):
            if len(source):  # an ICU message with inline codes inside (Angular's <x id="INTERPOLATION"/>)
                self.tally.rejected.append(location)
                self.rejections.append(
                    f"{location}: an ICU message with inline codes is left for a translator"
                )
                return
            start = len(self.segments)
            message = self.add_message(text, location, target)
            for segment in self.segments[start:]:
                segment.note = self._notes(holder)
            self.units.append(_Unit(source, holder, None, MarkerTable(), "", "", message))
            return
        table = MarkerTable()
        marked = self._marked_content(source, table)
        body = marked.strip()
        lead, trail = marked[: len(marked) - len(marked.lstrip())], marked[len(marked.rstrip()) :]
        if not any(ch.isalpha() for ch in strip_markers(body)):
            self.tally.skipped += 1
            return
        segment = self.add(body, location, table)
        segment.note = self._notes(holder)
        self.units.append(_Unit(source, holder, len(self.segments) - 1, table, lead, trail))

    def _notes(self, holder: Any) -> str:
        """The unit's notes (1.2: `<note>` in the trans-unit; 2.0: `<notes><note>` in the unit), for the model."""
        unit = holder if self.version == "1.2" else holder.getparent()
        found = unit.iter(self._q("note")) if unit is not None else []
        return "; ".join(
            " ".join(note.itertext()).strip() for note in found if "".join(note.itertext()).strip()
        )[:200]

    def _marked_content(self, element: Any, table: MarkerTable) -> str:
        parts = [self._text(element.text or "", table)]
        for child in element:
            if not isinstance(child.tag, str):  # a comment or processing instruction: kept whole
                parts.append(table.void(child))
            elif _local(child.tag) in PAIRED and not _protected(child):
                opening, closing = table.pair(child)
                parts.append(opening + self._marked_content(child, table) + closing)
            else:
                parts.append(table.void(child))
            parts.append(self._text(child.tail or "", table))
        return "".join(parts)

    def _text(self, text: str, table: MarkerTable) -> str:
        text = literal_markers_escaped(text, table)
        return PLACEHOLDER.sub(lambda match: table.void(match.group(0)), text)

    def render(self, translations: Sequence[str], target: Language) -> bytes:
        import lxml.etree

        self.failures.clear()
        self.placed: set[Any] = set()
        for unit in self.units:
            if unit.message is not None:
                self._place_message(unit, translations)
                continue
            assert unit.index is not None
            if self.checks and self.checks[unit.index] in REJECTED:
                location = self.segments[unit.index].location
                self.rejections.append(f"{location}: {REJECTED[self.checks[unit.index] or '']}")
                self.tally.rejected.append(location)
                continue
            translation = translations[unit.index]
            built = self._target(unit, translation)
            if built is None:
                self.failures.append(
                    f"{self.segments[unit.index].location}: inline codes or placeholders not kept"
                )
                self.tally.failed.append(self.segments[unit.index].location)
                continue
            self._place(unit, built)
            self.placed.add(unit.holder)
            self.tally.translated += 1
        self._languages(target)
        # The tree with what stands around the root (comments, a doctype), under the source's own declaration.
        tree = lxml.etree.tostring(self.root.getroottree(), encoding="UTF-8", xml_declaration=False)
        data = self.declaration + tree.rstrip() + self.ending
        self._verify(data)
        return data

    def _place_message(self, unit: _Unit, translations: Sequence[str]) -> None:
        import lxml.etree

        assert unit.message is not None
        text = unit.message.text(self, translations)
        if text is None:
            self.fail(f"line {unit.source.sourceline} {_unit_id(unit.holder)}")
            return
        target = lxml.etree.Element(self._q("target"))
        target.text = text
        self._place(unit, target)
        self.placed.add(unit.holder)
        self.tally.translated += 1

    def _verify(self, data: bytes) -> None:
        """The final check, on the file as written: every target made here, read back, has its source's
        inline codes and placeholders (never expected to fail: the file is refused rather than written)."""
        import lxml.etree

        tag = self._q("trans-unit") if self.version == "1.2" else self._q("segment")
        filled = self.placed
        mine = [index for index, holder in enumerate(self.root.iter(tag)) if holder in filled]
        written = lxml.etree.fromstring(data, lxml.etree.XMLParser(resolve_entities=False, no_network=True))
        holders = list(written.iter(tag))
        for index in mine:
            source, target = holders[index].find(self._q("source")), holders[index].find(self._q("target"))
            if (
                source is None
                or target is None
                or not _same_codes(source, target)
                and not _same_message(source, target)
            ):
                where = f"line {holders[index].sourceline}"
                raise fail(
                    self.path, where, "a written target lost inline codes or placeholders; please report this"
                )

    def _target(self, unit: _Unit, translation: str) -> Any:
        import lxml.etree

        segment = self.segments[unit.index or 0]
        if not translation.strip() or not markers_intact(segment.text, translation):
            return None
        container = build_elements(
            unit.lead + translation.strip() + unit.trail, unit.table, lxml.etree.Element
        )
        target = lxml.etree.Element(self._q("target"))
        target.text = container.text
        for child in container:
            target.append(child)
        if not _same_codes(unit.source, target):
            return None
        return target

    def _place(self, unit: _Unit, target: Any) -> None:
        old = unit.holder.find(self._q("target"))
        if old is not None:  # --overwrite: the old target's match quality and approval do not carry over
            target.tail = old.tail
            unit.holder.replace(old, target)
        else:
            # 1.2 orders source, seg-source, target: the target goes after the last of those present.
            anchor = unit.holder.find(self._q("seg-source"))
            anchor = anchor if anchor is not None else unit.source
            before = anchor.getprevious()
            indent = before.tail if before is not None else unit.holder.text
            target.tail = anchor.tail
            if indent is not None and not indent.strip():
                anchor.tail = indent  # the target on its own line, indented as the source is
            anchor.addnext(target)
        if self.version == "1.2":
            target.set("state", "needs-review-translation")
            unit.holder.attrib.pop("approved", None)
        else:
            unit.holder.set("state", "translated")
            unit.holder.attrib.pop("subState", None)

    def _languages(self, target: Language) -> None:
        tag = bcp47(target)
        if self.version == "1.2":
            for file in self.root.iter(self._q("file")):
                file.set("target-language", tag)
        else:
            self.root.set("trgLang", tag)

    def summary(self) -> str:
        return self.tally.line()


def _same_codes(source: Any, target: Any) -> bool:
    """The final check: the same inline elements (by name and id) and the same placeholders in the text."""

    def codes(element: Any) -> Counter[tuple[str, str]]:
        return Counter(
            (_local(e.tag), e.get("id", ""))
            for e in element.iter()
            if e is not element and isinstance(e.tag, str)
        )

    def text(element: Any) -> str:
        return "".join(t for t in element.itertext())

    return codes(source) == codes(target) and not missing(text(source), text(target))


def _same_message(source: Any, target: Any) -> bool:
    """An ICU message target: it parses and uses the source's arguments (its options are the target's)."""
    before, after = "".join(source.itertext()), "".join(target.itertext())
    return is_icu(before) and not len(source) and still_valid(before, after)


def _protected(element: Any) -> bool:
    """An inline span the file says not to translate: 1.2 `<mrk mtype="protected">`, 2.0 `translate="no"`."""
    return element.get("mtype") == "protected" or element.get("translate") == "no"


def _translatable(holder: Any) -> bool:
    """Not under `translate="no"` (on the unit or any group or file around it)."""
    node = holder
    while node is not None:
        if node.get("translate") == "no":
            return False
        node = node.getparent()
    return True


def _unit_id(holder: Any) -> str:
    unit = holder if _local(holder.tag) == "trans-unit" else holder.getparent()
    ident = unit.get("id") if unit is not None else None
    return f"(unit {ident})" if ident else ""


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def read_xliff(data: bytes, path: Path | None, overwrite: bool = False) -> XliffDocument:
    return XliffDocument(path, data, overwrite)
