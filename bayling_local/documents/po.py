"""gettext PO and POT files, read and written with `polib`.

Entries with no translation get one; translated ones are kept unless `--overwrite`. Every machine
translation is flagged `#, fuzzy` (translators review it; `--no-fuzzy` leaves the flag off) and carries a
`#. bayling-local: MODEL` comment. `msgctxt` and the comments go to the model as context. A plural entry
gets one form per plural form of the target language, each translated for an example number of that form;
the `Plural-Forms` header is the file's own when it already names the target language, else Babel's
(`documents.plurals`). References, flags, obsolete entries and the header's other fields are kept. A string
whose placeholders cannot be kept stays empty (and is reported), as an untranslated entry.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..languages import Language, bcp47, resolve_language
from ..textio import decode_utf8
from .model import fail
from .plurals import gettext_plurals
from .strings import Slot, StringsDocument, Tally

# A line of a PO file: a keyword and a string, a continued string, a comment, or nothing.
_LINE = re.compile(
    r'^\s*(?:(?:#~\s*)?(?:#\|\s*)?(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"(?:[^"\\]|\\.)*"\s*$'
    r"|^\s*#.*$|^\s*$"
)


@dataclass
class _Item:
    entry: Any
    """The `polib.POEntry`."""
    slots: list[Slot] = field(default_factory=list)


class PoDocument(StringsDocument):
    format = "po"

    def __init__(self, path: Path | None, text: str, overwrite: bool = False, fuzzy: bool = True) -> None:
        import polib

        super().__init__(path)
        _check_lines(path, text)
        try:
            self.po = polib.pofile(text, wrapwidth=0)
        except (OSError, ValueError) as exc:
            raise fail(path, _line_of(str(exc)), f"not a valid PO file ({exc})") from exc
        _check_duplicates(path, self.po)
        self.overwrite, self.fuzzy = overwrite, fuzzy
        self.items: list[_Item] = []
        self.tally = Tally()

    def plan(self, target: Language) -> None:
        self.items.clear()
        self.tally = Tally()
        examples = self._plural_examples(target)
        for entry in self.po:
            if entry.obsolete or not entry.msgid:
                continue
            if _has_translation(entry) and not self.overwrite:
                self.tally.kept += 1
                continue
            where = f"line {entry.linenum}" + (f" ({entry.msgctxt})" if entry.msgctxt else "")
            item = _Item(entry)
            note = _note(entry)
            if entry.msgid_plural:
                for index, number in enumerate(examples):
                    source = entry.msgid if number == 1 else entry.msgid_plural
                    item.slots.append(self.add_string(source, f"{where} msgstr[{index}]", number, note=note))
            else:
                item.slots.append(self.add_string(entry.msgid, where, note=note))
            self.items.append(item)

    def _plural_examples(self, target: Language) -> tuple[int | float, ...]:
        own = self._own_plural_forms(target)
        if own is not None:
            count, expression = own
            choose = gettext.c2py(expression)
            return tuple(next((n for n in range(1, 1001) if choose(n) == i), i) for i in range(count))
        return gettext_plurals(target).examples

    def _own_plural_forms(self, target: Language) -> tuple[int, str] | None:
        """The file's Plural-Forms, when its Language is the target (a PO being completed)."""
        language, forms = self.po.metadata.get("Language", ""), self.po.metadata.get("Plural-Forms", "")
        try:
            if not language or resolve_language(language) != target:
                return None
        except Exception:  # noqa: BLE001 - an odd Language header: use Babel's rule
            return None
        found = re.search(r"nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*([^;]+);?", forms)
        return (int(found.group(1)), found.group(2).strip()) if found else None

    def render(self, translations: Sequence[str], target: Language) -> bytes:
        self.failures.clear()
        for item in self.items:
            texts = [self.translated(slot, translations) for slot in item.slots]
            if any(text is None for text in texts):
                self.tally.failed.append(item.slots[0].location)
                _clear(item.entry)
                continue
            self._fill(item.entry, [text for text in texts if text is not None])
        self._header(target)
        return self.po.__unicode__().encode("utf-8")

    def _fill(self, entry: Any, texts: list[str]) -> None:
        if entry.msgid_plural:
            entry.msgstr_plural = dict(enumerate(texts))
        else:
            entry.msgstr = texts[0]
        self.tally.translated += 1
        if self.fuzzy and "fuzzy" not in entry.flags:
            entry.flags.append("fuzzy")
        note = f"bayling-local: {self.translated_by}"
        lines = [line for line in entry.comment.splitlines() if not line.startswith("bayling-local: ")]
        entry.comment = "\n".join([*lines, note])

    def _header(self, target: Language) -> None:
        metadata = self.po.metadata
        metadata["Language"] = bcp47(target).replace("-", "_")
        if self._own_plural_forms(target) is None:
            metadata["Plural-Forms"] = gettext_plurals(target).header
        metadata["Content-Type"] = "text/plain; charset=UTF-8"
        metadata.setdefault("Content-Transfer-Encoding", "8bit")
        metadata.setdefault("MIME-Version", "1.0")
        import datetime

        metadata["PO-Revision-Date"] = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M%z")
        if not metadata.get("Last-Translator") or "FULL NAME" in metadata.get("Last-Translator", ""):
            metadata["Last-Translator"] = f"bayling-local ({self.translated_by}), machine translation"
        if not metadata.get("Language-Team") or "LANGUAGE" in metadata.get("Language-Team", ""):
            metadata["Language-Team"] = target.name
        self.po.metadata_is_fuzzy = False  # a POT's header is fuzzy: the PO's is filled in

    def output(self, translations: Sequence[str], target: Language) -> bytes:
        data = super().output(translations, target)
        return self.verify(data)

    def verify(self, data: bytes) -> bytes:
        """The final check, on the file as written: every translated entry parsed back and its
        placeholders counted again; one that fails now is emptied (never expected)."""
        import polib

        from .placeholders import missing

        written = polib.pofile(data.decode("utf-8"), wrapwidth=0)
        broken = []
        for entry in written:
            if entry.obsolete or not entry.msgid or not _has_translation(entry):
                continue
            forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
            if any(
                missing(entry.msgid_plural or entry.msgid, form) and missing(entry.msgid, form)
                for form in forms
            ):
                broken.append(entry)
        if not broken:
            return data
        for entry in broken:
            self.tally.failed.append(f"line {entry.linenum}")
            _clear(entry)
        return written.__unicode__().encode("utf-8")

    def summary(self) -> str:
        return self.tally.line()


