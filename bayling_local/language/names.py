"""Languages by FLORES-200 code, and the one place where a user's language name or code is resolved.

`resolve_language` accepts FLORES codes (`zho_Hans`, `zho-hans`), ISO 639-1 and 639-3 codes, BCP-47 tags
(`pt-BR`, `zh-TW`, `sr-Cyrl`), English names and native names, case- and accent-insensitively. A name or
code shared by several FLORES languages resolves to the default in `DEFAULTS`.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from ..errors import UnknownLanguageError
from .table import LANGUAGE_ROWS, SCRIPT_NAMES

RTL_SCRIPTS = frozenset({"Arab", "Hebr", "Thaa", "Syrc", "Nkoo", "Adlm"})
"""ISO 15924 scripts written right to left."""


@dataclass(frozen=True)
class Language:
    """One FLORES-200 language variety (a language in one script)."""

    code: str
    """FLORES-200 code: ISO 639-3 code, underscore, ISO 15924 script, e.g. `zho_Hans`."""
    name: str
    """English name as in the FLORES-200 README, e.g. "Chinese (Simplified)"."""
    native: str
    """The language's own name for itself (autonym), e.g. "简体中文"."""
    iso3: str
    """ISO 639-3 code, e.g. `zho`."""
    iso1: str | None
    """ISO 639-1 two-letter code where one exists and points at this variety, e.g. `zh`; else None."""
    script: str
    """ISO 15924 script code, e.g. `Hans`."""

    @property
    def right_to_left(self) -> bool:
        """Written right to left (Arabic, Hebrew, Thaana, Syriac, N'Ko, Adlam scripts)."""
        return self.script in RTL_SCRIPTS

    @property
    def script_name(self) -> str:
        """English name of the script, e.g. "Simplified Han"."""
        return SCRIPT_NAMES.get(self.script, self.script)


ALL_LANGUAGES: tuple[Language, ...] = tuple(
    Language(code, name, native, code[:3], iso1, code[4:]) for code, name, native, iso1 in LANGUAGE_ROWS
)
BY_CODE: dict[str, Language] = {lang.code: lang for lang in ALL_LANGUAGES}

# Names and codes that several FLORES languages share (macrolanguages, one language in two scripts, bare
# names such as "Arabic") resolve to the variety most users mean: the standard or most widely written one.
# Keys are normalized (casefolded). A test checks that every ambiguous key of the index is listed here.
# fmt: off
DEFAULTS: dict[str, str] = {
    # Chinese: Mandarin in simplified characters (mainland China, Singapore).
    "zh": "zho_Hans", "zho": "zho_Hans", "chi": "zho_Hans", "chinese": "zho_Hans",
    # Arabic: Modern Standard Arabic in Arabic script, not a spoken dialect nor the romanization.
    "ar": "arb_Arab", "ara": "arb_Arab", "arb": "arb_Arab", "arabic": "arb_Arab",
    "modern standard arabic": "arb_Arab",
    # Persian: Iranian Persian; Dari is asked for as `prs`, "Dari" or `fa-AF`.
    "fa": "pes_Arab", "fas": "pes_Arab", "per": "pes_Arab", "persian": "pes_Arab", "farsi": "pes_Arab",
    "ms": "zsm_Latn", "msa": "zsm_Latn", "may": "zsm_Latn", "malay": "zsm_Latn",
    "no": "nob_Latn", "nor": "nob_Latn", "norwegian": "nob_Latn", "norsk": "nob_Latn",
    "sq": "als_Latn", "sqi": "als_Latn", "alb": "als_Latn", "albanian": "als_Latn",
    "mn": "khk_Cyrl", "mon": "khk_Cyrl", "mongolian": "khk_Cyrl",
    "ps": "pbt_Arab", "pus": "pbt_Arab", "pashto": "pbt_Arab",
    "sw": "swh_Latn", "swa": "swh_Latn", "swahili": "swh_Latn",
    "uz": "uzn_Latn", "uzb": "uzn_Latn", "uzbek": "uzn_Latn",
    "az": "azj_Latn", "aze": "azj_Latn", "azerbaijani": "azj_Latn",
    "lv": "lvs_Latn", "lav": "lvs_Latn", "latvian": "lvs_Latn",
    "ne": "npi_Deva", "nep": "npi_Deva",
    "om": "gaz_Latn", "orm": "gaz_Latn", "oromo": "gaz_Latn",
    "mg": "plt_Latn", "mlg": "plt_Latn", "malagasy": "plt_Latn",
    "qu": "quy_Latn", "que": "quy_Latn", "quechua": "quy_Latn",
    "ay": "ayr_Latn", "aym": "ayr_Latn", "aymara": "ayr_Latn",
    # Kurdish: Kurmanji (Latin script); Sorani is `ckb` / "Central Kurdish".
    "ku": "kmr_Latn", "kur": "kmr_Latn", "kurdish": "kmr_Latn",
    "yi": "ydd_Hebr", "yid": "ydd_Hebr", "yiddish": "ydd_Hebr",
    "kr": "knc_Latn", "kau": "knc_Latn", "knc": "knc_Latn", "kanuri": "knc_Latn",
    "central kanuri": "knc_Latn",
    "ff": "fuv_Latn", "ful": "fuv_Latn", "fulah": "fuv_Latn", "fula": "fuv_Latn", "fulfulde": "fuv_Latn",
    "et": "est_Latn", "est": "est_Latn",
    "ks": "kas_Arab", "kas": "kas_Arab", "kashmiri": "kas_Arab", "كٲشُر": "kas_Arab",
    # Languages FLORES has in two scripts: the Latin one where it is the everyday script.
    "ace": "ace_Latn", "acehnese": "ace_Latn",
    "bjn": "bjn_Latn", "banjar": "bjn_Latn",
    "min": "min_Latn", "minangkabau": "min_Latn",
    "taq": "taq_Latn", "tamasheq": "taq_Latn", "tmh": "taq_Latn", "tamajaq": "taq_Latn",
    "tamazight": "tzm_Tfng", "berber": "tzm_Tfng", "ber": "tzm_Tfng",
}
# fmt: on

