"""The output checks: the one place a translated piece is verified before anyone sees it.

Each check looks at one candidate translation of one piece and names what is wrong with it, or returns None.
`translation.retry` runs them on every attempt, retries what fails and keeps the best attempt; later checks
(document markers, glossary terms, placeholders) join `DEFAULT_CHECKS` rather than adding retry loops of their
own. Problems, from the most to the least harmful when kept:

- `markers`: a protected marker of a document's inline markup was lost, repeated or misnested
  (`translation.markers`); such an attempt cannot be put back into the document at all.
- `empty`: nothing came back for a source with letters in it.
- `repetition`: the answer loops on a token, word or phrase (`engine.loops`; the scheduler already stopped
  the attempt at the loop, so it cost no more than the loop).
- `prompt-example`: one of the few-shot prompt's own example sentences came back, as it is or nearly (a base
  model's habit).
- `echo`: the source came back untranslated, whole or nearly (a word or two changed or dropped).
- `wrong-language`: the translation is confidently in another language than the target (the source's, or
  English, mostly); the detector is asked only about text long enough to judge, and close varieties of the
  target (`language.detect.CLOSE_VARIETIES`) count as the target.
- `wrong-script`: most of the new text is not in the target's script.
- `low-coverage` / `too-long`: the length is outside what correct translations into that language have
  (bands from FLORES-200 dev references, `data/length_bands.json`; `scripts/make_length_bands.py` made it).
- `terms`: a glossary term or kept name found in the source is missing from the translation.
- `commentary`: words about the translation ("Here is the translation:") that cleaning could not remove.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache
from importlib import resources

from ..engine.loops import text_loops
from ..language.detect import CLOSE_VARIETIES, count_scripts, detect_language
from ..language.names import ALL_LANGUAGES, Language
from .glossary import present
from .markers import check_markers as _markers_problem
from .markers import strip_markers

SEVERITY = (
    "markers",
    "empty",
    "repetition",
    "prompt-example",
    "echo",
    "wrong-language",
    "wrong-script",
    "low-coverage",
    "too-long",
    "terms",
    "commentary",
)
"""Problem names, the worst first: the best attempt is the one with the mildest problem."""

# Machine translation strays further from the reference length than people do: room on top of the band.
LENGTH_SLACK = 0.15
# Short pieces vary far more in length ("OK" -> "D'accord"): the band widens below this many English-equivalent
# characters (FLORES sentences average about 130), and below the minimum the length is not judged at all.
FULL_BAND_CHARS = 100
MIN_JUDGED_CHARS = 12
# Fewer letters than this say too little about script or echo (a name, a number, "OK").
MIN_LETTERS = 8
# How alike two texts must be (difflib's ratio) to count as the same one with a few changes: a near-copy of
# a prompt's example sentence (letters), a near-echo of the source (words, from this many words on).
NEAR_COPY = 0.8
NEAR_ECHO = 0.75
NEAR_ECHO_WORDS = 4
# The language check asks the detector only about this many letters or more; it flags a translation the
# detector names as another language (at this confidence) while giving the target less than TARGET_STILL_LIKELY
# (a target still that likely is let through: names, shared words, a mixed sentence). Measured on every FLORES
# dev reference of every language: 0.045% flagged (docs/checks.md).
MIN_LANGUAGE_LETTERS = 12
LANGUAGE_CONFIDENCE = 0.5
TARGET_STILL_LIKELY = 0.05
# Scripts a target language is written in besides its own code (Japanese mixes kana and Han, Korean has Hanja).
_ACCEPTED_SCRIPTS = {
    "Hans": {"Hani"},
    "Hant": {"Hani"},
    "Jpan": {"Hani", "Kana"},
    "Hang": {"Hang", "Hani"},
}


@dataclass(frozen=True)
class Candidate:
    """One attempt at translating one piece, with what the checks need to judge it."""

    source: str
    output: str
    target: Language
    source_language: Language | None
    examples: frozenset[str] = frozenset()
    """The prompt's example sentences, normalized (`normalized`): empty for chat prompts."""
    terms: tuple[tuple[str, bool], ...] = ()
    """Glossary target terms the translation must hold, each with whether it must be exact (a kept name)."""
    ran_on: bool = False
    """The answer was stopped for running on: past a few times the source's tokens, or past its room of
    characters (`pieces.answer_room`), not at its own end."""


Check = Callable[[Candidate], str | None]


def normalized(text: str) -> str:
    """Letters and digits only, case folded: what two texts must share to count as the same."""
    return re.sub(r"[\W_]+", "", text.casefold())


