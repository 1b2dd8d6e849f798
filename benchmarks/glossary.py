"""Glossary enforcement: how many terms each step gets into the translation, and what it costs.

FLORES-200 dev English sentences into French, German and Chinese. Each sentence gets 1-3 glossary entries
for words it holds (content words of 5+ letters), gathered into one glossary for the text, whose targets are invented words (so the model cannot
already know them): Latin-letter words for French and German, rare-character pairs for Chinese. Printed per
direction: the share of terms honoured after the prompt step alone, after the retry, after the marker step,
and sentences/s with the glossary against the same sentences without one, same loaded model, same run.

    python benchmarks/glossary.py [--data ../shared/data/flores200-dev.tar.xz] [--sentences 200]
"""

from __future__ import annotations

import argparse
import random
import re
import time
from pathlib import Path

_STOP = {"which", "there", "their", "about", "would", "these", "other", "after", "first", "could", "where"}
_HANZI = "璆瑄琰璠瓈甦畇畛疃皛皴盱睇矞砢碓磬祆秫窅竽笥筠箴篁簋籀粢絜綦縠罍翀翾"


def invented(rng: random.Random, target: str) -> str:
    if target.startswith("zho"):
        return "".join(rng.sample(_HANZI, 2))
    consonants, vowels = "bdfgklmnprstvz", "aeiou"
    return "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(rng.randint(3, 4)))


def entries_for(sentence: str, rng: random.Random, target: str) -> list[tuple[str, str]]:
    words = [w for w in re.findall(r"[a-z]{5,}", sentence) if w not in _STOP]
    chosen = rng.sample(sorted(set(words)), min(len(set(words)), rng.randint(1, 3)))
    return [(word, invented(rng, target)) for word in chosen]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data", type=Path, default=Path(__file__).parents[1] / "../shared/data/flores200-dev.tar.xz"
    )
    parser.add_argument("--sentences", type=int, default=200)
    parser.add_argument("--targets", default="fra_Latn,deu_Latn,zho_Hans")
    parser.add_argument("--model", help="Model name or .gguf path (default: the one translate uses).")
    args = parser.parse_args()

    from bayling_local.config import GenerationConfig, RuntimeConfig
    from bayling_local.language.names import resolve_language
    from bayling_local.runs.evaluate import flores_folder
    from bayling_local.store.opening import open_engine
    from bayling_local.translation.batch import translate_segments
    from bayling_local.translation.glossary import Entry, Glossary
    from bayling_local.translation.translator import Translator

    with flores_folder(args.data) as folder:
        sentences = (folder / "eng_Latn.txt").read_text(encoding="utf-8").splitlines()[: args.sentences]
    engine = open_engine(RuntimeConfig(model=args.model))
    english = resolve_language("eng_Latn")
    print(f"model: {engine.name}; {len(sentences)} FLORES-200 dev sentences per direction")
    try:
        for code in args.targets.split(","):
            target = resolve_language(code)
            rng = random.Random(7)
            chosen = dict(pair for sentence in sentences for pair in entries_for(sentence, rng, code))
            # One glossary for the whole text, as a user has: a chosen word is a term wherever it occurs.
            glossary = Glossary([Entry({"eng_Latn": source, code: term}) for source, term in chosen.items()])
            plain = Translator(engine, target, english, GenerationConfig())
            start = time.perf_counter()
            translate_segments(plain, sentences, progress=False)
            plain_rate = len(sentences) / (time.perf_counter() - start)
            translator = Translator(engine, target, english, GenerationConfig(), glossary=glossary)
            start = time.perf_counter()
            results = translate_segments(translator, sentences, progress=False)
            records = [term for result in results for term in result.terms]
            rate = len(sentences) / (time.perf_counter() - start)
            total = len(records) or 1
            prompt = sum(1 for r in records if r["step"] == "prompt") / total
            retry = prompt + sum(1 for r in records if r["step"] == "retry") / total
            final = sum(1 for r in records if r["found"]) / total
            print(
                f"eng_Latn->{code}: {len(records)} terms; honoured after prompt {prompt:.1%}, +retry {retry:.1%}, "
                f"+marker {final:.1%}; {rate:.2f} sentences/s with the glossary against {plain_rate:.2f} "
                f"without ({rate / plain_rate:.2f}x)",
                flush=True,
            )
    finally:
        engine.close()


if __name__ == "__main__":
    main()
