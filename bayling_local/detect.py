"""Guess the language of a text, cheaply and conservatively, for `translate` without `--from`.

Two steps. The dominant script is counted from Unicode blocks; a script that only one language writes
(Hangul, Thai, Greek, ...) decides at once, and shared scripts (Cyrillic, Arabic, Devanagari, Han, ...) are
split by letters or words only some of their languages use. Latin-script text is scored against short
function-word lists of the major Latin-script languages, with diacritics as extra hints. Whenever the evidence
is thin (short text, no function words, two languages close) the answer is `language=None`: translating with
the source unnamed is better than naming a wrong one.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from dataclasses import dataclass

from .languages import BY_CODE, Language
from .languages_data import (
    ARABIC_MARKERS,
    CYRILLIC_ALPHABETS,
    CYRILLIC_BASIC,
    LATIN_HINTS,
    LATIN_STOPWORD_TEXT,
    SCRIPT_NAMES,
    SCRIPT_VARIETIES,
)

# Below this confidence `detect_language` reports no language.
MIN_CONFIDENCE = 0.5
# Confidence of a script's default language when nothing in the text points elsewhere (Han without kana is
# nearly always Chinese; Cyrillic is most often Russian; Arabic script is shared by many languages).
_DEFAULT_CONFIDENCE = {"Hani": 0.85, "Cyrl": 0.7, "Arab": 0.65}
# Only the start of a long text is looked at: enough to decide, and detection stays fast.
MAX_CHARS = 2000


@dataclass(frozen=True)
class Detection:
    """The outcome of language detection."""

    language: Language | None
    """The detected language, or None when the evidence is too thin to name one."""
    confidence: float
    """How sure the guess is, 0 to 1; below MIN_CONFIDENCE the language is None."""
    reason: str
    """Short English explanation, for stderr, e.g. "Hangul script"."""


# (first code point, last code point, script). Sorted by first code point; gaps are "no script".
_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x005A, "Latn"), (0x0061, 0x007A, "Latn"), (0x00C0, 0x024F, "Latn"),
    (0x0250, 0x02AF, "Latn"), (0x0370, 0x03FF, "Grek"), (0x0400, 0x052F, "Cyrl"),
    (0x0530, 0x058F, "Armn"), (0x0590, 0x05FF, "Hebr"), (0x0600, 0x06FF, "Arab"),
    (0x0750, 0x077F, "Arab"), (0x07C0, 0x07FF, "Nkoo"), (0x08A0, 0x08FF, "Arab"),
    (0x0900, 0x097F, "Deva"), (0x0980, 0x09FF, "Beng"), (0x0A00, 0x0A7F, "Guru"),
    (0x0A80, 0x0AFF, "Gujr"), (0x0B00, 0x0B7F, "Orya"), (0x0B80, 0x0BFF, "Taml"),
    (0x0C00, 0x0C7F, "Telu"), (0x0C80, 0x0CFF, "Knda"), (0x0D00, 0x0D7F, "Mlym"),
    (0x0D80, 0x0DFF, "Sinh"), (0x0E00, 0x0E7F, "Thai"), (0x0E80, 0x0EFF, "Laoo"),
    (0x0F00, 0x0FFF, "Tibt"), (0x1000, 0x109F, "Mymr"), (0x10A0, 0x10FF, "Geor"),
    (0x1100, 0x11FF, "Hang"), (0x1200, 0x139F, "Ethi"), (0x1780, 0x17FF, "Khmr"),
    (0x1C50, 0x1C7F, "Olck"), (0x1C90, 0x1CBF, "Geor"), (0x1E00, 0x1EFF, "Latn"),
    (0x2D30, 0x2D7F, "Tfng"), (0x2D80, 0x2DDF, "Ethi"), (0x3040, 0x309F, "Kana"),
    (0x30A0, 0x30FF, "Kana"), (0x3130, 0x318F, "Hang"), (0x31F0, 0x31FF, "Kana"),
    (0x3400, 0x4DBF, "Hani"), (0x4E00, 0x9FFF, "Hani"), (0xA9E0, 0xA9FF, "Mymr"),
    (0xAA60, 0xAA7F, "Mymr"), (0xAB00, 0xAB2F, "Ethi"), (0xAC00, 0xD7AF, "Hang"),
    (0xF900, 0xFAFF, "Hani"), (0xFB1D, 0xFB4F, "Hebr"), (0xFB50, 0xFDFF, "Arab"),
    (0xFE70, 0xFEFF, "Arab"), (0xFF21, 0xFF5A, "Latn"), (0xFF66, 0xFF9F, "Kana"),
    (0x20000, 0x3134F, "Hani"),
)  # fmt: skip
_STARTS = [start for start, _, _ in _RANGES]

# Scripts that only one FLORES language writes.
_SINGLE_SCRIPT = {
    "Hang": "kor_Hang", "Kana": "jpn_Jpan", "Grek": "ell_Grek", "Armn": "hye_Armn", "Geor": "kat_Geor",
    "Thai": "tha_Thai", "Laoo": "lao_Laoo", "Khmr": "khm_Khmr", "Sinh": "sin_Sinh", "Gujr": "guj_Gujr",
    "Guru": "pan_Guru", "Orya": "ory_Orya", "Taml": "tam_Taml", "Telu": "tel_Telu", "Knda": "kan_Knda",
    "Mlym": "mal_Mlym", "Olck": "sat_Olck", "Nkoo": "nqo_Nkoo",
}  # fmt: skip


# (FLORES code, letters typical of it, letters it never writes, frequent words) for a shared script.
_Row = tuple[str, str, str, frozenset[str]]


def _cyrillic_rows() -> tuple[_Row, ...]:
    """Each Cyrillic alphabet's extra letters count for it; letters of the others it lacks count against."""
    alphabets = {
        code: (set(CYRILLIC_BASIC) - set(missing)) | set(extra)
        for code, extra, missing, _ in CYRILLIC_ALPHABETS
    }
    every = set().union(*alphabets.values())
    return tuple(
        (code, extra, "".join(sorted(every - alphabets[code])), frozenset(words.split()))
        for code, extra, _, words in CYRILLIC_ALPHABETS
    )