# Other names users type for a language: exonyms, older names, common native names. Normalized keys.
# fmt: off
ALIASES: dict[str, str] = {
    "simplified chinese": "zho_Hans", "chinese simplified": "zho_Hans", "mandarin": "zho_Hans",
    "中文": "zho_Hans", "汉语": "zho_Hans", "普通话": "zho_Hans", "简体": "zho_Hans",
    "zh-hans": "zho_Hans",
    "traditional chinese": "zho_Hant", "chinese traditional": "zho_Hant", "繁体中文": "zho_Hant",
    "國語": "zho_Hant", "繁體": "zho_Hant", "zh-hant": "zho_Hant",
    "cantonese": "yue_Hant", "粤语": "yue_Hant", "廣東話": "yue_Hant", "广东话": "yue_Hant",
    "dari persian": "prs_Arab", "afghan persian": "prs_Arab", "sorani": "ckb_Arab", "kurmanji": "kmr_Latn",
    "punjabi": "pan_Guru", "panjabi": "pan_Guru", "tibetan": "bod_Tibt", "oriya": "ory_Orya",
    "filipino": "tgl_Latn", "myanmar": "mya_Mymr", "greek modern": "ell_Grek", "modern greek": "ell_Grek",
    "slovene": "slv_Latn", "kirghiz": "kir_Cyrl", "kyrgyz": "kir_Cyrl", "gaelic": "gla_Latn",
    "haitian": "hat_Latn", "sinhalese": "sin_Sinh", "bangla": "ben_Beng",
    "manipuri": "mni_Beng", "meitei": "mni_Beng", "meithei": "mni_Beng", "chichewa": "nya_Latn",
    "chewa": "nya_Latn", "sotho": "sot_Latn", "sesotho": "sot_Latn", "pedi": "nso_Latn",
    "sepedi": "nso_Latn", "moldovan": "ron_Latn", "flemish": "nld_Latn", "castilian": "spa_Latn",
    "valencian": "cat_Latn", "bokmål": "nob_Latn", "bokmal": "nob_Latn", "nynorsk": "nno_Latn",
    "maori": "mri_Latn", "māori": "mri_Latn", "luganda": "lug_Latn", "kiswahili": "swh_Latn",
    "dinka": "dik_Latn", "mossi": "mos_Latn", "mooré": "mos_Latn", "kachin": "kac_Latn",
    "kabiye": "kbp_Latn", "cape verdean creole": "kea_Latn", "kongo": "kon_Latn", "luba": "lua_Latn",
    "tshiluba": "lua_Latn", "nko": "nqo_Nkoo", "n'ko": "nqo_Nkoo", "uighur": "uig_Arab",
    "tajiki": "tgk_Cyrl", "tosk": "als_Latn", "hebrew": "heb_Hebr", "ivrit": "heb_Hebr",
    "english": "eng_Latn", "deutsch": "deu_Latn", "español": "spa_Latn", "castellano": "spa_Latn",
    "français": "fra_Latn", "русский язык": "rus_Cyrl", "日本语": "jpn_Jpan", "조선어": "kor_Hang",
    "한국말": "kor_Hang", "فارسی دری": "prs_Arab", "norsk bokmal": "nob_Latn",
}
# fmt: on

