"""Placeholders in software strings: what an app fills in at run time and must find again, exactly as
often, in every translation (`%s`, `%1$d`, `%(name)s`, `{name}`, `{{count}}`, `{0}`, `%{name}`, HTML tags and
entities, line breaks and tabs).

While a string is translated each placeholder is a protected marker (`translation.markers`), so the one
check-and-retry pipeline catches a dropped or doubled one; `missing` is the final check on the text as
written into the output file.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ..translation.markers import MarkerTable, literal_markers_escaped

# printf (C, Python %-format, PHP, Objective-C `%@`), with positions (`%1$s`) and names (`%(name)s`). A
# space flag is left out: "100% sure" is text, not `% s`.
PRINTF = r"%(?:\([\w.-]+\)|\d+\$)?[-+0#']*(?:\d+|\*)?(?:\.(?:\d+|\*))?(?:hh|h|ll|l|L|q|j|z|t)?[diouxXeEfFgGaAcspn@]|%%"
# Braces: i18next/Handlebars `{{count}}` (also `{{- name}}`), Python/ICU/.NET `{name}`, `{0}`, `{}`,
# `{0:.2f}`; Ruby `%{name}`, `%<name>s`; i18next nesting `$t(key)`.
BRACES = r"\{\{[^{}]*\}\}|\{[\w.-]*(?::[^{}]*)?\}|%\{\w+\}|%<\w+>[a-zA-Z]|\$t\([^()]*\)"
# HTML tags and entities; react-i18next's numbered tags (`<1>the guide</1>`).
TAGS = r"</?(?:[A-Za-z][\w:-]*(?:\s[^<>]*)?|\d+)/?>|&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]\w*);"
BREAKS = r"\r\n|[\n\r\t]"
# strftime/strptime (Rails' date formats, Python's): `%Y-%m-%d`, `%-d`, `%e`; printf's own letters are above.
STRFTIME = r"%[-_0^#]?[aAbBCDeFgGhHIjklmMpPrRSTUVwWyYZz+]"
PLACEHOLDER = re.compile(f"{BRACES}|{PRINTF}|{STRFTIME}|{TAGS}|{BREAKS}")
WITH_HASH = re.compile(f"{BRACES}|{PRINTF}|{STRFTIME}|{TAGS}|{BREAKS}|#")
"""Inside an ICU plural option `#` is the number too."""


def _pattern(hash_count: bool) -> re.Pattern[str]:
    return WITH_HASH if hash_count else PLACEHOLDER


def placeholders(text: str, hash_count: bool = False) -> list[str]:
    """Every placeholder of `text`, in order."""
    return _pattern(hash_count).findall(text)


def missing(source: str, output: str, hash_count: bool = False) -> list[str]:
    """The placeholders of `source` that `output` does not have exactly as many times (and any it added),
    for messages; empty when they agree."""
    wanted, got = Counter(placeholders(source, hash_count)), Counter(placeholders(output, hash_count))
    return sorted((wanted - got) + (got - wanted))


@dataclass
class Protected:
    """A string ready for the model: one line, its placeholders as markers, its outer blanks aside."""

    text: str
    table: MarkerTable
    lead: str = ""
    trail: str = ""

    def restore(self, translation: str) -> str:
        return self.lead + self.table.restore(translation.strip()) + self.trail


def protect(text: str, hash_count: bool = False) -> Protected:
    """`text` with each placeholder (and any literal marker-like text) replaced by a void marker; leading and
    trailing blanks are kept aside (a translation must keep "Name: " ending in its space)."""
    body = text.strip()
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    table = MarkerTable()
    body = literal_markers_escaped(body, table)
    marked = _pattern(hash_count).sub(lambda match: table.void(match.group(0)), body)
    return Protected(marked, table, lead, trail)
