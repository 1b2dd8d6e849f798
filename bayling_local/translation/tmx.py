"""TMX 1.4 files for the translation memory, written and read with lxml, so a memory moves between machines
and into CAT tools (OmegaT, Trados). Our own entries carry their memory key and model as `x-bayling-*`
properties, so a round trip restores them exactly; entries from elsewhere come in as `imported`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import InputError, UsageError
from ..language.names import Language, bcp47, resolve_language
from .memory import IMPORTED, MemoryEntry

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def write_tmx(entries: list[MemoryEntry], path: Path) -> int:
    """All `entries` as one TMX file (atomically); returns how many were written (a segment whose source
    language was never known is left out: a translation unit needs one)."""
    import lxml.etree as etree

    from ..atomic import atomic_path

    root = etree.Element("tmx", version="1.4")
    etree.SubElement(
        root,
        "header",
        creationtool="bayling-local",
        creationtoolversion="0.1.0",
        segtype="sentence",
        adminlang="en",
        srclang="*all*",
        datatype="plaintext",
        **{"o-tmf": "bayling-local"},
    )
    body = etree.SubElement(root, "body")
    written = 0
    for entry in entries:
        if entry.source_language is None:
            continue  # a segment whose language was never known cannot be a translation unit
        unit = etree.SubElement(body, "tu", srclang=_tag(entry.source_language))
        for kind, value in (("x-bayling-key", entry.key), ("x-bayling-model", entry.model)):
            prop = etree.SubElement(unit, "prop", type=kind)
            prop.text = value
        for code, text in ((entry.source_language, entry.source), (entry.target_language, entry.translation)):
            variant = etree.SubElement(unit, "tuv", {_XML_LANG: _tag(code)})
            etree.SubElement(variant, "seg").text = _xml_safe(text)
        written += 1
    with atomic_path(path) as temporary:
        etree.ElementTree(root).write(
            str(temporary), encoding="UTF-8", xml_declaration=True, pretty_print=True
        )
    return written


def read_tmx(path: Path) -> list[MemoryEntry]:
    """The translation units of a TMX file: one entry per source-target pair."""
    import lxml.etree as etree

    try:
        root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    except (OSError, etree.XMLSyntaxError) as exc:
        raise InputError(f"{path} is not a readable TMX file ({exc})") from exc
    header = root.find("header")
    default_source = header.get("srclang") if header is not None else None
    entries: list[MemoryEntry] = []
    for unit in root.iter("tu"):
        entries.extend(_unit_entries(unit, unit.get("srclang") or default_source))
    return entries


def _unit_entries(unit: Any, source_tag: str | None) -> list[MemoryEntry]:
    props = {prop.get("type"): (prop.text or "") for prop in unit.findall("prop")}
    variants: list[tuple[Language, str]] = []
    for variant in unit.findall("tuv"):
        language = _language(variant.get(_XML_LANG) or variant.get("lang") or "")
        seg = variant.find("seg")
        if language is not None and seg is not None:
            variants.append((language, _seg_text(seg)))
    source = _language(source_tag or "") if source_tag and source_tag != "*all*" else None
    first = next(
        (v for v in variants if source is not None and v[0] == source), variants[0] if variants else None
    )
    if first is None:
        return []
    model = props.get("x-bayling-model") or IMPORTED
    key = props.get("x-bayling-key", "") if model != IMPORTED else ""
    return [
        MemoryEntry(model, first[0].code, language.code, first[1], text, key)
        for language, text in variants
        if language != first[0]
    ]


# TMX inline codes: the original file's markup, not text (`<bpt>{\\b}</bpt>`); `<hi>` and `<sub>` hold text.
_CODES = {"bpt", "ept", "it", "ph", "ut"}


def _seg_text(seg: Any) -> str:
    parts = [seg.text or ""]
    for child in seg:
        if child.tag not in _CODES:
            parts.append(_seg_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _xml_safe(text: str) -> str:
    """Characters XML 1.0 cannot hold (control characters) replaced by U+FFFD."""
    return "".join(
        char
        if char in "\t\n\r"
        or 0x20 <= ord(char) <= 0xD7FF
        or 0xE000 <= ord(char) <= 0xFFFD
        or ord(char) > 0xFFFF
        else "\ufffd"
        for char in text
    )


def _language(tag: str) -> Language | None:
    try:
        return resolve_language(tag)
    except UsageError:
        return None


def _tag(code: str) -> str:
    return bcp47(resolve_language(code))