# How a language is named inside a prompt: the plain English name where the FLORES name carries a
# qualifier ("Standard", "Western", a script) that a model does not need.
# fmt: off
PROMPT_NAMES: dict[str, str] = {
    "zho_Hans": "Chinese", "zho_Hant": "Traditional Chinese", "yue_Hant": "Cantonese",
    "arb_Arab": "Arabic", "arb_Latn": "Arabic in Latin script", "pes_Arab": "Persian",
    "zsm_Latn": "Malay", "lvs_Latn": "Latvian", "khk_Cyrl": "Mongolian", "uzn_Latn": "Uzbek",
    "azj_Latn": "Azerbaijani", "pbt_Arab": "Pashto", "pan_Guru": "Punjabi", "plt_Latn": "Malagasy",
    "gaz_Latn": "Oromo", "als_Latn": "Albanian", "ydd_Hebr": "Yiddish", "bod_Tibt": "Tibetan",
    "quy_Latn": "Quechua", "ayr_Latn": "Aymara", "swh_Latn": "Swahili", "fuv_Latn": "Fulfulde",
    "kmr_Latn": "Kurdish (Kurmanji)", "ckb_Arab": "Kurdish (Sorani)", "nob_Latn": "Norwegian Bokmål",
    "mni_Beng": "Meitei", "dik_Latn": "Dinka", "ace_Latn": "Acehnese", "bjn_Latn": "Banjar",
    "min_Latn": "Minangkabau", "taq_Latn": "Tamasheq", "kas_Arab": "Kashmiri", "knc_Latn": "Kanuri",
}
# fmt: on

_BCP47 = re.compile(r"^([a-z]{2,3})(?:[-_ ]([a-z]{4}))?(?:[-_ ]([a-z]{2}|\d{3}))?$")
# BCP-47 regions that imply a script or a variety FLORES has separately.
# fmt: off
_REGION_DEFAULTS: dict[tuple[str, str], str] = {
    ("zh", "tw"): "zho_Hant", ("zh", "hk"): "zho_Hant", ("zh", "mo"): "zho_Hant",
    ("zho", "tw"): "zho_Hant", ("zho", "hk"): "zho_Hant", ("zho", "mo"): "zho_Hant",
    ("fa", "af"): "prs_Arab", ("fas", "af"): "prs_Arab",
}
# fmt: on


