"""The pieces a localization file is made of once read: slots (one string, or one plural form of one, queued
for translation) and messages (a string of the file, put back from its slots), and what a message needs of
its document (`StringTable`, which `strings.StringsDocument` is)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from .placeholders import Protected


@dataclass
class Slot:
    """One string of the file, or one plural form of one."""

    source: str
    """The string as the file has it (for a plural form: the source form it is made from)."""
    location: str
    plain: Protected | None = None
    plain_index: int | None = None
    numbered: Protected | None = None
    numbered_index: int | None = None
    example: int | float | None = None
    count: str | None = None
    hash_count: bool = False
    """An ICU plural option: `#` is a placeholder (the number)."""


class StringTable(Protocol):
    """What a message asks of the document it belongs to."""

    icu_quoting: bool
    """ICU messages are written with ICU's apostrophe quoting (not in ARB: Flutter reads them literally)."""

    def add_string(
        self,
        source: str,
        location: str,
        example: int | float | None = None,
        count: str | None = None,
        hash_count: bool = False,
        note: str = "",
    ) -> Slot:
        """Queue `source` for translation (for the plural form that `example` selects, if given)."""
        ...

    def translated(self, slot: Slot, translations: Sequence[str]) -> str | None:
        """The slot's translation with every placeholder back, or None (recorded as a failure)."""
        ...


class Message(Protocol):
    """A string of the file, ready to be put back from the translations."""

    def text(self, document: StringTable, translations: Sequence[str]) -> str | None: ...


@dataclass
class PlainMessage:
    slot: Slot

    def text(self, document: StringTable, translations: Sequence[str]) -> str | None:
        return document.translated(self.slot, translations)
