"""The glossary's part of the check-and-retry pipeline, for one piece: the terms it must hold, the ones an
attempt missed (a retry names only those), the marker step (each still-missing source term becomes a
protected marker the model keeps, and the marker becomes the target term), and the records of which step
got each term in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..language.names import Language
from .glossary import Match, present
from .markers import MARKER

if TYPE_CHECKING:
    from .translator import SegmentResult, Translator

# Marker numbers for terms: far above a document's own, so the two never meet in one piece.
TERM_MARKER_BASE = 900


@dataclass(frozen=True)
class TermCheck:
    """The terms of one piece and how to look for them."""

    matches: tuple[Match, ...]
    target: Language

    def required(self) -> tuple[tuple[str, bool], ...]:
        """(target term, exact) for the output checks."""
        return tuple((match.target, match.entry.keep) for match in self.matches)

    def missing(self, output: str) -> list[Match]:
        return [m for m in self.matches if not present(m.target, output, self.target, m.entry.keep)]

    def prompt_terms(self, matches: Sequence[Match]) -> list[tuple[str, str]]:
        return [(match.source, match.target) for match in matches]


def with_term_markers(chunk: str, missing: Sequence[Match]) -> tuple[str, dict[int, str]]:
    """`chunk` with each given term's source text replaced by a single marker, and what each marker
    becomes in the translation."""
    targets: dict[int, str] = {}
    out, last = [], 0
    for number, match in enumerate(sorted(missing, key=lambda m: m.start), start=TERM_MARKER_BASE + 1):
        out.extend([chunk[last : match.start], f"<m{number}/>"])
        targets[number] = match.target
        last = match.end
    out.append(chunk[last:])
    return "".join(out), targets


def put_terms_back(text: str, targets: dict[int, str]) -> str:
    """The term markers of a translation replaced by their target terms (other markers left as they are)."""

    def replace(found: object) -> str:
        match = found  # re.Match
        number = int(match.group(2))  # type: ignore[attr-defined]
        if match.group(1) is None and match.group(3) == "/" and number in targets:  # type: ignore[attr-defined]
            return targets[number]
        return match.group(0)  # type: ignore[attr-defined]

    return MARKER.sub(replace, text)


def term_records(
    check: TermCheck, first: str, final: str, by_marker: Sequence[Match]
) -> list[dict[str, object]]:
    """One record per term of the piece: found, and by which step."""
    records: list[dict[str, object]] = []
    marked = {id(match) for match in by_marker}
    for match in check.matches:
        keep = match.entry.keep
        if id(match) in marked:
            step: str | None = "marker"
        elif present(match.target, first, check.target, keep):
            step = "prompt"
        elif present(match.target, final, check.target, keep):
            step = "retry"
        else:
            step = None
        found = present(match.target, final, check.target, keep)
        records.append(
            {"source": match.source, "target": match.target, "found": found, "step": step if found else None}
        )
    return records


def glossary_summary(placed: Sequence[tuple[str, Sequence[dict[str, object]]]]) -> list[str]:
    """The summary line of a run with a glossary, from (location, term records) per segment:
    `glossary: 47/48 terms honoured (41 prompt, 5 retry, 1 marker), 1 missed: line 12 'pump'`."""
    records = [(where, record) for where, terms in placed for record in terms]
    if not records:
        return []
    found = [record for _where, record in records if record["found"]]
    steps = {
        step: sum(1 for r in found if r["step"] == step) for step in ("prompt", "retry", "marker", "memory")
    }
    missed = [f"{where} {record['source']!r}" for where, record in records if not record["found"]]
    line = (
        f"glossary: {len(found)}/{len(records)} terms honoured ({steps['prompt']} prompt, {steps['retry']} retry, "
        f"{steps['marker']} marker" + (f", {steps['memory']} from memory" if steps["memory"] else "") + ")"
    )
    if missed:
        more = f" and {len(missed) - 10} more" if len(missed) > 10 else ""
        line += f", {len(missed)} missed: {', '.join(missed[:10])}{more}"
    return [line]


def remembered_terms(
    translator: Translator, text: str, source: Language | None, translation: str
) -> list[dict[str, object]]:
    """The term records of a segment taken from the translation memory (`step`: `memory`)."""
    check = TermCheck(tuple(translator.term_matches(text, source)), translator.target)
    return [
        {"source": m.source, "target": m.target, "found": True, "step": "memory"}
        if present(m.target, translation, check.target, m.entry.keep)
        else {"source": m.source, "target": m.target, "found": False, "step": None}
        for m in check.matches
    ]


def term_counts(results: Sequence[SegmentResult]) -> list[dict[str, object]]:
    """Every glossary or keep term met in the text, once each: how often it was met and how often the
    translation used it."""
    seen: dict[tuple[str, str], list[int]] = {}
    for result in results:
        for record in result.terms:
            counts = seen.setdefault((str(record.get("source", "")), str(record.get("target", ""))), [0, 0])
            counts[0] += 1
            counts[1] += bool(record.get("found"))
    return [
        {"source": source, "target": target, "seen": met, "used": used}
        for (source, target), (met, used) in seen.items()
    ]
