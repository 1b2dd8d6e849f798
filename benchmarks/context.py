"""What `--context N` costs and changes: FLORES-200 dev sentences translated as one text (consecutive dev
sentences come from the same article, a few per article), with N earlier segments shown to the model, against
N = 0, same loaded model, same run. Printed per N: chrF and chrF++ against the references, and
sentences/s (context makes each segment wait for the one before it, so the batch runs one sequence).

    python benchmarks/context.py [--data ../shared/data/flores200-dev.tar.xz] [--lines 60] [--pairs eng_Latn-fra_Latn,...]
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data", type=Path, default=Path(__file__).parents[1] / "../shared/data/flores200-dev.tar.xz"
    )
    parser.add_argument("--lines", type=int, default=60)
    parser.add_argument("--contexts", default="0,2")
    parser.add_argument("--pairs", default="eng_Latn-fra_Latn,eng_Latn-deu_Latn")
    parser.add_argument("--model", help="Model name or .gguf path (default: the one translate uses).")
    args = parser.parse_args()

    import sacrebleu

    from bayling_local.config import GenerationConfig, RuntimeConfig
    from bayling_local.language.names import resolve_language
    from bayling_local.runs.evaluate import flores_folder
    from bayling_local.store.opening import open_engine
    from bayling_local.translation.batch import translate_segments
    from bayling_local.translation.translator import Translator

    engine = open_engine(RuntimeConfig(model=args.model))
    print(f"model: {engine.name}; {args.lines} consecutive FLORES-200 dev sentences per direction")
    try:
        with flores_folder(args.data) as folder:
            for pair in args.pairs.split(","):
                source_code, target_code = pair.split("-")
                sources = (
                    (folder / f"{source_code}.txt").read_text(encoding="utf-8").splitlines()[: args.lines]
                )
                references = (
                    (folder / f"{target_code}.txt").read_text(encoding="utf-8").splitlines()[: args.lines]
                )
                for context in (int(n) for n in args.contexts.split(",")):
                    generation = dataclasses.replace(GenerationConfig(), context=context)
                    translator = Translator(
                        engine, resolve_language(target_code), resolve_language(source_code), generation
                    )
                    start = time.perf_counter()
                    results = translate_segments(translator, sources, progress=False)
                    seconds = time.perf_counter() - start
                    hypotheses = [r.translation for r in results]
                    chrf = sacrebleu.corpus_chrf(hypotheses, [references]).score
                    chrfpp = sacrebleu.corpus_chrf(hypotheses, [references], word_order=2).score
                    print(
                        f"{pair}  context {context}: chrF {chrf:5.2f}  chrF++ {chrfpp:5.2f}  "
                        f"{len(sources) / seconds:5.2f} sentences/s ({seconds:.1f} s)",
                        flush=True,
                    )
    finally:
        engine.close()


if __name__ == "__main__":
    main()
