"""Build a BayLing-2-style language-alignment mixture: read, split, generate, filter, dedup, mix, write.

The held-out split is made on *sentence ids* (one aligned FLORES line, one instruction record) before any
example is generated, so no sentence - in any language, as source or as target - is in both splits. A row
that shares a text with a held-out row (duplicated sentences under two ids) joins the held-out side too.
Everything random draws from `random.Random` seeded by (seed, split, task): the same config gives the same
files byte for byte.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bayling_local.errors import UsageError

from . import tasks
from .readers import AlignedRow, InstructionRecord, read_instructions, read_parallel
from .schema import TASKS, Example

DEFAULT_MIXTURE = {"instruction": 0.45, "translation": 0.30, "cross_lingual": 0.15, "multi_turn": 0.10}


@dataclass
class BuildConfig:
    """What `bayling-local data build` makes."""

    parallel: list[str] = field(default_factory=list)
    """Parallel sources: FLORES-style folders, .tar.xz archives (`ARCHIVE#dev997` picks a folder), .tsv, .jsonl."""
    instructions: list[str] = field(default_factory=list)
    """Instruction JSONL files (Alpaca, ShareGPT, OpenAI messages); `PATH@zho_Hans` declares their language."""
    out: str | None = None
    """Output folder for train.jsonl, heldout.jsonl, summary.json and build.config.json."""
    total: int = 10_000
    """Number of training examples."""
    heldout_fraction: float = 0.05
    """Share of sentence ids (and instruction records) kept out of training for evaluation."""
    heldout_examples: int | None = None
    """Number of held-out examples; None means round(total * heldout_fraction)."""
    mixture: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_MIXTURE))
    """Task -> share of the examples; renormalized over the tasks the inputs can make."""
    languages: list[str] | None = None
    """FLORES-200 codes to use from the parallel data; None uses all of them."""
    pivots: list[str] = field(default_factory=lambda: ["eng_Latn", "zho_Hans"])
    """Hub languages: most pairs have one of them on one side, as in BayLing's data."""
    pivot_share: float = 0.7
    """Probability that a pair has a pivot on one side (when the sentence has one)."""
    multi_turn_kinds: list[str] = field(default_factory=lambda: list(tasks.MULTI_TURN_KINDS))
    """Follow-up kinds of multi-turn examples: third (translate on), refine, register."""
    min_chars: int = 3
    """Shortest sentence kept (characters), on either side of a pair."""
    max_chars: int = 1000
    """Longest sentence kept (characters), on either side of a pair."""
    max_length_ratio: float = 3.0
    """Largest ratio between the UTF-8 byte lengths of a pair (bytes even out scripts: a Chinese character
    is 3 bytes, a Latin letter 1), dropping misaligned pairs."""
    max_instruction_chars: int = 16_000
    """Longest instruction conversation kept (characters, all turns)."""
    seed: int = 0
    """Seed for every random choice; the same config builds the same files."""


@dataclass
class BuildResult:
    """The built splits and their summary."""

    train: list[Example]
    """Training examples, in task order (the trainer shuffles)."""
    heldout: list[Example]
    """Held-out examples, made only from held-out sentence ids."""
    summary: dict[str, Any]
    """Counts by split, task and language, what was asked for, and any shortfall."""


def build_dataset(config: BuildConfig) -> BuildResult:
    """Read the inputs and make both splits (nothing is written)."""
    _check(config)
    languages = set(config.languages) if config.languages else None
    rows = [row for spec in config.parallel for row in read_parallel(spec, languages)]
    records = [rec for spec in config.instructions for rec in read_instructions(spec)]
    train_rows, heldout_rows = split_by_id(rows, config.heldout_fraction, config.seed, _row_texts)
    train_recs, heldout_recs = split_by_id(records, config.heldout_fraction, config.seed, _record_texts)
    n_heldout = config.heldout_examples
    if n_heldout is None:
        n_heldout = round(config.total * config.heldout_fraction)
    mixture = _available_mixture(config.mixture, bool(rows), bool(records), bool(aligned_groups(records)))
    wanted = {"train": allocate(config.total, mixture), "heldout": allocate(n_heldout, mixture)}
    train = _generate(config, "train", wanted["train"], train_rows, train_recs)
    heldout = _generate(config, "heldout", wanted["heldout"], heldout_rows, heldout_recs)
    ids = {"train": len(train_rows) + len(train_recs), "heldout": len(heldout_rows) + len(heldout_recs)}
    return BuildResult(train, heldout, summarize(train, heldout, wanted, ids))


