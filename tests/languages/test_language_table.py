"""The language table and name/code resolution (pure functions)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bayling_local.errors import UnknownLanguageError
from bayling_local.language.names import (
    ALIASES,
    ALL_LANGUAGES,
    BY_CODE,
    DEFAULTS,
    PROMPT_NAMES,
    ambiguous_keys,
    language_label,
    resolve_language,
    search_languages,
)
from bayling_local.language.table import SCRIPT_NAMES


def test_every_flores_code_is_in_the_table(flores_dir: Path) -> None:
    flores_codes = {path.stem for path in flores_dir.glob("*.txt")}
    assert len(flores_codes) == 205
    assert set(BY_CODE) == flores_codes


def test_rows_are_consistent() -> None:
    assert len(ALL_LANGUAGES) == len(BY_CODE) == 205
    for lang in ALL_LANGUAGES:
        assert lang.iso3 == lang.code[:3] and lang.script == lang.code[4:]
        assert lang.script in SCRIPT_NAMES, lang.code
        assert lang.iso1 is None or (len(lang.iso1) == 2 and lang.iso1.islower()), lang.code
        assert lang.name.strip() == lang.name and lang.native.strip() == lang.native and lang.native


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("eng_Latn", "eng_Latn"),
        ("ENG_LATN", "eng_Latn"),
        ("zho-Hans", "zho_Hans"),
        ("fr", "fra_Latn"),
        ("FRA", "fra_Latn"),
        ("French", "fra_Latn"),
        ("  spanish ", "spa_Latn"),
        ("english", "eng_Latn"),
        ("Français", "fra_Latn"),
        ("francais", "fra_Latn"),
        ("Deutsch", "deu_Latn"),
        ("日本語", "jpn_Jpan"),
        ("한국어", "kor_Hang"),
        ("русский", "rus_Cyrl"),
        ("Kiswahili", "swh_Latn"),
        ("Chinese (Traditional)", "zho_Hant"),
        ("Traditional Chinese", "zho_Hant"),
        ("繁體中文", "zho_Hant"),
        ("zh-TW", "zho_Hant"),
        ("zh_HK", "zho_Hant"),
        ("zh-CN", "zho_Hans"),
        ("zh-Hant", "zho_Hant"),
        ("pt-BR", "por_Latn"),
        ("en-US", "eng_Latn"),
        ("fa-AF", "prs_Arab"),
        ("Norwegian Nynorsk", "nno_Latn"),
        ("nn", "nno_Latn"),
        ("Cantonese", "yue_Hant"),
        ("Filipino", "tgl_Latn"),
    ],
)
def test_codes_and_names_resolve(query: str, code: str) -> None:
    assert resolve_language(query).code == code


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("zh", "zho_Hans"),
        ("Chinese", "zho_Hans"),
        ("zho", "zho_Hans"),
        ("中文", "zho_Hans"),
        ("ar", "arb_Arab"),
        ("Arabic", "arb_Arab"),
        ("fa", "pes_Arab"),
        ("Persian", "pes_Arab"),
        ("Farsi", "pes_Arab"),
        ("ms", "zsm_Latn"),
        ("Malay", "zsm_Latn"),
        ("no", "nob_Latn"),
        ("Norwegian", "nob_Latn"),
        ("Kurdish", "kmr_Latn"),
        ("Kashmiri", "kas_Arab"),
        ("Acehnese", "ace_Latn"),
        ("sw", "swh_Latn"),
        ("Mongolian", "khk_Cyrl"),
    ],
)
def test_ambiguous_names_resolve_to_their_stated_default(query: str, code: str) -> None:
    assert resolve_language(query).code == code


def test_every_ambiguous_name_or_code_has_a_default() -> None:
    missing = {key: codes for key, codes in ambiguous_keys().items() if key not in DEFAULTS}
    assert missing == {}
    for key, code in DEFAULTS.items():
        assert code in BY_CODE and resolve_language(key).code == code, key


def test_aliases_and_prompt_names_point_at_real_codes() -> None:
    assert set(ALIASES.values()) <= set(BY_CODE)
    assert set(PROMPT_NAMES) <= set(BY_CODE)


def test_unknown_language_suggests_close_matches() -> None:
    with pytest.raises(UnknownLanguageError) as caught:
        resolve_language("frnch")
    message = str(caught.value)
    assert "French (fra_Latn)" in message
    assert "bayling-local languages" in message
    assert caught.value.exit_code == 2


def test_unknown_language_with_no_near_name_still_suggests_some() -> None:
    with pytest.raises(UnknownLanguageError) as caught:
        resolve_language("klingonese")
    message = str(caught.value)
    assert "'klingonese'" in message and "Closest matches:" in message
    suggestions = message.split("Closest matches:")[1].split(". Run")[0].split(", ")
    assert 1 <= len(suggestions) <= 5


@pytest.mark.parametrize("query", ["", "   ", "xx-yy-zz", "eng_Cyrl_x"])
def test_nonsense_is_unknown(query: str) -> None:
    with pytest.raises(UnknownLanguageError):
        resolve_language(query)


def test_search_filters_by_code_name_and_native_name() -> None:
    assert len(search_languages(None)) == len(search_languages("")) == 205
    chinese = {lang.code for lang in search_languages("chin")}
    assert chinese == {"zho_Hans", "zho_Hant", "yue_Hant"}
    assert {lang.code for lang in search_languages("中文")} == {"zho_Hans", "zho_Hant"}
    assert {lang.code for lang in search_languages("CYRL")} >= {"rus_Cyrl", "ukr_Cyrl", "srp_Cyrl"}
    assert "fra_Latn" in {lang.code for lang in search_languages("francais")}
    assert search_languages("qqqq") == []


def test_prompt_labels_are_natural_and_unique() -> None:
    assert language_label(BY_CODE["fra_Latn"]) == "French"
    assert language_label(BY_CODE["zho_Hans"]) == "Chinese"
    assert language_label(BY_CODE["zho_Hant"]) == "Traditional Chinese"
    assert language_label(BY_CODE["arb_Arab"]) == "Arabic"
    assert language_label(BY_CODE["lvs_Latn"]) == "Latvian"
    # Two languages must never share a label, or a prompt could not tell them apart.
    labels = [language_label(lang) for lang in ALL_LANGUAGES]
    assert len(set(labels)) == len(labels)


def test_every_code_and_name_resolves_to_its_language_or_a_stated_default() -> None:
    for lang in ALL_LANGUAGES:
        assert resolve_language(lang.code) == lang
        assert resolve_language(lang.code.upper().replace("_", "-")) == lang
        for query in (lang.name, lang.native, lang.iso3, lang.iso1):
            if query is None:
                continue
            found = resolve_language(query)
            assert found == lang or DEFAULTS.get(query.casefold()) == found.code, (lang.code, query)
