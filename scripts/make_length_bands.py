"""Write bayling_local/translation/data/length_bands.json: how long a translation into each language usually is.

FLORES-200 dev is multi-parallel, so every language has a human translation of the same sentences. For each
language L and sentence i, r_L(i) = ln(chars of L's sentence / chars of the English one). Stored per language:
the median of r_L (how many characters L needs per English character) and the 0.5% and 99.5% quantiles of r_L
minus that median (how far a correct translation strays, down and up). Per script, the median of its
languages' medians and the widest of their quantiles: the fallback when a source's language is not known.

The translation checks turn these into a band for a pair S -> T on natural-log scale:
    centre = median_T - median_S, low = centre - sqrt(down_T^2 + up_S^2), high = centre + sqrt(up_T^2 + down_S^2)
(the sum of independent spreads; wider than the pair's own quantiles for 95% of 300 random FLORES pairs), plus
a fixed slack for machine translation's extra variance. Only statistics are written, never sentences.

    python scripts/make_length_bands.py [--data ../shared/data/flores200-dev.tar.xz]
"""

from __future__ import annotations

import argparse
import json
import math
import re
import statistics
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ARCHIVE = REPO.parent / "shared" / "data" / "flores200-dev.tar.xz"
OUTPUT = REPO / "bayling_local" / "translation" / "data" / "length_bands.json"
QUANTILE = 0.005


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def language_row(lengths: list[int], english: list[int]) -> tuple[float, float, float]:
    ratios = [math.log(n / e) for n, e in zip(lengths, english, strict=True) if n and e]
    middle = statistics.median(ratios)
    return middle, quantile(ratios, QUANTILE) - middle, quantile(ratios, 1 - QUANTILE) - middle


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ARCHIVE)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()

    from bayling_local.runs.evaluate import flores_folder, read_sentences

    with flores_folder(args.data) as folder:
        codes = sorted(path.stem for path in folder.glob("*.txt"))
        lengths = {code: [len(s.strip()) for s in read_sentences(folder, code, None)] for code in codes}
    english = lengths["eng_Latn"]
    languages = {code: language_row(lengths[code], english) for code in codes}
    by_script: dict[str, list[tuple[float, float, float]]] = {}
    for code, row in languages.items():
        by_script.setdefault(code.split("_")[1], []).append(row)
    scripts = {
        script: (
            statistics.median(r[0] for r in rows),
            min(r[1] for r in rows),
            max(r[2] for r in rows),
        )
        for script, rows in by_script.items()
    }
    payload = {
        "about": __doc__.split("\n\n")[1].replace("\n", " "),
        "made_by": "python scripts/make_length_bands.py",
        "sentences": len(english),
        "quantile": QUANTILE,
        "columns": ["median ln(chars / English chars)", "down (<= 0)", "up (>= 0)"],
        "languages": {code: [round(v, 3) for v in row] for code, row in languages.items()},
        "scripts": {script: [round(v, 3) for v in row] for script, row in sorted(scripts.items())},
    }
    text = json.dumps(payload, indent=1, ensure_ascii=False)
    # One language per line: the file stays short enough to read and to review in a diff.
    text = re.sub(r"\[\s+(-?[\d.]+),\s+(-?[\d.]+),\s+(-?[\d.]+)\s+\]", r"[\1, \2, \3]", text)
    args.output.write_text(text + "\n", encoding="utf-8")
    print(f"wrote {args.output}: {len(languages)} languages, {len(scripts)} scripts")


if __name__ == "__main__":
    main()
