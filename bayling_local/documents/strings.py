"""What every software-localization format shares: its strings, each translated with its placeholders as
protected markers, and put back only when every placeholder survived exactly as often.

A plural form is translated for an example number of that form ("5 files" for Polish `many`), so the
language can inflect, and the number written back as the count placeholder; when the model does not write
the number back recognisably, the form's translation with the placeholder as a marker is used instead.
A string whose placeholders cannot be kept is left untranslated and reported (`failures`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..language.names import Language
from ..translation.markers import markers_intact, strip_markers
from .icu import icu_message, is_icu
from .model import KNOWN_WRONG, Document
from .placeholders import PLACEHOLDER, Protected, missing, placeholders, protect
from .plurals import put_count_back
from .slots import Message, PlainMessage, Slot

REJECTED = KNOWN_WRONG
"""Checks whose failure leaves a string untranslated: a translator sees an empty entry, an app its source."""
_INTEGER = re.compile(r"%(?:\d+\$)?[-+0#']*\d*(?:hh|h|ll|l|L|q|j|z|t)?[diu]|%\(\w+\)[diu]")
_NAMED_COUNT = re.compile(r"\{\{-?\s*(?:count|n|num|number)\s*\}\}|\{(?:count|n|num|number|0)\}|%\{count\}")
_LETTERS = re.compile(r"[^\W\d_]")


def count_placeholder(text: str) -> str | None:
    """The placeholder a plural string's number goes in: `%d` (`%1$d`, `%(n)d`), `{{count}}`, `{count}`,
    `{0}`, ICU's `#`, or the string's only placeholder."""
    for pattern in (_INTEGER, _NAMED_COUNT):
        found = pattern.search(text)
        if found:
            return found.group(0)
    if "#" in text and not PLACEHOLDER.search(text):
        return "#"
    every = [p for p in placeholders(text) if p not in ("\n", "\r\n", "\r", "\t")]
    return every[0] if len(set(every)) == 1 else None


class StringsDocument(Document):
    """A document of short strings (PO, XLIFF, JSON, ARB, YAML). Its segments depend on the target
    language (plural forms), so they are made by `plan(target)`, called through `prepare`."""

    def __init__(self, path: Path | None) -> None:
        super().__init__(path)
        self.failures: list[str] = []
        """`location: placeholder(s) missing`, for each string left untranslated."""
        self.rejections: list[str] = []
        """`location: why`, for each string left untranslated because its translation failed a check."""
        self.failure_kind = "placeholders"
        self.tally = Tally()
        self.planned_for: Language | None = None
        self.icu_quoting = True
        """ICU messages are written with ICU's apostrophe quoting (not in ARB: Flutter reads them literally)."""

    def kept_wrong(self) -> list[tuple[str, str]]:
        return []  # a string whose translation is wrong is left untranslated: `untranslated` names it

    def untranslated(self) -> list[tuple[str, str]]:
        return [(failure, "placeholders") for failure in self.failures] + [
            (rejection, "left untranslated") for rejection in self.rejections
        ]

    def add_string(
        self,
        source: str,
        location: str,
        example: int | float | None = None,
        count: str | None = None,
        hash_count: bool = False,
        note: str = "",
    ) -> Slot:
        """Queue `source` for translation (for the plural form that `example` selects, if given; `count`:
        the placeholder that takes the number, found when not given)."""
        slot = Slot(source, location, hash_count=hash_count)
        protected = protect(source, hash_count)
        if not _LETTERS.search(strip_markers(protected.text)):
            return slot  # only placeholders, numbers or blanks: nothing to translate, kept as it is
        slot.plain, slot.plain_index = protected, self._queue(protected, location, note)
        if example is not None and count is None:
            count = count_placeholder(source)
        if example is not None and count is not None and count in source:
            number = protect(source.replace(count, str(example), 1), hash_count)
            slot.numbered, slot.numbered_index = (
                number,
                self._queue(number, f"{location} (n={example})", note),
            )
            slot.example, slot.count = example, count
        return slot

    def prepare(self, target: Language) -> None:
        if self.planned_for != target:
            self.segments.clear()
            self.failures.clear()
            self.planned_for = target
            self.plan(target)

    def plan(self, target: Language) -> None:
        """Queue the file's strings for `target` (`add_string`, `add_message`)."""
        raise NotImplementedError

    def add_message(self, source: str, location: str, target: Language) -> Message:
        """A string that may be an ICU MessageFormat message with plural or select blocks: those are
        translated option by option and get the target's plural categories; any other string is one slot."""
        if is_icu(source):
            found = icu_message(self, source, location, target)
            if found is not None:
                return found
        return PlainMessage(self.add_string(source, location))

    def _queue(self, protected: Protected, location: str, note: str = "") -> int:
        self.add(protected.text, location, protected.table).note = note
        return len(self.segments) - 1

    def translated(self, slot: Slot, translations: Sequence[str]) -> str | None:
        """The slot's translation with every placeholder back, or None (recorded as a failure)."""
        if slot.plain is None or slot.plain_index is None:
            return slot.source
        if (
            slot.numbered is not None
            and slot.numbered_index is not None
            and self._usable(slot.numbered_index)
        ):
            chosen = self._numbered(slot, translations[slot.numbered_index])
            if chosen is not None:
                return chosen
        if not self._usable(slot.plain_index):
            self.failure_kind = "check"
            self.rejections.append(f"{slot.location}: {REJECTED[self.checks[slot.plain_index] or '']}")
            return None
        self.failure_kind = "placeholders"
        text = translations[slot.plain_index]
        restored = (
            slot.plain.restore(text) if text.strip() and markers_intact(slot.plain.text, text) else None
        )
        lost = (
            missing(slot.source, restored, slot.hash_count)
            if restored is not None
            else placeholders(slot.source, slot.hash_count)
        )
        if restored is None or lost:
            shown = ", ".join(dict.fromkeys(lost)) or "the text"
            self.failures.append(
                f"{slot.location}: {shown!r} not kept" if lost else f"{slot.location}: no translation"
            )
            return None
        return restored

    def _usable(self, index: int) -> bool:
        """Not failing a check that makes a string worse than none (an app would show it as translated)."""
        check = self.checks[index] if index < len(self.checks) else None
        return check not in REJECTED

    def fail(self, location: str) -> None:
        """Count an entry left untranslated, by why (`failure_kind`, set by `translated`)."""
        (self.tally.rejected if self.failure_kind == "check" else self.tally.failed).append(location)

    def _numbered(self, slot: Slot, text: str) -> str | None:
        assert slot.numbered is not None and slot.count is not None and slot.example is not None
        if not text.strip() or not markers_intact(slot.numbered.text, text):
            return None
        back = put_count_back(slot.numbered.restore(text), slot.example, slot.count)
        return back if back is not None and not missing(slot.source, back, slot.hash_count) else None


@dataclass
class Tally:
    """What became of a file's entries, for the per-file summary."""

    translated: int = 0
    kept: int = 0
    """Already translated in the file (PO, XLIFF) and left alone (`--overwrite` translates them again)."""
    skipped: int = 0
    """Nothing to translate (only placeholders, numbers, empty)."""
    failed: list[str] = field(default_factory=list)
    """Left untranslated: a placeholder could not be kept."""
    rejected: list[str] = field(default_factory=list)
    """Left untranslated: the translation still failed a check that makes it worse than none (`REJECTED`)."""

    def line(self) -> str:
        parts = [f"{self.translated} translated", f"{self.kept} kept", f"{self.skipped} skipped"]
        parts.append(f"{len(self.failed)} placeholder failure{'s' if len(self.failed) != 1 else ''}")
        if self.rejected:
            parts.append(f"{len(self.rejected)} left untranslated by the checks")
        return ", ".join(parts)
