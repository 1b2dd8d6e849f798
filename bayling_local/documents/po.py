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

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..language.names import Language, bcp47, find_language, resolve_language
from ..textio import decode_utf8
from .model import AlreadyTranslatedError, fail
from .placeholders import missing
from .plurals import gettext_forms, gettext_plurals
from .slots import Slot
from .strings import StringsDocument, Tally

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
    before: tuple[str, dict[int, str]] = ("", {})
    """The entry's translation before this run (put back if the new one cannot be used)."""


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
        self.filled: set[int] = set()
        self._check_language(target)
        self.own_forms = self._own_plural_forms(target)
        forms = self._plural_forms(target)
        for entry in self.po:
            if entry.obsolete or not entry.msgid:
                continue
            if _has_translation(entry) and not self.overwrite:
                self.tally.kept += 1
                continue
            where = f"line {entry.linenum}" + (f" ({entry.msgctxt})" if entry.msgctxt else "")
            item = _Item(entry, before=(entry.msgstr, dict(entry.msgstr_plural)))
            note = _note(entry)
            if entry.msgid_plural:
                for index, (number, singular) in enumerate(forms):
                    source = entry.msgid if singular else entry.msgid_plural
                    item.slots.append(self.add_string(source, f"{where} msgstr[{index}]", number, note=note))
            else:
                item.slots.append(self.add_string(entry.msgid, where, note=note))
            self.items.append(item)

    def _check_language(self, target: Language) -> None:
        """A PO already translated into another language is not silently relabelled: its translations would
        stay in that language under the new Language header."""
        named = self.po.metadata.get("Language", "").strip()
        language = find_language(named) if named else None
        translated = any(_has_translation(e) for e in self.po if not e.obsolete and e.msgid)
        if language is not None and language != target and translated and not self.overwrite:
            raise AlreadyTranslatedError(
                f"{self.name()}: is a {language.name} translation (Language: {named}); translating it into "
                f"{target.name} would mix the two: start from the .pot",
                "entry",
            )

    def _plural_forms(self, target: Language) -> list[tuple[int | float, bool]]:
        """(example number, selects only 1) for each plural form: the file's own rule when it is already for
        the target, else Babel's. A form that also covers 21 or 0 (Russian, Japanese) is made from
        msgid_plural, never from the singular msgid."""
        babel = gettext_plurals(target)
        count, expression = self.own_forms or (babel.count, babel.expression)
        try:
            return list(gettext_forms(count, expression))
        except (ValueError, SyntaxError) as exc:
            raise fail(self.path, "the header", f"its Plural-Forms cannot be read ({exc})") from None

    own_forms: tuple[int, str] | None = None

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
                self.fail(item.slots[0].location)
                item.entry.msgstr, item.entry.msgstr_plural = item.before[0], dict(item.before[1])
                continue
            self._fill(item.entry, [text for text in texts if text is not None])
            self.filled.add(id(item.entry))
        self._header(target)
        return self.po.__unicode__().encode("utf-8")

    def _fill(self, entry: Any, texts: list[str]) -> None:
        if entry.msgid_plural:
            entry.msgstr_plural = dict(enumerate(texts))
        else:
            entry.msgstr = texts[0]
        self.tally.translated += 1
        if self.fuzzy and "fuzzy" not in entry.flags:
            entry.flags.insert(0, "fuzzy")  # first, as msgmerge writes it
        # `#| msgid` keeps what an old fuzzy translation was made from: this one is made from the msgid.
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        note = f"bayling-local: {self.translated_by}"
        lines = [line for line in entry.comment.splitlines() if not line.startswith("bayling-local: ")]
        entry.comment = "\n".join([*lines, note])

    def _header(self, target: Language) -> None:
        metadata = self.po.metadata
        metadata["Language"] = bcp47(target).replace("-", "_")
        if self.own_forms is None:
            metadata["Plural-Forms"] = gettext_plurals(target).header
        metadata["Content-Type"] = "text/plain; charset=UTF-8"
        metadata.setdefault("Content-Transfer-Encoding", "8bit")
        metadata.setdefault("MIME-Version", "1.0")
        import datetime

        metadata["PO-Revision-Date"] = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M%z")
        untouched = not metadata.get("Last-Translator") or "FULL NAME" in metadata.get("Last-Translator", "")
        if untouched and self.filled:
            metadata["Last-Translator"] = f"bayling-local ({self.translated_by}), machine translation"
        if not metadata.get("Language-Team") or "LANGUAGE" in metadata.get("Language-Team", ""):
            metadata["Language-Team"] = target.name
        self.po.metadata_is_fuzzy = False  # a POT's header is fuzzy: the PO's is filled in

    def output(self, translations: Sequence[str], target: Language) -> bytes:
        data = super().output(translations, target)
        return self.verify(data)

    def verify(self, data: bytes) -> bytes:
        """The final check, on the file as written: every entry filled in this run parsed back and its
        placeholders counted again; one that fails now gets its old translation back (never expected)."""
        import polib

        written = polib.pofile(data.decode("utf-8"), wrapwidth=0)
        ours = [entry for entry in self.po if id(entry) in self.filled]
        broken = []
        for mine, entry in zip(ours, _same_entries(written, ours), strict=True):
            if entry is None:
                broken.append(mine)
                continue
            forms = [f for f in (entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]) if f]
            if any(missing(entry.msgid_plural or entry.msgid, f) and missing(entry.msgid, f) for f in forms):
                broken.append(mine)
        if not broken:
            return data
        for entry in broken:
            item = next(item for item in self.items if item.entry is entry)
            self.tally.failed.append(item.slots[0].location)
            self.tally.translated -= 1
            self.failures.append(f"{item.slots[0].location}: placeholders changed in the file as written")
            entry.msgstr, entry.msgstr_plural = item.before[0], dict(item.before[1])
        return self.po.__unicode__().encode("utf-8")

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


def _same_entries(written: Any, ours: list[Any]) -> list[Any]:
    """The entries of the written file that are `ours`, found by context and msgid."""
    by_key = {(e.msgctxt, e.msgid): e for e in written if not e.obsolete}
    return [by_key.get((entry.msgctxt, entry.msgid)) for entry in ours]


def _has_translation(entry: Any) -> bool:
    if entry.msgid_plural:
        return any(text for text in entry.msgstr_plural.values())
    return bool(entry.msgstr)


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