def check_empty(item: Candidate) -> str | None:
    return "empty" if not item.output.strip() and _letters(item.source) else None


def check_prompt_example(item: Candidate) -> str | None:
    """One of the prompt's example sentences came back: alone, nearly ("Die Bibliothek öffnet um 9 Uhr
    morgens" for its "... um neun Uhr morgens"), or inside the answer (markers aside)."""
    said, source = normalized(strip_markers(item.output)), normalized(strip_markers(item.source))
    if not said or not item.examples or source in item.examples:
        return None
    if said in item.examples:
        return "prompt-example"
    if any(_similar(example, source) >= NEAR_COPY for example in item.examples):
        return None  # the text asked for is itself like an example: its translation is like the other one
    for example in item.examples:
        if len(example) < 16:
            continue  # too short to tell
        if example in said or (len(said) <= 1.5 * len(example) and _similar(example, said) >= NEAR_COPY):
            return "prompt-example"
    return None


def check_echo(item: Candidate) -> str | None:
    """The source came back: the same letters, or nearly the same words (at least `NEAR_ECHO` of them in
    order) when source and target are not close varieties of one language."""
    if _letters(item.source) < MIN_LETTERS or len(item.source.split()) < 2 and not _unspaced(item.source):
        return None
    if normalized(item.output) == normalized(item.source):
        return "echo"
    if item.source_language is not None and _same_group(item.source_language.code, item.target.code):
        return None
    words, said = _words(strip_markers(item.source)), _words(strip_markers(item.output))
    if len(words) < NEAR_ECHO_WORDS or _similar(words, said) < NEAR_ECHO:
        return None
    # Two close varieties share most words (Bosnian and Croatian): a translation the detector places in the
    # target's group is one, however like the source it reads.
    found = detect_language(strip_markers(item.output))
    in_target = found.language is not None and _same_group(found.language.code, item.target.code)
    return None if in_target else "echo"


def check_repetition(item: Candidate) -> str | None:
    """The answer loops (`engine.loops`) where the source does not."""
    if text_loops(item.output) and not text_loops(item.source):
        return "repetition"
    return None


def check_language(item: Candidate) -> str | None:
    """The detector is sure the translation is in another language than the target: the source's, English,
    anything outside the target's group of close varieties. Text too short to judge, and text the detector
    thinks might still be the target, passes."""
    names = {word.casefold() for word in _WORD.findall(item.source) if _name_like(word)}
    kept = (word for word in _WORD.findall(strip_markers(item.output)) if word.casefold() not in names)
    text = _NOT_WORDS.sub(" ", " ".join(kept))  # a name carried over says nothing of the language around it
    if _letters(text) < MIN_LANGUAGE_LETTERS or _shouting(text):
        return None  # too little to judge; or capitals, which no detector learnt from (headings, acronyms)
    found = detect_language(text, top=12)
    if found.language is None or found.confidence < LANGUAGE_CONFIDENCE:
        return None
    if _same_group(found.language.code, item.target.code):
        return None
    if sum(p for code, p in found.candidates if _same_group(code, item.target.code)) >= TARGET_STILL_LIKELY:
        return None
    return "wrong-language"


def check_script(item: Candidate) -> str | None:
    """Most letters the translation added (words not carried over from the source's names: capitalized
    words, or words with digits) are in another script than the target's."""
    carried = {word.casefold() for word in _WORD.findall(item.source) if _name_like(word)}
    new_text = " ".join(word for word in _WORD.findall(item.output) if word.casefold() not in carried)
    counts = count_scripts(new_text)
    letters = sum(counts.values())
    if letters < MIN_LETTERS:
        return None
    accepted = _ACCEPTED_SCRIPTS.get(item.target.script, {item.target.script})
    in_target = sum(n for script, n in counts.items() if script in accepted)
    return "wrong-script" if in_target < letters / 2 else None


def check_length(item: Candidate) -> str | None:
    if item.ran_on:
        return "too-long"  # whatever its first part looks like, it did not end where a translation ends
    band = length_band(item.source, item.source_language, item.target)
    if band is None or not item.output.strip():
        return None
    ratio = len(item.output.strip()) / len(item.source.strip())
    if ratio < band[0]:
        return "low-coverage"
    return "too-long" if ratio > band[1] else None


def check_terms(item: Candidate) -> str | None:
    """A glossary term or kept name of the source is missing from the translation (`translation.glossary`)."""
    missing = [term for term, exact in item.terms if not present(term, item.output, item.target, exact)]
    return "terms" if missing else None


