"""Guess the language of a text for `translate` without `--from`, `bayling-local detect` and `/detect`.

A script only one FLORES language writes (Hangul, Thai, Greek, ...; kana for Japanese) decides at once.
Everything else goes to the character n-gram model (`ngram_model.py`) (naive Bayes over all 205 FLORES-200
languages, trained on FLORES-200 dev, probabilities calibrated on held-out sentences), or to GlotLID when
`bayling-local pull glotlid` installed it (Han text stays with the n-gram model, which knows Simplified from
Traditional Chinese and Cantonese; GlotLID's labels do not). The top language is
named when its probability reaches MIN_CONFIDENCE; below that the answer is `language=None` (the runners-up
still come back in `candidates`): translating with the source unnamed is better than naming a wrong one.
"""

from __future__ import annotations

import bisect
import functools
import json
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from importlib import resources

from .detectors import InstalledGlotlid, installed_glotlid, model_guesses
from .names import BY_CODE, Language
from .table import SCRIPT_NAMES

# Below this confidence `detect_language` names no language.
MIN_CONFIDENCE = 0.5
# Only the start of a long text is looked at: enough to decide, and detection stays fast.
MAX_CHARS = 2000
# A text mostly in another script than its main one (a quote, names) is trusted less.
_MIXED_SHARE = 0.6
# Varieties FLORES often writes alike (two thirds of its Najdi Arabic sentences are word for word its
# Modern Standard Arabic ones; its Cantonese is written Chinese): when the best guess is unsure but it and
# its close varieties together are sure, it is named, with its own probability as the confidence.
CLOSE_VARIETIES: tuple[frozenset[str], ...] = tuple(
    frozenset(group.split())
    for group in (
        "arb_Arab ars_Arab acm_Arab acq_Arab aeb_Arab ajp_Arab apc_Arab ary_Arab arz_Arab",
        "zho_Hant yue_Hant",
        "pes_Arab prs_Arab",
        "bos_Latn hrv_Latn",
        "ind_Latn zsm_Latn",
        "nob_Latn nno_Latn dan_Latn",
        "aka_Latn twi_Latn",
        "hin_Deva mai_Deva mag_Deva bho_Deva hne_Deva awa_Deva",
        "kin_Latn run_Latn",
        "bam_Latn dyu_Latn",
    )
)


@dataclass(frozen=True)
class Detection:
    """The outcome of language detection."""

    language: Language | None
    """The detected language, or None when the evidence is too thin to name one."""
    confidence: float
    """How likely the best guess is, 0 to 1 (calibrated: of answers at 0.9, about 90% are right)."""
    reason: str
    """Short English explanation, for stderr, e.g. "Hangul script"."""
    candidates: tuple[tuple[str, float], ...] = field(default=())
    """The most likely languages (FLORES code, probability), best first, the best included even when it
    is not named."""


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
_STARTS = [start for start, _, _ in _RANGES]


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
        if char.isascii():
            if char.isalpha():
                counts["Latn"] += times
            continue
        if char not in _SCRIPT_OF:
            _SCRIPT_OF[char] = script_of(char) or ""
        script = _SCRIPT_OF[char]
        if script:
            counts[script] += times
    return counts


# Characters already looked up (a fifth of detection's time went to the range search before).
_SCRIPT_OF: dict[str, str] = {}


def _decided(ranked: tuple[tuple[str, float], ...], factor: float, reason: str, top: int) -> Detection:
    """Name the best guess when its probability, lowered by `factor` (very short text, mixed scripts),
    reaches MIN_CONFIDENCE, or when its group of close varieties' does."""
    code, probability = ranked[0]
    confidence = round(probability * factor, 3)
    candidates = ranked[:top]
    if confidence >= MIN_CONFIDENCE:
        return Detection(BY_CODE[code], confidence, reason, candidates)
    if factor * _variety_mass(code, ranked) >= MIN_CONFIDENCE:
        return Detection(BY_CODE[code], confidence, f"{reason}, or a close variety", candidates)
    return Detection(None, confidence, f"{reason}; not sure enough to name a language", candidates)


def _han_form(
    text: str, ranked: tuple[tuple[str, float], ...], reason: str
) -> tuple[tuple[tuple[str, float], ...], str]:
    """Characters only Simplified (or only Traditional) Chinese writes decide between the two: the other
    form's languages are dropped and the rest take their probability."""
    only_simplified, only_traditional = han_forms()
    simplified = sum(char in only_simplified for char in text)
    traditional = sum(char in only_traditional for char in text)
    if simplified == traditional:
        return ranked, reason
    form = "_Hans" if simplified > traditional else "_Hant"
    kept = [(c, p) for c, p in ranked if c.endswith(form)]
    if not kept:
        return ranked, reason
    # The Chinese mass moves to the form the characters show; other languages keep theirs.
    chinese = sum(p for c, p in ranked if c.endswith(("_Hans", "_Hant")))
    share = chinese / max(sum(p for _, p in kept), 1e-9)
    others = [(c, p) for c, p in ranked if not c.endswith(("_Hans", "_Hant"))]
    moved = sorted([(c, p * share) for c, p in kept] + others, key=lambda item: -item[1])
    name = "simplified" if form == "_Hans" else "traditional"
    return tuple(moved), f"{reason}, {name} characters"


