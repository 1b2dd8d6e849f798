"""What a document run tells the user: per-segment records (`--report`, `--json`) and the summary lines."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..documents.model import KNOWN_WRONG
from ..translation.terms import glossary_summary
from ..translation.translator import SegmentResult


@dataclass
class FileOutcome:
    """What became of one input file."""

    source: Path
    output: Path | None
    status: str
    """`translated`, `copied`, `skipped` or `failed`."""
    detail: str = ""
    results: list[SegmentResult] = field(default_factory=list)
    kept_source: int = 0
    """Segments left in the source language because their translation could not be put back (markers)."""
    kept_wrong: list[str] = field(default_factory=list)
    """`location (check)` of each segment written in its source text because its translation is known to be
    wrong (`documents.model.KNOWN_WRONG`)."""
    format: str = ""
    locations: list[str] = field(default_factory=list)
    """Where each of `results` is in the file (`line 12`, `cue 4`)."""
    failures: list[str] = field(default_factory=list)
    """Localization files: the strings left untranslated because their placeholders could not be kept."""
    entries: str = ""
    """Localization files: entries translated, kept, skipped, placeholder failures."""


def records_of(outcome: FileOutcome) -> list[dict[str, Any]]:
    """One record per translated segment: file, format, location, then the translation core's fields."""
    records = []
    for location, result in zip(outcome.locations, outcome.results, strict=False):
        record: dict[str, Any] = {"file": str(outcome.source), "format": outcome.format, "location": location}
        record.update(result.as_json())
        # the file holds the source text here (or, for a string, nothing): the translation is known wrong
        record["kept_source"] = result.check in KNOWN_WRONG
        records.append(record)
    return records


def summary_lines(outcomes: list[FileOutcome], folder: bool) -> list[str]:
    """Per file (in a folder run) what became of it, then the checks and fallbacks over all segments."""
    lines: list[str] = []
    if folder:
        for outcome in outcomes:
            shown = outcome.status in ("translated", "copied") and outcome.output is not None
            where = f" -> {outcome.output}" if shown else ""
            detail = outcome.detail.replace(f"{outcome.source}: ", "", 1)  # the line names the file already
            detail = f" ({detail})" if detail else ""
            lines.append(f"{outcome.status}: {outcome.source}{where}{detail}")
        counts = Counter(outcome.status for outcome in outcomes)
        order = ("translated", "copied", "skipped", "failed")
        lines.append("Files: " + ", ".join(f"{counts[s]} {s}" for s in order if counts[s]) + ".")
    if not folder:
        lines.extend(f"{outcome.source.name}: {outcome.entries}" for outcome in outcomes if outcome.entries)
    untranslated = [
        f"{outcome.source.name} {failure}" for outcome in outcomes for failure in outcome.failures
    ]
    if untranslated:
        more = f" and {len(untranslated) - 10} more" if len(untranslated) > 10 else ""
        lines.append(
            f"Warning: left untranslated (a placeholder could not be kept, or the translation failed its checks): "
            f"{'; '.join(untranslated[:10])}{more}."
        )
    results = [result for outcome in outcomes for result in outcome.results]
    marked = sum(1 for result in results if result.fallback == "markers")
    retried = sum(1 for result in results if result.retries)
    failing = [
        f"{outcome.source.name} {location} ({result.check})"
        for outcome in outcomes
        for location, result in zip(outcome.locations, outcome.results, strict=False)
        if result.check
    ]
    kept = sum(outcome.kept_source for outcome in outcomes)
    if retried or failing or marked:
        lines.append(
            f"Checks: {retried} of {len(results)} segment(s) retried, {marked} translated between their markers "
            f"(the model did not keep the inline markup), {len(failing)} still failing."
        )
    if failing:
        more = f" and {len(failing) - 10} more" if len(failing) > 10 else ""
        lines.append(
            f"Warning: still failing the output checks: {', '.join(failing[:10])}{more} (see --report)."
        )
    lines.extend(
        glossary_summary(
            [
                (f"{outcome.source.name} {location}", result.terms)
                for outcome in outcomes
                for location, result in zip(outcome.locations, outcome.results, strict=False)
            ]
        )
    )
    if kept:
        lines.append(
            f"Warning: {kept} segment(s) kept in the source language (their translation was unusable)."
        )
    wrong = [f"{outcome.source.name} {place}" for outcome in outcomes for place in outcome.kept_wrong]
    if wrong:
        more = f" and {len(wrong) - 10} more" if len(wrong) > 10 else ""
        lines.append(
            f"Warning: kept in the source language, their translation being wrong: {', '.join(wrong[:10])}{more}."
        )
    return lines