_SHARED_ROWS: dict[str, tuple[_Row, ...]] = {
    script: tuple((code, letters, lacks, frozenset(words.split())) for code, letters, lacks, words in rows)
    for script, rows in SCRIPT_VARIETIES.items()
}
_SHARED_ROWS["Cyrl"] = _cyrillic_rows()

LATIN_STOPWORDS: dict[str, frozenset[str]] = {
    code: frozenset(text.split()) for code, text in LATIN_STOPWORD_TEXT.items()
}


def _languages_by_entry(entries: dict[str, frozenset[str]]) -> dict[str, tuple[str, ...]]:
    """Invert language -> entries into entry -> the languages that list it."""
    inverted: dict[str, tuple[str, ...]] = {}
    for code, items in entries.items():
        for item in items:
            inverted[item] = (*inverted.get(item, ()), code)
    return inverted


_WORD_LANGS = _languages_by_entry(LATIN_STOPWORDS)
_HINT_LANGS = _languages_by_entry({code: frozenset(hints.split()) for code, hints in LATIN_HINTS.items()})
# first letter -> the hints starting with it, so a text only looks up hints it can contain.
_HINTS_BY_FIRST: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
for _hint, _codes in _HINT_LANGS.items():
    _HINTS_BY_FIRST.setdefault(_hint[0], []).append((_hint, _codes))

# Latin scoring weights, tuned on FLORES dev sentences (see tests/languages): a function word shared by k
# profiled languages counts 1/sqrt(k) for each; a one-letter word half that; a telling letter group 0.2
# (capped at 3 per language, so hints break ties but never outvote the words).
_SHARED_WORD_WEIGHT = [0.0] + [1.0 / math.sqrt(k) for k in range(1, len(LATIN_STOPWORDS) + 1)]
_HINT_WEIGHT = 0.2
_HINT_CAP = 3.0
# Below this score (about two function words, or one and a few telling letters) no language is named.
_MIN_LATIN_SCORE = 1.2
# Evidence (score lead) that gives confidence 1 - 1/e; and the share of words that are function words in
# ordinary prose (fewer means another language sharing a few words, so the evidence is discounted).
_EVIDENCE_SCALE = 1.2
_COVERAGE = 0.25
# Score gap between relatives at which a family member's confidence recovers most of its value.
_FAMILY_GAP_SCALE = 0.3
# Close relatives: their function words overlap, so the lead is taken over the nearest language outside the
# family, and a near-tie inside the family lowers the confidence instead.
_FAMILIES = (
    ("spa_Latn", "glg_Latn", "por_Latn", "cat_Latn", "oci_Latn"), ("fra_Latn", "oci_Latn", "hat_Latn"),
    ("ind_Latn", "zsm_Latn"), ("dan_Latn", "nob_Latn", "nno_Latn", "swe_Latn"), ("ces_Latn", "slk_Latn"),
    ("isl_Latn", "fao_Latn"), ("nld_Latn", "afr_Latn"), ("gle_Latn", "gla_Latn"), ("sot_Latn", "tsn_Latn"),
    ("tgl_Latn", "ceb_Latn"), ("tur_Latn", "azj_Latn"), ("hrv_Latn", "slv_Latn"), ("lit_Latn", "lvs_Latn"),
)  # fmt: skip
_SISTERS: dict[str, frozenset[str]] = {
    code: frozenset(other for family in _FAMILIES if code in family for other in family if other != code)
    for code in LATIN_STOPWORDS
}
# Widely written languages win near-ties against a smaller relative (Spanish over Galician): a prior.
_WIDELY_WRITTEN = (
    "eng_Latn", "fra_Latn", "deu_Latn", "spa_Latn", "por_Latn", "ita_Latn", "nld_Latn",
    "ind_Latn", "tur_Latn", "pol_Latn", "vie_Latn", "swe_Latn", "ces_Latn",
)  # fmt: skip
_PRIOR_BONUS = dict.fromkeys(_WIDELY_WRITTEN, 0.3)