@functools.cache
def han_forms() -> tuple[frozenset[str], frozenset[str]]:
    """The characters only Simplified, and only Traditional, Chinese writes (3,805 and 4,093, from OpenCC's
    tables by scripts/make_han_forms.py): every FLORES sentence's form, and 85% of 6-character prefixes',
    is told by them alone."""
    data = json.loads(
        resources.files(__package__).joinpath("data", "han_forms.json").read_text(encoding="utf-8")
    )
    return frozenset(data["simplified"]), frozenset(data["traditional"])


def _variety_mass(code: str, candidates: tuple[tuple[str, float], ...]) -> float:
    group = next((g for g in CLOSE_VARIETIES if code in g), None)
    return sum(p for c, p in candidates if c in group) if group else 0.0


def _length_factor(letters: int, scale: float = 3.0) -> float:
    """Scales confidence by how much text there is: 1 letter barely counts, 3 * scale letters nearly fully."""
    return 1.0 - math.exp(-letters / scale)


def detect_language(text: str, top: int = 3, detector: str = "auto") -> Detection:
    """Guess the language of `text`; `language` is None when unsure (see MIN_CONFIDENCE); `candidates`
    holds the `top` most likely languages. `detector`: one of `detectors.DETECTORS`."""
    sample = _ADDRESSES.sub(" ", text[:MAX_CHARS])
    return _detect_sample(sample, top, installed_glotlid(detector))


# Links and e-mail addresses say nothing of the text's language (their letters are mostly English-like
# host names): they are left out before anything is counted.
_ADDRESSES = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)\S+|[\w.+-]+@[\w-]+\.[\w.-]+", re.IGNORECASE)


# Detections are remembered: `translate` judges a document's lines once for the document's language and
# once each, and subtitles and documents repeat lines. Keyed by the (at most MAX_CHARS) sample.
@functools.lru_cache(maxsize=2048)
def _detect_sample(sample: str, top: int, glotlid: InstalledGlotlid | None = None) -> Detection:
    counts = count_scripts(sample)
    if not counts:
        return Detection(None, 0.0, "no letters")
    # Japanese mixes kana into Han; a few kana are enough to tell it from Chinese.
    if counts["Kana"] and counts["Kana"] * 10 >= counts["Hani"]:
        counts["Kana"] += counts.pop("Hani", 0)
    script, letters, share = _main_script(counts)
    ranked: tuple[tuple[str, float], ...]
    if script in _SINGLE_SCRIPT:
        # One Hangul syllable or Thai word already says which language it is.
        ranked = ((_SINGLE_SCRIPT[script], round(0.97 * _length_factor(letters, 2.0), 3)),)
        reason = f"{SCRIPT_NAMES.get(script, script)} script"
        factor = 1.0
    else:
        guesses, how = model_guesses(sample, max(top, 12), glotlid, script, letters)
        if not guesses:
            return Detection(None, 0.0, "no features")
        ranked = tuple((g.code, g.probability) for g in guesses)
        reason = f"{SCRIPT_NAMES.get(script, script)} script, {how}"
        if script == "Hani":
            ranked, reason = _han_form(sample, ranked, reason)
        ranked = tuple((c, round(p, 3)) for c, p in ranked)
        # Two or three letters ("OK", "lol") are some language's word by chance: never a confident answer.
        factor = _length_factor(letters * _SCRIPT_WEIGHT.get(script, 1), 3.0)
    if share < _MIXED_SHARE:
        # Trusted less the further below the threshold its main script's share is (no jump at it).
        factor *= share / _MIXED_SHARE
        reason += ", mixed scripts"
    return _decided(ranked, factor, reason, top)


# A Chinese character, a kana or a Hangul syllable says about as much as three Latin letters (a word is
# one or two of them, against five letters): weighed so, "我们用 Microsoft Teams 和 Zoom 开会。" is Chinese
# with English names, not English with Chinese in it.
_SCRIPT_WEIGHT = {"Hani": 3, "Kana": 3, "Hang": 3}


def _main_script(counts: Counter[str]) -> tuple[str, int, float]:
    """The script most of the text is written in, its letter count, and its share of the weighed letters."""
    weighed = {script: n * _SCRIPT_WEIGHT.get(script, 1) for script, n in counts.items()}
    script = max(weighed, key=lambda s: weighed[s])
    return script, counts[script], weighed[script] / sum(weighed.values())


def detection_json(detection: Detection) -> dict[str, object]:
    """What `detect --json` prints for one line."""
    return {
        "language": detection.language.code if detection.language else None,
        "confidence": detection.confidence,
        "candidates": [{"language": code, "confidence": p} for code, p in detection.candidates],
        "reason": detection.reason,
    }


# A line counts towards its document's language only when it is this sure of its own.
_DOCUMENT_VOTE = 0.9
_DOCUMENT_LINES = 400


def document_language(lines: list[str]) -> Language | None:
    """The language most of a text is in: the confident lines' languages weighed by their length, else a
    detection of the text as a whole; None when neither is sure. Short lines such as "Hello world." take it."""
    votes: Counter[str] = Counter()
    for line in lines[:_DOCUMENT_LINES]:
        if not line.strip():
            continue
        found = detect_language(line, top=1)
        if found.language is not None and found.confidence >= _DOCUMENT_VOTE:
            votes[found.language.code] += len(line)
    if votes:
        return BY_CODE[votes.most_common(1)[0][0]]
    return detect_language(" ".join(line.strip() for line in lines if line.strip()), top=1).language
