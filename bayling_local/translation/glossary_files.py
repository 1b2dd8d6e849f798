"""Reading glossaries: TSV and CSV with a header row of languages (or two columns, source and target), TBX
termbases (ISO 30042: TBX-Basic/`martif` and TBX v3 `tbx`, read with lxml: one entry per concept
(`termEntry`/`conceptEntry`), one term per language (`langSet`/`langSec` with `xml:lang`, its first
`term`)), and keep lists, one name a line. What the entries match is `glossary`'s business."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import InputError, UsageError
from ..language.names import Language, resolve_language
from .glossary import Entry, Glossary

# What the `case` column says for an entry matched case-sensitively.
_SENSITIVE = {"sensitive", "yes", "true", "1", "case-sensitive", "cs"}


class GlossaryNeedsSourceError(UsageError):
    """A glossary of two columns without a header row: which language the first column is in must be said."""


class GlossaryLanguageError(InputError):
    """The glossary has no column for the target language."""

    def __init__(self, message: str, target: Language, columns: str) -> None:
        super().__init__(message)
        self.target, self.columns = target, columns


def load_glossary(
    paths: list[Path], source: Language | None, target: Language, keep: list[str], keep_files: list[Path]
) -> Glossary:
    """Every entry of the glossary files and keep terms; a file that cannot be read is a one-line error."""
    glossary = Glossary()
    for path in paths:
        glossary.entries.extend(_read_glossary(path, source, target))
    names = list(keep)
    for path in keep_files:
        names.extend(
            line.strip() for line in _text(path).splitlines() if line.strip() and not line.startswith("#")
        )
    glossary.entries.extend(Entry({"keep": name}, keep=True) for name in dict.fromkeys(names))
    return glossary


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise InputError(f"no such glossary file: {path}") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path} is not UTF-8 text; save the glossary as UTF-8") from exc


def _read_glossary(path: Path, source: Language | None, target: Language) -> list[Entry]:
    if path.suffix.lower() in (".tbx", ".xml"):
        return read_tbx(path)
    return entries_from_text(_text(path), path, source, target)


def entries_from_text(text: str, path: Path | str, source: Language | None, target: Language) -> list[Entry]:
    """The entries of TSV or CSV glossary text (`path` names it in messages and, by its suffix, may say
    which it is)."""
    import csv

    text = text.lstrip("\ufeff")
    suffix = Path(str(path)).suffix.lower()
    tabs = suffix == ".tsv" or "\t" in text.split("\n", 1)[0]
    # TSV has no quoting: a cell that begins with a quote mark is just text (CSV's quoting would swallow
    # the rows after it looking for the closing quote).
    lines = text.splitlines()
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE) if tabs else csv.reader(lines)
    rows = [row for row in reader if any(cell.strip() for cell in row)]
    if not rows:
        raise InputError(f"{path} holds no glossary entries")
    columns = _header(rows[0])
    if columns is None:
        return _two_columns(path, rows, source, target)
    if target.code not in columns:
        named = ", ".join(code for code in columns if code not in ("case", "note"))
        raise GlossaryLanguageError(
            f"{path} has no column for {target.code} (its columns: {named}); add one",
            target,
            named,
        )
    entries = []
    for number, row in enumerate(rows[1:], start=2):
        terms: dict[str, str] = {}
        case, note = False, ""
        for name, cell in zip(columns, row, strict=False):
            cell = cell.strip()
            if name == "case":
                case = cell.lower() in _SENSITIVE
            elif name == "note":
                note = cell
            elif cell:
                terms[name] = cell
        if len(terms) >= 1:
            entries.append(Entry(terms, case, note))
        elif any(cell.strip() for cell in row):
            raise InputError(f"{path}: line {number} has no term in any language column")
    return entries


def _header(row: list[str]) -> list[str] | None:
    """Column names (FLORES codes, `case`, `note`) when the first row names languages, else None."""
    names: list[str] = []
    if len({cell.strip().casefold() for cell in row}) < len(row) or any(" " in cell.strip() for cell in row):
        return None  # a header names each language once, in one word or code
    for cell in row:
        label = cell.strip()
        if label.lower() in ("case", "note", "notes", "comment"):
            names.append("note" if label.lower() != "case" else "case")
            continue
        try:
            names.append(resolve_language(label).code)
        except UsageError:
            return None
    languages = [name for name in names if name not in ("case", "note")]
    # Two cells naming one language (`French<TAB>français`) is a row of terms, not a header.
    return names if languages and len(set(languages)) == len(languages) else None


def _two_columns(
    path: Path | str, rows: list[list[str]], source: Language | None, target: Language
) -> list[Entry]:
    if source is None:
        raise GlossaryNeedsSourceError(
            f"{path} has no header row naming its languages; add one (e.g. `en<TAB>fr`) or name the source "
            "language"
        )
    if any(len(row) < 2 for row in rows):
        raise InputError(f"{path}: a headerless glossary needs two columns (source, target) on every line")
    return [
        Entry({source.code: row[0].strip(), target.code: row[1].strip()}) for row in rows if row[0].strip()
    ]


# -- TBX ----------------------------------------------------------------------------------------------------

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