def script_of(char: str) -> str | None:
    """ISO 15924 code of a character's script (Kana/Hani for Japanese kana and Han), None for others."""
    point = ord(char)
    index = bisect.bisect_right(_STARTS, point) - 1
    if index >= 0 and point <= _RANGES[index][1]:
        return _RANGES[index][2]
    return None


def count_scripts(text: str) -> Counter[str]:
    """How many characters of each script the text has (punctuation, digits, spaces not counted)."""
    counts: Counter[str] = Counter()
    for char, times in Counter(text).items():
        if char.isascii() and not char.isalpha():
            continue
        script = script_of(char)
        if script is not None:
            counts[script] += times
    return counts


def _found(code: str, confidence: float, reason: str) -> Detection:
    if confidence < MIN_CONFIDENCE:
        return Detection(None, round(confidence, 3), f"{reason}; not sure enough to name a language")
    return Detection(BY_CODE[code], round(confidence, 3), reason)


def _length_factor(letters: int, scale: float = 3.0) -> float:
    """Scales confidence by how much text there is: 1 letter barely counts, 3 * scale letters nearly fully."""
    return 1.0 - math.exp(-letters / scale)


def _count_any(counts: Counter[str], chars: str) -> int:
    """How many characters of the text (given as its character counts) are among `chars`."""
    return sum(counts[char] for char in chars)


# Word separators: white space, digits, punctuation (not combining marks, which belong to their letters).
_SEPARATORS = re.compile(
    r"[\s\d.,;:!?¿¡\"'’‘“”„«»()\[\]{}<>/\\|@#$%^&*+=~`_\u2013\u2014\u0964\u0965\u060c\u061f-]+"
)


def _words(text: str) -> list[str]:
    return [word for word in _SEPARATORS.split(text.casefold()) if word]


def _score_rows(text: str, words: list[str], rows: tuple[_Row, ...]) -> list[float]:
    """Letters typical of a row count +1, letters it never writes -3, its frequent words +2."""
    chars = Counter(text)
    scores: list[float] = []
    for _, letters, lacks, vocab in rows:
        hits = sum(1 for word in words if word in vocab)
        scores.append(_count_any(chars, letters) - 3 * _count_any(chars, lacks) + 2 * hits)
    return scores


def _split_shared(script: str, text: str, letters: int, rows: tuple[_Row, ...]) -> Detection:
    """Pick among the languages sharing a script; the first row is the default when nothing tells."""
    words = _script_words(script, text)
    scores = _score_rows(text.casefold(), words, rows)
    best = max(scores)
    script_name = SCRIPT_NAMES.get(script, script)
    if best <= 0:
        code = rows[0][0]
        reason = f"{script_name} script ({BY_CODE[code].name} is the default)"
        return _found(code, _DEFAULT_CONFIDENCE.get(script, 0.65) * _length_factor(letters), reason)
    # Ties go to the earliest row: the smaller alphabet, or the language without the extra letters.
    winner = scores.index(best)
    runner = max((score for score in scores if score < best), default=0.0)
    confidence = 0.95 * (1.0 - math.exp(-(best - runner))) * _length_factor(letters)
    if scores.count(best) > 1:
        confidence *= 0.85
    code = rows[winner][0]
    return _found(code, confidence, f"{script_name} script with {BY_CODE[code].name} letters or words")


def _script_words(script: str, text: str) -> list[str]:
    if script == "Tibt":
        return [part for part in re.split(r"[\u0f0b\u0f0c\u0f0d\s]+", text) if part]
    if script == "Hani":
        return []
    return _words(text)


def _split_arabic(text: str, letters: int) -> Detection:
    chars = Counter(text)
    for code, markers, enough in ARABIC_MARKERS:
        if _count_any(chars, markers) >= enough:
            return _found(
                code, 0.9 * _length_factor(letters), f"Arabic script with {BY_CODE[code].name} letters"
            )
    # Persian writes ک and ی (and has پ چ ژ گ); Arabic writes ك and ي.
    persian = _count_any(chars, "کیپچژگ")
    arabic = _count_any(chars, "كيةى")
    if persian > arabic:
        return _found("pes_Arab", 0.85 * _length_factor(letters), "Arabic script with Persian letters")
    confidence = (0.85 if arabic else _DEFAULT_CONFIDENCE["Arab"]) * _length_factor(letters)
    return _found("arb_Arab", confidence, "Arabic script (Modern Standard Arabic is the default)")


