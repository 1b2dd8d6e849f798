"""Glossaries and do-not-translate lists: which terms a segment holds, and whether a translation kept them.

A glossary is a list of concepts, each with its term in several languages (`load_glossary` reads TSV, CSV
and TBX). In a segment, a concept's source-language term is found as a whole word in scripts written with
spaces (Unicode word boundaries) and as a substring in scripts without them; case-insensitive unless the
entry says `case: sensitive`; the longest match wins where matches overlap; never inside a protected marker.
Latin-script source terms also match their plural and possessive forms (`PLURAL_ENDINGS`). A translation
keeps a term when the target term appears in it, compared case- and Unicode-normalized, each word of six
letters or more allowed to change its last letter and take two more (three from six letters on: `pompe` ->
`pompes`, `Pumpe` -> `Pumpen`, `ciudad` -> `ciudades`), apostrophes and hyphens of every kind alike; a kept
name (`--keep`) must appear exactly as written.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from ..language.names import Language
from .markers import _URL, MARKER

PLURAL_ENDINGS: dict[str, tuple[str, ...]] = {
    "eng": ("s", "es", "'s", "’s", "s'", "s’"),
    "fra": ("s", "x"),
    "deu": ("e", "en", "n", "er", "s", "es", "ern"),
    "spa": ("s", "es"),
    "por": ("s", "es"),
    "ita": ("i", "e"),
    "nld": ("s", "en", "'s"),
    "cat": ("s", "os"),
}
"""Endings a Latin-script source term may carry and still match, by ISO 639-3 code; other Latin-script
languages get English's -s, -es and -'s. (English -y -> -ies is matched too: `battery` finds `batteries`.)"""
_DEFAULT_ENDINGS = ("s", "es", "'s", "’s")
UNSPACED_SCRIPTS = {"Hans", "Hant", "Jpan", "Thai", "Khmr", "Laoo", "Mymr", "Tibt", "Bali", "Java"}


@dataclass(frozen=True)
class Entry:
    """One concept: its term in each language it has one for."""

    terms: dict[str, str]
    """FLORES code -> term."""
    case_sensitive: bool = False
    note: str = ""
    keep: bool = False
    """A do-not-translate name: the same in every language."""

    def term(self, language: Language | None) -> str | None:
        if self.keep:
            return next(iter(self.terms.values()))
        return self.terms.get(language.code) if language is not None else None


@dataclass(frozen=True)
class Match:
    """A glossary term found in a segment."""

    start: int
    end: int
    source: str
    """The term as written in the segment."""
    target: str
    """What the translation must hold."""
    entry: Entry = field(compare=False)


@dataclass
class Glossary:
    """Every entry of the glossary files and keep lists of one run."""

    entries: list[Entry] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def matches(self, text: str, source: Language | None, target: Language) -> list[Match]:
        """The terms of `text` that have a `target` term, longest first where they overlap, in text order.
        Nothing inside a protected marker or a URL is a term."""
        protected = [(m.start(), m.end()) for pattern in (MARKER, _URL) for m in pattern.finditer(text)]
        folded = _loose(text).casefold()
        found: list[Match] = []
        for entry in self.entries:
            wanted = entry.term(target)
            if not wanted:
                continue
            for language_code, term in self._source_terms(entry, source, target):
                if _needle(term) not in folded:
                    continue  # the cheap test first: most of a large glossary is not in a given segment
                pattern = _pattern(term, language_code, entry.case_sensitive or entry.keep)
                for found_at in pattern.finditer(text):
                    span = found_at.span()
                    if not any(start < span[1] and span[0] < end for start, end in protected):
                        found.append(Match(span[0], span[1], text[span[0] : span[1]], wanted, entry))
        chosen: list[Match] = []
        for match in sorted(found, key=lambda m: (-(m.end - m.start), m.start)):
            if all(match.end <= other.start or other.end <= match.start for other in chosen):
                chosen.append(match)
        return sorted(chosen, key=lambda m: m.start)

    @staticmethod
    def _source_terms(entry: Entry, source: Language | None, target: Language) -> list[tuple[str, str]]:
        if entry.keep:
            return [("", next(iter(entry.terms.values())))]
        if source is not None:
            term = entry.terms.get(source.code)
            return [(source.code, term)] if term else []
        # The source language is not known: any of the entry's other languages may be the one.
        return [(code, term) for code, term in entry.terms.items() if code != target.code]


def present(term: str, output: str, target: Language, exact: bool = False) -> bool:
    """Whether `output` holds `term` (see the module's rules); `exact` for a kept name."""
    if exact:
        pattern = rf"(?<![\w+#]){re.escape(_loose(term))}(?![\w+#])"
        return re.search(pattern, _loose(output)) is not None or (
            target.script in UNSPACED_SCRIPTS and term in output
        )
    said, wanted = _normal(MARKER.sub(" ", output)), _normal(term)
    if target.script in UNSPACED_SCRIPTS or not wanted.strip():
        return wanted.replace(" ", "") in said.replace(" ", "")
    words = [_inflected(word) for word in wanted.split()]
    return re.search(r"(?<!\w)" + r"\W+".join(words) + r"(?!\w)", said) is not None


def _inflected(word: str) -> str:
    """A word of a target term and the forms that count as it: from five letters on its last letter may
    change, and it may take up to two more letters (three from six letters on): `pompe` finds `pompes`,
    `Pumpe` `Pumpen`, `ciudad` `ciudades`, but `port` not `portail` and `réseau` not `réserve`."""
    if len(word) < 5 or not word.isalpha():
        return re.escape(word) + r"\w{0,2}" if word.isalpha() else re.escape(word)
    return re.escape(word[:-1]) + (r"\w{0,3}" if len(word) >= 6 else r"\w{0,2}")


def _normal(text: str) -> str:
    return _loose(unicodedata.normalize("NFKC", text)).casefold()


_APOSTROPHES = "'’ʼ"
_HYPHENS = "-‐‑–"


def _loose(text: str) -> str:
    """Apostrophes and hyphens of every kind as the plain ones (`O’Brien` is `O'Brien`)."""
    return text.translate({ord(c): "'" for c in _APOSTROPHES} | {ord(c): "-" for c in _HYPHENS})


def _needle(term: str) -> str:
    """A piece of the term every match must contain (its first word without the last letter), folded."""
    first = _loose(term).casefold().split()[0] if term.split() else term.casefold()
    return first[:-1] if len(first) > 3 else first


@cache
def _pattern(term: str, language_code: str, case_sensitive: bool) -> re.Pattern[str]:
    """The compiled pattern that finds `term` (in the language `language_code`) in a segment."""
    flags = 0 if case_sensitive else re.IGNORECASE
    script = language_code[4:] if language_code else ""
    body = "".join(
        r"\s+" if char.isspace() else f"[{_APOSTROPHES}]" if char in _APOSTROPHES
        else f"[{_HYPHENS}]" if char in _HYPHENS else re.escape(char)
        for char in " ".join(term.split())
    )  # fmt: skip
    if script in UNSPACED_SCRIPTS or _unspaced(term):
        return re.compile(body, flags)
    if script == "Latn" or not language_code and term.isascii():
        endings = PLURAL_ENDINGS.get(language_code[:3], _DEFAULT_ENDINGS) if language_code else ()
        options = [re.escape(ending) for ending in sorted(endings, key=len, reverse=True)]
        if language_code.startswith("eng") and term[-1:].lower() == "y":
            body = f"(?:{body}|{re.escape(term[:-1])}ies)"
        if options:
            body += f"(?:{'|'.join(options)})?"
    return re.compile(rf"(?<![\w+#]){body}(?![\w+#])", flags)


def _unspaced(term: str) -> bool:
    return any(
        unicodedata.name(char, "").startswith(("CJK", "HIRAGANA", "KATAKANA", "THAI")) for char in term
    )