def check_commentary(item: Candidate) -> str | None:
    """Words about the translation that cleaning could not take off ("Translation: ...", "The sentence is
    in French"), or the prompt's own labels ("Note (not to translate):"), where the source has none."""
    head = item.output[:60].casefold()
    if any(marker.search(head) for marker in _COMMENTARY_MARKERS) and not any(
        marker.search(item.source[:60].casefold()) for marker in _COMMENTARY_MARKERS
    ):
        return "commentary"
    if _COMMENTARY_OPENER.search(item.output) and not _COMMENTARY_OPENER.search(item.source):
        return "commentary"
    if any(label in item.output and label not in item.source for label in PROMPT_LABELS):
        return "commentary"
    return None


def check_markers(item: Candidate) -> str | None:
    return _markers_problem(item.source, item.output)


DEFAULT_CHECKS: tuple[Check, ...] = (
    check_markers,
    check_empty,
    check_repetition,
    check_prompt_example,
    check_echo,
    check_language,
    check_script,
    check_length,
    check_terms,
    check_commentary,
)


def first_problem(item: Candidate, checks: tuple[Check, ...] = DEFAULT_CHECKS) -> str | None:
    """The worst problem any check finds, or None when the candidate passes them all."""
    found = [problem for check in checks if (problem := check(item)) is not None]
    return max(found, key=severity) if found else None


def severity(problem: str | None) -> int:
    """Lower is better: 0 for a passing attempt, then the mildest problem up to the worst."""
    if problem is None:
        return 0
    order = SEVERITY.index(problem) if problem in SEVERITY else 0
    return len(SEVERITY) - order


def length_band(source: str, language: Language | None, target: Language) -> tuple[float, float] | None:
    """(lowest, highest) characters out per character in that correct translations of `source` into `target`
    have; None when the source is too short to judge."""
    bands = _bands()
    source_row = _row(bands, language, source)
    target_row = bands["languages"].get(target.code) or bands["scripts"].get(target.script)
    if source_row is None or target_row is None:
        return None
    english_chars = len(source.strip()) / math.exp(source_row[0])
    if english_chars < MIN_JUDGED_CHARS:
        return None
    widen = max(1.0, math.sqrt(FULL_BAND_CHARS / english_chars))
    centre = target_row[0] - source_row[0]
    down = math.hypot(target_row[1], source_row[2]) * widen + LENGTH_SLACK
    up = math.hypot(target_row[2], source_row[1]) * widen + LENGTH_SLACK
    return math.exp(centre - down), math.exp(centre + up)


# -- cleaning ---------------------------------------------------------------------------------------------------

_PREAMBLE = re.compile(
    r"^\s*(?:(?:sure|certainly|of course|okay|ok)[,!.]?\s*)?"
    r"(?:here(?: is|'s)\s+(?:the|your|a|my)\s+(?:\w+\s+)?translation(?:\s+(?:in|into|to)\s+[\w ()-]{2,30})?"
    r"|(?:the\s+)?(?:\w+\s+)?translation(?:\s+(?:in|into|to)\s+[\w ()-]{2,30})?(?:\s+is)?"
    r"|以下是(?:翻译|译文)|翻译|译文)\s*[:：]\s*",
    re.IGNORECASE,
)
_TRAILING_NOTE = re.compile(
    r"\s*(?:\((?:note|translation note|translator'?s note|literally|lit\.)\b[^)]*\)|"
    r"\b(?:note|explanation)\s*:.*)\s*$",
    re.IGNORECASE,
)
_QUOTE_PAIRS = {'"': '"', "“": "”", "«": "»", "„": "“", "「": "」", "『": "』", "'": "'"}
_COMMENTARY_MARKERS = (
    re.compile(r"\btranslat(?:ion|ed|e)\b.{0,40}[:：]"),
    re.compile(r"(?:翻译|译文)[:：]"),
)


# Sentences about a translation that chat models add after it (collected from SmolLM2's and the built-in
# model's answers): "This translation is based on ...", "The sentence is in French, and ...", "In German, the
# phrase ... translates to ...", "In this context, ...", "It translates to ...", "I have translated ...".
_COMMENTARY_OPENER = re.compile(
    r"\b(?:(?:This|The|That)(?: \w+){0,2} translation (?:is|was|of|here|above|below|uses)\b"
    r"|This is (?:a|the)(?: \w+){0,2} translation\b"
    r"|The (?:original |English |source |French |German )?(?:sentence|phrase|text|word|expression)s? "
    r"(?:is|was|uses|means|in|refers|translates)\b"
    r"|In (?:this|the) (?:context|example|sentence|translation)\b"
    r"|In [A-Z][a-z]+, (?:the|this) (?:sentence|phrase|word|expression)\b"
    r"|(?:It|This) (?:translates|is translated|means)\b"
    r"|I (?:have )?translated\b"
    r"|These are (?:just )?the\b"
    r"|Translation:)"
)
PROMPT_LABELS = ("Note (not to translate)", "Context (do not translate it)", "Glossary (", "Translate from ")
"""Words of our own prompts that must never come back in a translation (`prompts.fewshot`, `translator`)."""
# Commentary this far into an answer is cut off: what comes before it is the translation.
_MIN_KEPT = 12


