"""TBX termbases (ISO 30042: TBX-Basic/`martif` and TBX v3 `tbx`), read with lxml: one entry per concept
(`termEntry`/`conceptEntry`), one term per language (`langSet`/`langSec` with `xml:lang`, its first `term`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import InputError, UsageError
from ..languages import resolve_language
from .glossary import Entry

_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def read_tbx(path: Path | bytes, name: str | None = None) -> list[Entry]:
    """The entries of a TBX file, or of TBX text (`bytes`, named `name` in messages)."""
    import lxml.etree

    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True)
    label = name or str(path)
    try:
        if isinstance(path, bytes):
            root = lxml.etree.fromstring(path, parser)
        else:
            root = lxml.etree.parse(str(path), parser).getroot()
    except (OSError, lxml.etree.XMLSyntaxError) as exc:
        raise InputError(f"{label} is not a readable TBX file ({exc})") from exc
    entries = []
    for concept in _named(root, ("termEntry", "conceptEntry")):
        terms: dict[str, str] = {}
        for section in _named(concept, ("langSet", "langSec")):
            code = section.get(_XML_LANG) or section.get("lang") or ""
            term = next((t.text for t in _named(section, ("term",)) if t.text and t.text.strip()), None)
            if not code or term is None:
                continue
            try:
                terms[resolve_language(code).code] = term.strip()
            except UsageError:
                continue  # a language we do not translate: the rest of the concept is still useful
        if terms:
            entries.append(Entry(terms))
    if not entries:
        raise InputError(f"{label} holds no term entries (termEntry/conceptEntry with langSet terms)")
    return entries


def _named(element: Any, names: tuple[str, ...]) -> list[Any]:
    """Descendants whatever their namespace (TBX files come with and without one)."""
    return [e for e in element.iter() if isinstance(e.tag, str) and e.tag.rsplit("}", 1)[-1] in names]