def _check(config: BuildConfig) -> None:
    if not config.parallel and not config.instructions:
        raise UsageError("nothing to build from: give --parallel and/or --instructions")
    unknown = sorted(set(config.mixture) - set(TASKS))
    if unknown:
        raise UsageError(f"unknown task(s) {', '.join(unknown)} in the mixture; known: {', '.join(TASKS)}")
    if any(v < 0 for v in config.mixture.values()) or not any(v > 0 for v in config.mixture.values()):
        raise UsageError("mixture shares must be >= 0 and at least one > 0")
    if not 0 <= config.heldout_fraction < 1:
        raise UsageError("--heldout-fraction must be in [0, 1)")
    bad_kinds = sorted(set(config.multi_turn_kinds) - set(tasks.MULTI_TURN_KINDS))
    if bad_kinds:
        raise UsageError(f"unknown multi-turn kind(s) {', '.join(bad_kinds)}; known: third, refine, register")
    problems = _language_problems(config)
    if config.total < 1:
        problems.append(f"--total must be at least 1, not {config.total}")
    if config.heldout_examples is not None and config.heldout_examples < 0:
        problems.append(f"--heldout-examples must be 0 or more, not {config.heldout_examples}")
    if problems:
        raise UsageError("; ".join(problems))


def _language_problems(config: BuildConfig) -> list[str]:
    """Every code in --languages and --pivots that is not a FLORES-200 code, with the closest ones."""
    from bayling_local.language.names import BY_CODE, closest_languages

    problems = []
    for option, codes in (("--languages", config.languages or []), ("--pivots", config.pivots)):
        for code in codes:
            if code not in BY_CODE:
                near = ", ".join(lang.code for lang in closest_languages(code, 3)) or "none"
                problems.append(f"{option}: {code!r} is not a FLORES-200 code (closest: {near})")
    return problems


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def _row_texts(row: AlignedRow) -> set[str]:
    return {_normal(t) for t in row.texts.values()}


def _record_texts(record: InstructionRecord) -> set[str]:
    return {_normal(t.content) for t in record.turns if t.role != "system"}


def split_by_id(items: list, fraction: float, seed: int, texts_of: Any) -> tuple[list, list]:
    """Hold out round(len * fraction) ids chosen by a seeded hash, plus any item sharing a text with them."""
    if not items or fraction <= 0:
        return list(items), []

    def rank(item: Any) -> str:
        return hashlib.sha256(f"{seed}:{item.id}".encode()).hexdigest()

    ordered = sorted(items, key=rank)
    # At least one item on each side once there are two; a lone item stays in training.
    count = min(len(items) - 1, max(1, round(len(items) * fraction)))
    heldout, train = ordered[:count], ordered[count:]
    seen = set().union(*(texts_of(item) for item in heldout))
    moved = True
    while moved:  # a duplicated sentence under another id must not leak into training
        moved = False
        keep = []
        for item in train:
            if texts_of(item) & seen:
                heldout.append(item)
                seen |= texts_of(item)
                moved = True
            else:
                keep.append(item)
        train = keep
    train_ids = {item.id for item in train}
    return [i for i in items if i.id in train_ids], [i for i in items if i.id not in train_ids]


