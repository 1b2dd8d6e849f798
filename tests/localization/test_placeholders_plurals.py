"""Pure functions of the localization formats: which placeholders a string has, the plural forms of a
target language (Babel's), example numbers written back, ICU messages rebuilt."""

from __future__ import annotations

import pytest

from bayling_local.documents.placeholders import missing, placeholders, protect
from bayling_local.documents.plurals import cldr_categories, gettext_plurals, put_count_back
from bayling_local.language.names import BY_CODE


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Hello %s, you have %1$d new %(kind)s.", ["%s", "%1$d", "%(kind)s"]),
        (
            "{name} has {{count}} items, {0} and {} and {0:.2f}",
            ["{name}", "{{count}}", "{0}", "{}", "{0:.2f}"],
        ),
        ("Hi %{user} and %<n>d", ["%{user}", "%<n>d"]),
        ("Read <b>this</b> &amp; <1>that</1>", ["<b>", "</b>", "&amp;", "<1>", "</1>"]),
        ("Line one\nline two\tend", ["\n", "\t"]),
        ("100% sure, 50 % off", []),
        ("Done: 5%% of %@", ["%%", "%@"]),
    ],
)
def test_placeholders_of_each_kind_are_found_and_plain_percent_signs_are_not(
    text: str, found: list[str]
) -> None:
    assert placeholders(text) == found


def test_a_protected_string_comes_back_exactly_and_missing_names_what_is_lost() -> None:
    source = "  Hello %s, {{count}} <b>new</b>\n"
    protected = protect(source)
    assert (protected.text, protected.lead, protected.trail) == (
        "Hello <m1/>, <m2/> <m3/>new<m4/>",
        "  ",
        "\n",
    )
    assert protected.restore(protected.text) == source
    assert missing("Hello %s and %s", "Bonjour %s") == ["%s"]
    assert missing("Hello %s", "Bonjour %s %d") == ["%d"]
    assert missing("{{count}} items", "{{count}} éléments") == []


def test_gettext_plural_forms_come_from_babel() -> None:
    polish = gettext_plurals(BY_CODE["pol_Latn"])
    assert polish.count == 3 and polish.header.startswith("nplurals=3; plural=n == 1 ? 0 :")
    assert polish.examples == (1, 2, 5)  # one plik, dwa pliki, pięć plików
    assert gettext_plurals(BY_CODE["fra_Latn"]).count == 3  # Babel's CLDR rule (GNU msginit writes 2)
    assert gettext_plurals(BY_CODE["jpn_Jpan"]).count == 1
    assert gettext_plurals(BY_CODE["arb_Arab"]).count == 6


def test_cldr_categories_are_what_i18next_and_icu_use() -> None:
    assert [c for c, _n in cldr_categories(BY_CODE["pol_Latn"])] == ["one", "few", "many", "other"]
    assert [c for c, _n in cldr_categories(BY_CODE["fra_Latn"])] == ["one", "many", "other"]
    assert [c for c, _n in cldr_categories(BY_CODE["eng_Latn"])] == ["one", "other"]
    assert dict(cldr_categories(BY_CODE["fra_Latn"]))["many"] == 1000000


def test_the_example_number_goes_back_as_the_placeholder_however_it_is_written() -> None:
    assert put_count_back("5 plików usunięto", 5, "%d") == "%d plików usunięto"
    assert put_count_back("1 000 000 de fichiers", 1000000, "{{count}}") == "{{count}} de fichiers"
    assert put_count_back("1,000,000 files", 1000000, "#") == "# files"
    assert put_count_back("0,5 pliku", 0.5, "#") == "# pliku"
    assert put_count_back("15 plików", 5, "%d") is None  # not the number asked for
    assert put_count_back("5 z 5", 5, "%d") is None  # twice: which one is the count?


def test_an_icu_message_is_rebuilt_with_the_targets_categories_and_escaped() -> None:
    from bayling_local.documents.icu import is_icu, still_valid
    from bayling_local.documents.strings import StringsDocument

    class Doc(StringsDocument):
        def plan(self, target):  # type: ignore[no-untyped-def]
            self.message = self.add_message(source, "key x", target)

        def render(self, translations, target):  # type: ignore[no-untyped-def]
            return (self.message.text(self, translations) or "").encode()

    source = "{n, plural, one {# file in '{'folder'}'} other {# files in {where}}} for {user}'s app"
    assert is_icu(source)
    document = Doc(None)
    document.prepare(BY_CODE["pol_Latn"])
    texts = [segment.text.replace("file", "plik") for segment in document.segments]
    out = document.output(texts, BY_CODE["pol_Latn"]).decode()
    assert out.startswith("{n, plural, one {# plik in '{'folder'}'} few {# pliks in {where}} many")
    assert out.endswith("other {# pliks in {where}}} for {user}'s app")
    assert still_valid(source, out)
    assert not still_valid(source, out.replace("{user}", "user"))
