"""Plural forms of a target language, from one maintained source: Babel (its CLDR data).

- gettext: `babel.messages.plurals.get_plural`, the `Plural-Forms` header Babel's own `pybabel init` writes
  (Polish `nplurals=3`, French 3 with CLDR's `many` for millions; GNU `msginit` writes 2 for French).
- CLDR categories (i18next keys, ICU `plural`): the locale's plural rule, `other` always last.

Each form gets an example number (the smallest that selects it), so a string can be translated for that
number and inflect as the language needs ("5 plików", not "5 pliki").
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import TypeVar

from ..language.names import Language

T = TypeVar("T")
CATEGORY_ORDER = ("zero", "one", "two", "few", "many", "other")
# Integers first (the form most strings are read with), then large and fractional numbers: French `many` is
# a million, Polish `other` only fractions.
_CANDIDATES: tuple[int | float, ...] = (
    *range(1, 201),
    0,
    1000,
    10000,
    100000,
    1000000,
    0.5,
    1.5,
    2.5,
)


@dataclass(frozen=True)
class GettextPlurals:
    count: int
    header: str
    """`nplurals=3; plural=...;` for the `Plural-Forms` header."""
    expression: str
    """The C expression choosing the form for `n`."""
    examples: tuple[int | float, ...]
    """An example number for each form index."""


def locale_name(language: Language) -> str:
    """The Babel locale for a FLORES language (`zho_Hant` -> `zh_Hant`, `fra_Latn` -> `fr`)."""
    from ..language.names import bcp47

    return bcp47(language).replace("-", "_")


@cache
def gettext_plurals(language: Language) -> GettextPlurals:
    from babel import UnknownLocaleError
    from babel.messages.plurals import get_plural

    for name in (locale_name(language), language.iso3):
        try:
            plural = get_plural(name)
            break
        except (ValueError, LookupError, UnknownLocaleError):
            continue
    else:
        plural = get_plural("en")  # Babel's fallback too: two forms
    examples = tuple(number for number, _only_one in gettext_forms(plural.num_plurals, plural.plural_expr))
    header = f"nplurals={plural.num_plurals}; plural={plural.plural_expr};"
    return GettextPlurals(plural.num_plurals, header, plural.plural_expr, examples)


def gettext_forms(count: int, expression: str) -> list[tuple[int, bool]]:
    """(example number, selects 1 alone) for each form of a gettext plural rule: the smallest number from 1
    up that picks it (0 when only 0 does), and whether 1 is the only number it covers (English form 0; not
    Russian's, which is also 21). ValueError or SyntaxError for an expression that cannot be read."""
    choose = gettext.c2py(expression)
    forms = []
    for index in range(count):
        numbers = [n for n in range(0, 1001) if choose(n) == index]
        example = next((n for n in numbers if n >= 1), numbers[0] if numbers else index)
        forms.append((example, numbers == [1]))
    return forms


@cache
def cldr_categories(language: Language) -> tuple[tuple[str, int | float], ...]:
    """(category, example number) for each CLDR plural category of the language, in CLDR's order."""
    from babel import Locale, UnknownLocaleError

    try:
        rule = Locale.parse(locale_name(language)).plural_form
    except (ValueError, UnknownLocaleError):
        try:
            rule = Locale.parse(language.iso1 or language.iso3).plural_form
        except (ValueError, UnknownLocaleError):
            return (("one", 1), ("other", 2))
    found: dict[str, int | float] = {}
    for number in _CANDIDATES:
        found.setdefault(rule(number), number)
    return tuple((name, found.get(name, 2)) for name in CATEGORY_ORDER if name in found or name == "other")


def _number_pattern(number: int | float) -> str:
    """How a translation may write the example number: `1.5` or `1,5`; `1000000` also grouped
    (`1 000 000`, `1,000,000`, `1.000.000`)."""
    if isinstance(number, float):
        whole, fraction = str(number).split(".")
        return rf"{whole}[.,]{fraction}"
    digits = str(number)
    if number < 1000:
        return digits
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return "(?:" + digits + "|" + r"[\s.,\u00a0\u202f']?".join(groups) + ")"


def put_count_back(translation: str, number: int | float, placeholder: str) -> str | None:
    """The translation with the example number written back as the count placeholder; None when the
    number is not in it exactly once (the translation must then be made another way)."""
    pattern = re.compile(rf"(?<![\d.,]){_number_pattern(number)}(?![.,]?\d)")
    if len(pattern.findall(translation)) != 1:
        return None
    return pattern.sub(lambda _m: placeholder, translation, count=1)


@cache
def singular_categories(language: Language) -> frozenset[str]:
    """The categories that select the number 1 alone (English `one`; not Russian `one`, which is also 21,
    nor French `one`, also 0): only these may be made from a source's singular text."""
    from babel import Locale, UnknownLocaleError

    try:
        rule = Locale.parse(locale_name(language)).plural_form
    except (ValueError, UnknownLocaleError):
        return frozenset({"one"})
    chosen: dict[str, set[int | float]] = {}
    for number in _CANDIDATES:
        chosen.setdefault(rule(number), set()).add(number)
    return frozenset(name for name, numbers in chosen.items() if numbers == {1})


def source_option(category: str, options: Mapping[str, T], target: Language) -> T:
    """The source's text to make the target's `category` from: the source's own option of that name when
    it means the same numbers (`one` only where the target's `one` is 1 alone), else its `other`."""
    if category in options and (category != "one" or category in singular_categories(target)):
        return options[category]
    return options["other"]