def _available_mixture(
    mixture: dict[str, float], has_rows: bool, has_records: bool, has_groups: bool
) -> dict[str, float]:
    can = {"instruction": has_records, "cross_lingual": has_rows or has_groups}
    usable = {t: s for t, s in mixture.items() if s > 0 and can.get(t, has_rows)}
    if not usable:
        raise UsageError(
            "the mixture asks only for tasks the inputs cannot make "
            "(instruction needs --instructions, the others --parallel)"
        )
    return usable


def allocate(total: int, mixture: dict[str, float]) -> dict[str, int]:
    """Split `total` by the shares, renormalized, with largest remainders (counts sum to `total`)."""
    weight = sum(mixture.values())
    exact = {task: total * share / weight for task, share in mixture.items()}
    counts = {task: int(value) for task, value in exact.items()}
    order = sorted(exact, key=lambda t: (-(exact[t] - counts[t]), t))
    for task in order[: total - sum(counts.values())]:
        counts[task] += 1
    return counts


def _pair_filter(config: BuildConfig) -> tasks.PairFilter:
    def ok(source: str, target: str) -> bool:
        for text in (source, target):
            if not config.min_chars <= len(text) <= config.max_chars:
                return False
        a, b = len(source.encode()), len(target.encode())
        return max(a, b) <= config.max_length_ratio * min(a, b)

    return ok


def _key(example: Example) -> str:
    joined = "\x00".join(f"{t.role}\x01{_normal(t.content)}" for t in example.messages)
    return hashlib.sha1(joined.encode()).hexdigest()


def aligned_groups(records: list[InstructionRecord]) -> list[list[InstructionRecord]]:
    """Records sharing an id in two or more declared languages: one instruction, several translations."""
    groups: dict[str, dict[str, InstructionRecord]] = {}
    for record in records:
        if record.lang != "und":
            groups.setdefault(record.id, {}).setdefault(record.lang, record)
    return [list(g.values()) for _, g in sorted(groups.items()) if len(g) >= 2]


def _generate(
    config: BuildConfig,
    split: str,
    wanted: dict[str, int],
    rows: list[AlignedRow],
    records: list[InstructionRecord],
) -> list[Example]:
    policy = tasks.LanguagePolicy(
        frozenset(config.languages) if config.languages else None, tuple(config.pivots), config.pivot_share
    )
    ok = _pair_filter(config)
    groups = aligned_groups(records)
    seen: set[str] = set()  # dedup across every task of the split
    made: list[Example] = []
    for task in TASKS:
        count = wanted.get(task, 0)
        rng = random.Random(f"{config.seed}:{split}:{task}")
        if task == "instruction":
            made.extend(_take_instructions(records, count, rng, seen, config.max_instruction_chars))
            continue

        def draw(task: str = task, rng: random.Random = rng) -> Example | None:
            if task == "cross_lingual" and groups and (not rows or rng.random() < 0.5):
                return tasks.cross_lingual_instruction(groups[rng.randrange(len(groups))], rng)
            if not rows:
                return None
            row = rows[rng.randrange(len(rows))]
            if task == "translation":
                return tasks.translation(row, rng, policy, ok)
            if task == "cross_lingual":
                return tasks.cross_lingual(row, rng, policy, ok)
            return tasks.multi_turn(row, rng, policy, ok, config.multi_turn_kinds)

        if count and (rows or (task == "cross_lingual" and groups)):
            made.extend(_sample(draw, count, seen))
    return made


def _take_instructions(
    records: list[InstructionRecord], count: int, rng: random.Random, seen: set[str], max_chars: int
) -> list[Example]:
    order = list(records)
    rng.shuffle(order)
    out: list[Example] = []
    for record in order:
        if len(out) == count:
            break
        example = tasks.instruction(record)
        key = _key(example)
        if key in seen or sum(len(t.content) for t in record.turns) > max_chars:
            continue
        seen.add(key)
        out.append(example)
    return out


def _sample(draw: Callable[[], Example | None], count: int, seen: set[str]) -> list[Example]:
    """Draw until `count` distinct examples, within a bound (duplicates and filtered pairs are redrawn)."""
    out: list[Example] = []
    for _ in range(count * 10 + 100):
        if len(out) == count:
            break
        example = draw()
        if example is None:
            continue
        key = _key(example)
        if key not in seen:
            seen.add(key)
            out.append(example)
    return out


