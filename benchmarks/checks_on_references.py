"""False alarms of the output checks: how many FLORES dev human reference translations they flag.

Every check must let a correct translation through; this runs the default checks on (source sentence,
reference translation) pairs for a fixed set of directions plus random ones, with the source language given
and unknown, and prints the flags per problem and the share of pairs flagged.

    python benchmarks/checks_on_references.py [--random 40] [--all-english]

`--all-english` runs English into and out of every other FLORES language instead (208,080 pairs, about ten
minutes): what the language check costs on the languages it knows least.
"""

from __future__ import annotations

import argparse
import random
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ARCHIVE = REPO.parent / "shared" / "data" / "flores200-dev.tar.xz"
FIXED = [
    ("eng_Latn", "fra_Latn"), ("eng_Latn", "zho_Hans"), ("zho_Hans", "eng_Latn"), ("eng_Latn", "jpn_Jpan"),
    ("eng_Latn", "kor_Hang"), ("deu_Latn", "rus_Cyrl"), ("eng_Latn", "hin_Deva"), ("eng_Latn", "arb_Arab"),
    ("eng_Latn", "tha_Thai"), ("spa_Latn", "por_Latn"), ("bos_Latn", "hrv_Latn"),
]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ARCHIVE)
    parser.add_argument("--random", type=int, default=40, help="random directions on top of the fixed ones")
    parser.add_argument(
        "--all-english", action="store_true", help="English to and from every language instead"
    )
    args = parser.parse_args()

    from bayling_local.language.names import BY_CODE
    from bayling_local.prompts.fewshot import EXAMPLES
    from bayling_local.runs.evaluate import flores_folder, read_sentences
    from bayling_local.translation.checks import Candidate, first_problem, normalized

    examples = frozenset(normalized(text) for pair in EXAMPLES.values() for text in pair)
    with flores_folder(args.data) as folder:
        codes = sorted(code for code in (p.stem for p in folder.glob("*.txt")) if code in BY_CODE)
        sentences = {code: read_sentences(folder, code, None) for code in codes}
    rng = random.Random(1)
    directions = FIXED + [tuple(rng.sample(codes, 2)) for _ in range(args.random)]
    if args.all_english:
        others = [code for code in codes if code != "eng_Latn"]
        directions = [("eng_Latn", code) for code in others] + [(code, "eng_Latn") for code in others]
    flags: dict[str, Counter[str]] = {"given": Counter(), "unknown": Counter()}
    pairs = 0
    for source, target in directions:
        for text, reference in zip(sentences[source], sentences[target], strict=True):
            pairs += 1
            for known, language in (("given", BY_CODE[source]), ("unknown", None)):
                problem = first_problem(Candidate(text, reference, BY_CODE[target], language, examples))
                if problem:
                    flags[known][problem] += 1
    print(f"{len(directions)} directions, {pairs} reference pairs")
    for known, counted in flags.items():
        total = sum(counted.values())
        print(f"source language {known:7s}: {total} flagged ({100 * total / pairs:.3f}%) {dict(counted)}")


if __name__ == "__main__":
    main()