def _normalize(text: str) -> str:
    """Casefold, NFC, and squeeze white space: the form every index key has."""
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _strip_accents(text: str) -> str:
    """Drop the accents of Latin letters ("Français" -> "Francais") so users may type names without them.

    Text in other scripts is returned unchanged: in Indic scripts, for one, the combining marks are vowels.
    """
    decomposed = unicodedata.normalize("NFD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain if all(_is_latin_or_neutral(ch) for ch in plain) else text


def _is_latin_or_neutral(char: str) -> bool:
    """True for ASCII and Latin letters (and punctuation, digits, spaces)."""
    return char.isascii() or not char.isalpha() or "LATIN" in unicodedata.name(char, "")


def _base_name(name: str) -> str:
    """The name without a trailing parenthetical: "Chinese (Simplified)" -> "Chinese"."""
    return name.split(" (", 1)[0]


def _keys_of(lang: Language) -> Iterable[str]:
    yield lang.code
    yield lang.iso3
    if lang.iso1:
        yield lang.iso1
    for name in (lang.name, _base_name(lang.name), lang.native):
        yield name
        yield _strip_accents(name)


@cache
def _index() -> dict[str, tuple[str, ...]]:
    """Normalized key -> FLORES codes it names (several for ambiguous keys; DEFAULTS picks among them)."""
    found: dict[str, list[str]] = {}
    for lang in ALL_LANGUAGES:
        for key in _keys_of(lang):
            codes = found.setdefault(_normalize(key), [])
            if lang.code not in codes:
                codes.append(lang.code)
    for key, code in ALIASES.items():
        found[_normalize(key)] = [code]
    return {key: tuple(codes) for key, codes in found.items()}


def ambiguous_keys() -> dict[str, tuple[str, ...]]:
    """Index keys that name several languages (each must have an entry in DEFAULTS)."""
    return {key: codes for key, codes in _index().items() if len(codes) > 1}


def stated_defaults(codes: Iterable[str]) -> list[tuple[str, str]]:
    """(name or code, FLORES code) for the DEFAULTS that pick one of `codes` where the name is shared or is
    not the language's own: what a listing should say so that `no` -> nob_Latn is no surprise."""
    wanted = set(codes)
    shared = ambiguous_keys()
    notes = []
    for key, code in DEFAULTS.items():
        own = {_normalize(own_key) for own_key in _keys_of(BY_CODE[code])}
        if code in wanted and (key in shared or key not in own):
            notes.append((key, code))
    return sorted(notes)


def _lookup(key: str) -> Language | None:
    if key in DEFAULTS:
        return BY_CODE[DEFAULTS[key]]
    codes = _index().get(key)
    if codes:
        # Several codes without a default is a gap in DEFAULTS (a test guards it): take the first.
        return BY_CODE[codes[0]]
    return None


def _lookup_tag(key: str) -> Language | None:
    """BCP-47-like tags: `zh-TW`, `pt_BR`, `sr-Cyrl`, `zho-Hant`, `en-US`."""
    match = _BCP47.match(key)
    if match is None:
        return None
    lang, script, region = match.groups()
    if script:
        for code in _index().get(lang, ()):
            if code.casefold().endswith("_" + script):
                return BY_CODE[code]
    if region and (lang, region) in _REGION_DEFAULTS:
        return BY_CODE[_REGION_DEFAULTS[(lang, region)]]
    if script is None and region is None:
        return None
    return _lookup(lang)


def names_by_code() -> dict[str, list[str]]:
    """Every name and code `resolve_language` takes for each language (its ambiguous names only where it is
    the default): what a search box matches first."""
    found: dict[str, list[str]] = {lang.code: [] for lang in ALL_LANGUAGES}
    for key in _index():
        language = _lookup(key)
        if language is not None:
            found[language.code].append(key)
    for key, code in DEFAULTS.items():
        if key not in found[code]:
            found[code].append(key)
    return found


def find_language(query: str) -> Language | None:
    """The language a name or code means, or None. See `resolve_language`."""
    key = _normalize(query)
    if not key:
        return None
    for candidate in (key, key.replace("-", "_"), key.replace(" ", "_"), _strip_accents(key)):
        found = _lookup(candidate)
        if found is not None:
            return found
    return _lookup_tag(key)


def closest_languages(query: str, limit: int = 5) -> list[Language]:
    """Up to `limit` languages whose names or codes look most like `query` (for "did you mean")."""
    key = _normalize(query)
    keys = list(_index())
    matches: list[str] = []
    for cutoff in (0.75, 0.6, 0.45):
        matches = difflib.get_close_matches(key, keys, n=limit * 3, cutoff=cutoff)
        if matches:
            break
    result: list[Language] = []
    for match in matches:
        lang = _lookup(match)
        if lang is not None and lang not in result:
            result.append(lang)
    return result[:limit]


def resolve_language(query: str) -> Language:
    """The language a user means by a code or name; raises UnknownLanguageError with suggestions."""
    found = find_language(query)
    if found is not None:
        return found
    suggestions = closest_languages(query)
    hint = ", ".join(f"{lang.name} ({lang.code})" for lang in suggestions)
    closest = f" Closest matches: {hint}." if hint else ""
    raise UnknownLanguageError(
        f"Unknown language {query.strip()!r}.{closest} Run `bayling-local languages` to list all languages."
    )


def ambiguity_notice(query: str) -> str | None:
    """What to tell the user when `query` could name several languages and the stated default was taken."""
    key = _normalize(query)
    chosen = find_language(query)
    if chosen is None or not (key in DEFAULTS or key in ambiguous_keys()):
        return None
    others = [BY_CODE[c] for c in ambiguous_keys().get(key, ()) if c != chosen.code]
    if len(key) > 3:  # a name: languages whose name contains it too ("Norwegian Nynorsk", "Central Kurdish")
        others += [
            lang
            for lang in ALL_LANGUAGES
            if key in _normalize(lang.name) and "script)" not in lang.name and lang not in others
        ]
    others = [lang for lang in others if lang != chosen]
    if not others:
        return None
    listed = ", ".join(f"{lang.name} ({lang.code})" for lang in others[:4])
    return f"{query.strip()!r} taken as {chosen.name} ({chosen.code}); for {listed}, give its code."


def search_languages(filter: str | None = None) -> list[Language]:
    """Languages whose code, ISO codes, English or native name contain `filter` (all when None or empty)."""
    if not filter or not filter.strip():
        return list(ALL_LANGUAGES)
    needle = _normalize(filter)
    plain = _strip_accents(needle)
    result = []
    for lang in ALL_LANGUAGES:
        haystack = _normalize(" ".join((lang.code, lang.iso3, lang.iso1 or "", lang.name, lang.native)))
        if needle in haystack or plain in _strip_accents(haystack):
            result.append(lang)
    return result


def language_label(lang: Language) -> str:
    """The English name to use in a prompt, e.g. "French", "Chinese", "Traditional Chinese"."""
    return PROMPT_NAMES.get(lang.code, lang.name)


def bcp47(language: Language) -> str:
    """The BCP 47 tag files carry for a language (`fr`, `zh-Hant`, `ary`): ISO 639-1 when there is one."""
    if language.code in ("zho_Hant", "zho_Hans"):
        return f"zh-{language.script}"
    return language.iso1 or language.iso3
