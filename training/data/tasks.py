"""Task generators: each turns one aligned row (or instruction record) into one training conversation.

- translation: "translate S into T" (instruction in English, Chinese, or S/T when templates exist), answer T.
- cross_lingual: a request written in a language I that differs from the answer language T ("what does this
  sentence say? answer in T"), about a text in S; and, from instruction sets aligned by record id across
  languages (the same instructions translated, e.g. Bactrian-X), a request from language A's record plus
  "answer in T" (written in A), answered with T's record.
- multi_turn: a translation, then a follow-up in the same language: translate on into a third language,
  correct a flawed draft (the draft is context only: weight 0), or rewrite Modern Standard Arabic as a
  colloquial Arabic (a register change backed by FLORES' aligned dialects).
- instruction: an instruction conversation as it is (Alpaca / ShareGPT / OpenAI input).

Generators return None when the row cannot make that task (missing languages, filtered out).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .prompts import REGISTER_SHIFTS, TEMPLATE_LANGUAGES, TEMPLATES, fill
from .readers import AlignedRow, InstructionRecord
from .schema import Example, Turn

PairFilter = Callable[[str, str], bool]
MULTI_TURN_KINDS = ("third", "refine", "register")
# Register shifts exist only for Arabic: a lower weight keeps Arabic varieties from crowding the answers.
KIND_WEIGHTS = {"third": 0.45, "refine": 0.4, "register": 0.15}


@dataclass(frozen=True)
class LanguagePolicy:
    """Which language pairs the generators draw."""

    languages: frozenset[str] | None
    """Languages allowed on either side; None allows every language of the data."""
    pivots: tuple[str, ...]
    """High-resource hub languages (BayLing: English and Chinese)."""
    pivot_share: float
    """Probability that one side of a pair is a pivot (when the row has one)."""


def _available(row: AlignedRow, policy: LanguagePolicy) -> list[str]:
    codes = sorted(row.texts)
    return codes if policy.languages is None else [c for c in codes if c in policy.languages]


def draw_pair(row: AlignedRow, rng: random.Random, policy: LanguagePolicy) -> tuple[str, str] | None:
    """A (source, target) pair of distinct languages present in the row."""
    codes = _available(row, policy)
    if len(codes) < 2:
        return None
    pivots = [p for p in policy.pivots if p in codes]
    if pivots and rng.random() < policy.pivot_share:
        pivot = rng.choice(pivots)
        other = rng.choice([c for c in codes if c != pivot])
        return (pivot, other) if rng.random() < 0.5 else (other, pivot)
    source, target = rng.sample(codes, 2)
    return source, target


def _template(rng: random.Random, lang: str, kind: str) -> str:
    return rng.choice(TEMPLATES[lang][kind])


def _translation_instruction_lang(rng: random.Random, source: str, target: str) -> str:
    # BayLing's data asks mostly in English and Chinese; also in the pair's own languages where we can.
    choices = ["eng_Latn", "zho_Hans"] + [c for c in (source, target) if c in TEMPLATES]
    return rng.choice(sorted(set(choices)))


def _cross_request_lang(rng: random.Random, source: str, target: str) -> str:
    # Prefer a request language different from both sides, so three languages meet in one example.
    return rng.choice([c for c in TEMPLATE_LANGUAGES if c not in (source, target)])


def _one_turn(
    row: AlignedRow,
    rng: random.Random,
    policy: LanguagePolicy,
    ok: PairFilter,
    kind: str,
    template: str,
    request_lang: Callable[[random.Random, str, str], str],
) -> Example | None:
    """A request (a `template` in the language `request_lang` picks) about the source side of a drawn pair,
    answered by its target side; None when no pair of the row passes the filter."""
    pair = draw_pair(row, rng, policy)
    if pair is None or not ok(row.texts[pair[0]], row.texts[pair[1]]):
        return None
    source, target = pair
    lang = request_lang(rng, source, target)
    prompt = fill(_template(rng, lang, template), lang, row.texts[source], source=source, target=target)
    return Example(
        (Turn("user", prompt), Turn("assistant", row.texts[target])),
        kind,
        source,
        target,
        lang,
        row.id,
        row.id,
    )


def translation(
    row: AlignedRow, rng: random.Random, policy: LanguagePolicy, ok: PairFilter
) -> Example | None:
    """Plain translation between two languages of the row."""
    return _one_turn(row, rng, policy, ok, "translation", "translate", _translation_instruction_lang)


def cross_lingual(
    row: AlignedRow, rng: random.Random, policy: LanguagePolicy, ok: PairFilter
) -> Example | None:
    """A request in one language whose answer is in another language."""
    return _one_turn(row, rng, policy, ok, "cross_lingual", "cross", _cross_request_lang)


def multi_turn(
    row: AlignedRow,
    rng: random.Random,
    policy: LanguagePolicy,
    ok: PairFilter,
    kinds: Sequence[str] = MULTI_TURN_KINDS,
) -> Example | None:
    """A translation followed by one follow-up request (see the module doc)."""
    codes = _available(row, policy)
    possible = [k for k in kinds if _can_follow_up(k, codes)]
    if not possible:
        return None
    kind = rng.choices(possible, weights=[KIND_WEIGHTS[k] for k in possible])[0]
    if kind == "register":
        target = rng.choice([s for s in REGISTER_SHIFTS if s in codes])
        source = rng.choice([c for c in codes if c != target and c not in REGISTER_SHIFTS[target]])
    else:
        pair = draw_pair(row, rng, policy)
        if pair is None:
            return None
        source, target = pair
    if not ok(row.texts[source], row.texts[target]):
        return None
    lang = _translation_instruction_lang(rng, source, target)
    first = fill(_template(rng, lang, "translate"), lang, row.texts[source], source=source, target=target)
    follow_up = _follow_up(kind, row, rng, lang, codes, source, target, ok)
    if follow_up is None:
        return None
    draft, request, answer, final_lang = follow_up
    turns = (Turn("user", first), draft, Turn("user", request), Turn("assistant", answer))
    return Example(turns, "multi_turn", source, final_lang, lang, row.id, row.id, {"follow_up": kind})


def _can_follow_up(kind: str, codes: list[str]) -> bool:
    if kind == "third":
        return len(codes) >= 3
    if kind == "register":
        return any(s in codes and any(v in codes for v in REGISTER_SHIFTS[s]) for s in REGISTER_SHIFTS)
    return len(codes) >= 2


def _follow_up(
    kind: str,
    row: AlignedRow,
    rng: random.Random,
    lang: str,
    codes: list[str],
    source: str,
    target: str,
    ok: PairFilter,
) -> tuple[Turn, str, str, str] | None:
    first_answer = Turn("assistant", row.texts[target])
    if kind == "third":
        third = rng.choice([c for c in codes if c not in (source, target)])
        if not ok(row.texts[target], row.texts[third]):
            return None
        return first_answer, fill(_template(rng, lang, "third"), lang, third=third), row.texts[third], third
    if kind == "register":
        variety = rng.choice([v for v in REGISTER_SHIFTS[target] if v in codes])
        request = fill(_template(rng, lang, "register"), lang, variety=variety)
        return first_answer, request, row.texts[variety], variety
    draft = corrupt(row.texts[target], rng)
    if draft is None:
        return None
    # The flawed draft is context only (weight 0): the model must never learn to produce it.
    return Turn("assistant", draft, weight=0), _template(rng, lang, "refine"), row.texts[target], target


def corrupt(text: str, rng: random.Random) -> str | None:
    """A plausibly flawed translation: one word (or a few characters) dropped and two neighbours swapped."""
    units: list[str] = text.split(" ")
    joiner = " "
    if len(units) < 4:  # scripts without spaces: work on characters
        units, joiner = list(text), ""
    if len(units) < 4:
        return None
    drop = max(1, len(units) // 12) if joiner == "" else 1
    start = rng.randrange(1, len(units) - drop)
    del units[start : start + drop]
    swap = rng.randrange(0, len(units) - 1)
    units[swap], units[swap + 1] = units[swap + 1], units[swap]
    result = joiner.join(units)
    return result if result != text else None


def instruction(record: InstructionRecord) -> Example:
    """An instruction conversation as given; its language is the declared one."""
    return Example(
        record.turns, "instruction", record.lang, record.lang, record.lang, record.origin, record.id
    )


def single_turn(record: InstructionRecord) -> tuple[str, str] | None:
    """(request, answer) of a one-turn record (an optional system turn aside); None otherwise."""
    turns = [t for t in record.turns if t.role != "system"]
    if len(turns) != 2 or turns[0].role != "user" or turns[1].role != "assistant":
        return None
    return turns[0].content, turns[1].content


def cross_lingual_instruction(group: list[InstructionRecord], rng: random.Random) -> Example | None:
    """From one instruction in several languages (aligned by id): ask in A, "answer in T", answer from T."""
    by_lang = {r.lang: single_turn(r) for r in group}
    usable = sorted(lang for lang, pair in by_lang.items() if pair is not None)
    if len(usable) < 2:
        return None
    asked_in, target = rng.sample(usable, 2)
    request, answer = by_lang[asked_in][0], by_lang[target][1]  # type: ignore[index]
    suffix_lang = asked_in if asked_in in TEMPLATES else "eng_Latn"
    prompt = fill(_template(rng, suffix_lang, "answer_in"), suffix_lang, request, target=target)
    origin = next(r.origin for r in group if r.lang == target)
    return Example(
        (Turn("user", prompt), Turn("assistant", answer)),
        "cross_lingual",
        asked_in,
        target,
        asked_in,
        origin,
        group[0].id,
        {"source": "aligned_instructions"},
    )