def _latin_scores(words: list[str], text: str) -> tuple[dict[str, float], dict[str, int]]:
    """Weighted scores (see _SHARED_WORD_WEIGHT, _HINT_WEIGHT, _PRIOR_BONUS) and raw function-word hits."""
    scores = dict(_PRIOR_BONUS)
    hits: dict[str, int] = dict.fromkeys(LATIN_STOPWORDS, 0)
    for word in words:
        codes = _WORD_LANGS.get(word, ())
        # One-letter words ("a", "i", "e", "o") occur in many unrelated languages: they count half.
        weight = _SHARED_WORD_WEIGHT[len(codes)] * (0.5 if len(word) == 1 else 1.0)
        for code in codes:
            scores[code] = scores.get(code, 0.0) + weight
            hits[code] += 1
    chars = Counter(text)
    hint_bonus: dict[str, float] = {}
    for first in chars:
        for hint, codes in _HINTS_BY_FIRST.get(first, ()):
            found = chars[hint] if len(hint) == 1 else text.count(hint)
            for code in codes if found else ():
                hint_bonus[code] = hint_bonus.get(code, 0.0) + _HINT_WEIGHT * found / len(codes)
    for code, bonus in hint_bonus.items():
        # Capped: hints separate close languages but must not outweigh the function words.
        scores[code] = scores.get(code, 0.0) + min(bonus, _HINT_CAP)
    return scores, hits


def _detect_latin(text: str) -> Detection:
    words = _words(text)
    if not words:
        return Detection(None, 0.0, "no words")
    scores, hits = _latin_scores(words, text.casefold())
    ranked = sorted(scores, key=lambda code: scores[code], reverse=True)
    best = ranked[0]
    if scores[best] - _PRIOR_BONUS.get(best, 0.0) < _MIN_LATIN_SCORE:
        return Detection(None, 0.0, "Latin script, too few known words")
    sisters = _SISTERS[best]
    runner = next(code for code in ranked[1:] if code not in sisters)
    sister = next((code for code in ranked[1:] if code in sisters), None)
    # Evidence: the lead over the nearest unrelated language, discounted when few words are function words
    # of the winner (another language sharing a few short words). Calibrated so that 0.5 is about where
    # FLORES sentences of unprofiled languages stop being mistaken for a profiled one.
    evidence = (scores[best] - scores[runner]) * min(1.0, hits[best] / len(words) / _COVERAGE)
    confidence = 0.97 * (1.0 - math.exp(-evidence / _EVIDENCE_SCALE))
    if sister is not None:
        # Inside a family a near-tie is a coin toss between relatives: trust the choice less. The gap
        # includes the prior, so Spanish over Galician on equal words keeps more confidence than the reverse.
        confidence *= 0.6 + 0.4 * (1.0 - math.exp(-(scores[best] - scores[sister]) / _FAMILY_GAP_SCALE))
    reason = f"Latin script, {BY_CODE[best].name} words"
    return _found(best, confidence, reason)


def detect_language(text: str) -> Detection:
    """Guess the language of `text`; `language` is None when unsure (see MIN_CONFIDENCE)."""
    sample = text[:MAX_CHARS]
    counts = count_scripts(sample)
    if not counts:
        return Detection(None, 0.0, "no letters")
    # Japanese mixes kana into Han; a few kana are enough to tell it from Chinese.
    if counts["Kana"] and counts["Kana"] * 10 >= counts["Hani"]:
        counts["Kana"] += counts.pop("Hani", 0)
    script, letters = counts.most_common(1)[0]
    share = letters / sum(counts.values())
    if script == "Latn":
        detection = _detect_latin(sample)
    elif script in _SINGLE_SCRIPT:
        name = SCRIPT_NAMES.get(script, script)
        # One Hangul syllable or Thai word already says which language it is.
        detection = _found(_SINGLE_SCRIPT[script], 0.97 * _length_factor(letters, 2.0), f"{name} script")
    elif script == "Arab":
        detection = _split_arabic(sample, letters)
    elif script in _SHARED_ROWS:
        detection = _split_shared(script, sample, letters, _SHARED_ROWS[script])
    else:
        detection = Detection(None, 0.0, f"{SCRIPT_NAMES.get(script, script)} script, language unknown")
    if share < 0.6 and detection.language is not None:
        # Mixed scripts (a quote, a name): still the main one, but less sure.
        return _found(
            detection.language.code, detection.confidence * share, detection.reason + ", mixed scripts"
        )
    return detection