def summarize(
    train: list[Example], heldout: list[Example], wanted: dict[str, dict[str, int]], ids: dict[str, int]
) -> dict[str, Any]:
    """Counts by split, task and language, plus what could not be made."""
    summary: dict[str, Any] = {"sentence_ids": ids, "requested": wanted}
    for name, examples in (("train", train), ("heldout", heldout)):
        summary[name] = {
            "total": len(examples),
            "by_task": dict(sorted(Counter(e.task for e in examples).items())),
            "by_source_lang": dict(sorted(Counter(e.source_lang for e in examples).items())),
            "by_target_lang": dict(sorted(Counter(e.target_lang for e in examples).items())),
            "by_instruction_lang": dict(sorted(Counter(e.instruction_lang for e in examples).items())),
        }
    summary["shortfall"] = {
        split: {
            t: n - summary[split]["by_task"].get(t, 0)
            for t, n in wanted[split].items()
            if summary[split]["by_task"].get(t, 0) < n
        }
        for split in ("train", "heldout")
    }
    return summary


def format_summary(summary: dict[str, Any], top: int = 12) -> str:
    """A plain-text table: examples by task, then the most frequent answer languages."""
    train, heldout = summary["train"], summary["heldout"]
    lines = [f"{'task':<16}{'train':>9}{'heldout':>9}"]
    for task in TASKS:
        if task in summary["requested"]["train"] or task in train["by_task"]:
            lines.append(f"{task:<16}{train['by_task'].get(task, 0):>9}{heldout['by_task'].get(task, 0):>9}")
    lines.append(f"{'total':<16}{train['total']:>9}{heldout['total']:>9}")
    langs = sorted(train["by_target_lang"], key=lambda c: (-train["by_target_lang"][c], c))
    lines.append("")
    lines.append(f"{'answer language':<16}{'train':>9}{'heldout':>9}{'as source':>11}")
    for code in langs[:top]:
        lines.append(
            f"{code:<16}{train['by_target_lang'][code]:>9}{heldout['by_target_lang'].get(code, 0):>9}"
            f"{train['by_source_lang'].get(code, 0):>11}"
        )
    if len(langs) > top:
        lines.append(f"... and {len(langs) - top} more answer languages (see summary.json)")
    ids = summary["sentence_ids"]
    lines.append(f"sentence ids: {ids['train']} train, {ids['heldout']} held out (no text shared)")
    for split, missing in summary["shortfall"].items():
        if missing:
            parts = ", ".join(f"{t} {n}" for t, n in missing.items())
            lines.append(f"note: {split} is short of {parts} (not enough distinct input data after filters)")
    return "\n".join(lines)


def write_dataset(result: BuildResult, out: Path, config: BuildConfig) -> dict[str, Path]:
    """Write train.jsonl, heldout.jsonl, summary.json and the resolved build.config.json."""
    from bayling_local.atomic import atomic_write
    from bayling_local.config import save_beside

    out.mkdir(parents=True, exist_ok=True)
    paths = {"train": out / "train.jsonl", "heldout": out / "heldout.jsonl", "summary": out / "summary.json"}
    for name in ("train", "heldout"):
        with atomic_write(paths[name]) as handle:
            for example in getattr(result, name):
                handle.write(json.dumps(example.to_json(), ensure_ascii=False) + "\n")
    with atomic_write(paths["summary"]) as handle:
        json.dump(result.summary, handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    paths["config"] = save_beside(out / "build", config)
    return paths


def build(config: BuildConfig) -> tuple[BuildResult, dict[str, Path]]:
    """Build and write to `config.out`."""
    if not config.out:
        raise UsageError("no output folder: give --out DIR")
    result = build_dataset(config)
    return result, write_dataset(result, Path(config.out), config)