def cut_commentary(text: str, source: str) -> str:
    """`text` up to the first sentence about the translation (`_COMMENTARY_OPENER`) that follows at least a
    few words of it, when the source has no such sentence itself; else `text` as it is."""
    if _COMMENTARY_OPENER.search(source):
        return text
    for found in _COMMENTARY_OPENER.finditer(text):
        kept = text[: found.start()].rstrip(" (\"'“«")
        if len(kept) >= _MIN_KEPT:
            return kept.rstrip()
    return text


@cache
def _language_label() -> re.Pattern[str]:
    """A language's English name as a label: "Yoruba: ..." before an answer, "... (French)" after it."""
    names = sorted({language.name.split(" (")[0] for language in ALL_LANGUAGES}, key=len, reverse=True)
    alternatives = "|".join(re.escape(name) for name in names)
    return re.compile(rf"^(?:{alternatives})\s*[:：]\s*|\s*\((?:in )?(?:{alternatives})\)$")


def _without_language_label(text: str, source: str) -> str:
    label = _language_label()
    if label.search(source.strip()):
        return text
    return label.sub("", text).strip() or text


def clean(output: str, source: str) -> str:
    """The translation without words about it: a leading "Here is the translation:", a trailing "(Note: ...)"
    or sentence about the translation ("This translation is based on ..."), and quotes around the whole of it
    that the source did not have. Anything else is left as it is."""
    text = output.strip()
    if not _PREAMBLE.match(source):
        text = _PREAMBLE.sub("", text, count=1)
    text = cut_commentary(text, source)
    text = _without_language_label(text, source)
    if not _TRAILING_NOTE.search(source):
        text = _TRAILING_NOTE.sub("", text)
    text = text.strip()
    source = source.strip()
    closing = _QUOTE_PAIRS.get(text[:1])
    if closing and len(text) > 2 and text.endswith(closing) and not source.startswith(text[:1]):
        inner = text[1:-1]
        if text[:1] not in inner and closing not in inner:  # quotes around the whole, not two quotations
            text = inner.strip()
    return text


_WORD = re.compile(r"\w+")

# -- helpers ----------------------------------------------------------------------------------------------------


_NOT_WORDS = re.compile(r"[\d_]+|`[^`]*`")


def _shouting(text: str) -> bool:
    """Most of the text's cased letters are capitals."""
    cased = [char for char in text if char.isupper() or char.islower()]
    return sum(char.isupper() for char in cased) * 2 > len(cased)


def _name_like(word: str) -> bool:
    """A word a translation may carry over as it is: a name, a brand, a code (capitalized, or with digits)."""
    return word[:1].isupper() or any(char.isdigit() for char in word) or not word.isalpha()


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _similar(a: Sequence[str] | str, b: Sequence[str] | str) -> float:
    """How alike two texts (or word lists) are: difflib's ratio, 1 for the same."""
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _same_group(code: str, other: str) -> bool:
    """The same language, or close varieties of one (`language.detect.CLOSE_VARIETIES`)."""
    return code == other or any(code in group and other in group for group in CLOSE_VARIETIES)


def _letters(text: str) -> int:
    return sum(1 for char in text if char.isalpha())


def _unspaced(text: str) -> bool:
    """Written without spaces between words (Chinese, Japanese, Thai ...): one "word" can be a sentence."""
    return _letters(text) >= MIN_LETTERS and " " not in text.strip()


@cache
def _bands() -> dict[str, dict[str, list[float]]]:
    data = resources.files(__package__).joinpath("data", "length_bands.json").read_text(encoding="utf-8")
    parsed = json.loads(data)
    return {"languages": parsed["languages"], "scripts": parsed["scripts"]}


def _row(
    bands: dict[str, dict[str, list[float]]], language: Language | None, text: str
) -> list[float] | None:
    """The source's band row: its language's, else the script most of its letters are in."""
    if language is not None and language.code in bands["languages"]:
        return bands["languages"][language.code]
    counts = count_scripts(text)
    if not counts:
        return None
    script = counts.most_common(1)[0][0]
    fallback = {"Hani": "Hans", "Kana": "Jpan"}.get(script, script)
    return bands["scripts"].get(fallback)