def _note(entry: Any) -> str:
    """What the entry is, as its context and its comments say (the model's hint)."""
    parts = [f"context: {entry.msgctxt}"] if entry.msgctxt else []
    parts += [
        line
        for line in (entry.comment or "").splitlines() + (entry.tcomment or "").splitlines()
        if line.strip()
    ]
    parts = [part for part in parts if not part.startswith("bayling-local: ")]
    return "; ".join(parts)[:200]


def _has_translation(entry: Any) -> bool:
    if entry.msgid_plural:
        return any(text for text in entry.msgstr_plural.values())
    return bool(entry.msgstr)


def _clear(entry: Any) -> None:
    if entry.msgid_plural:
        entry.msgstr_plural = dict.fromkeys(entry.msgstr_plural or {0: "", 1: ""}, "")
    else:
        entry.msgstr = ""


def _check_lines(path: Path | None, text: str) -> None:
    """polib passes over some broken lines (an unterminated string); msgfmt would not."""
    for number, line in enumerate(text.splitlines(), 1):
        if not _LINE.match(line):
            raise fail(path, f"line {number}", f"not PO syntax: {line.strip()[:60]!r}")


def _check_duplicates(path: Path | None, po: Any) -> None:
    seen: dict[tuple[str | None, str], int] = {}
    for entry in po:
        if entry.obsolete:
            continue
        key = (entry.msgctxt, entry.msgid)
        if key in seen:
            raise fail(
                path, f"line {entry.linenum}", f"duplicate entry {entry.msgid!r} (first at line {seen[key]})"
            )
        seen[key] = entry.linenum


def _line_of(message: str) -> str:
    found = re.search(r"line (\d+)", message)
    return f"line {found.group(1)}" if found else ""


def read_po(data: bytes, path: Path | None, overwrite: bool = False, fuzzy: bool = True) -> PoDocument:
    return PoDocument(path, decode_utf8(data, str(path) if path else "the input"), overwrite, fuzzy)
