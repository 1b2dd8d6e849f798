"""Write bayling_local/data/langid.npz: the language identifier `bayling-local detect` and auto-detection use.

Data: FLORES-200 dev (dev510, 205 languages, 510 aligned lines each). Lines 0-409 of every language train
the model; lines 410-509 are never seen by it and are what `benchmarks/detect.py` measures on.

Model: naive Bayes over hashed character 1- to 5-grams and words (`langid.features`), add-alpha smoothing,
stored as one byte per bucket and language (a 2^17 x 205 table, 27 MB in memory, 9 MB on disk). Calibration: a model trained on lines 0-272
scores lines 273-409 (whole and cut to their first 1, 2, 3 and 5 words); the temperature and length power
that minimize the log loss of those predictions are stored with the final model, trained on lines 0-409.

    python scripts/make_langid.py [--data ../shared/data/flores200-dev.tar.xz]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
ARCHIVE = REPO.parent / "shared" / "data" / "flores200-dev.tar.xz"
TRAIN_LINES = 410
CALIBRATION_SPLIT = 273
ALPHA = 0.05
WORD_WEIGHT = 3.0
SCALE = 1 / 16
PREFIXES = (None, 1, 2, 3, 5)


def counts(texts: dict[str, list[str]], codes: list[str], buckets: int) -> np.ndarray:
    from bayling_local.langid.features import char_features, word_features

    table = np.zeros((buckets, len(codes)), dtype=np.float32)
    for column, code in enumerate(codes):
        found = [np.concatenate([char_features(s, buckets), word_features(s, buckets)]) for s in texts[code]]
        table[:, column] = np.bincount(np.concatenate(found), minlength=buckets)
    return table


def arrays_for(table: np.ndarray, codes: list[str], temperature: float, power: float) -> dict[str, object]:
    buckets = table.shape[0]
    totals = table.sum(0)
    floor = np.log(ALPHA / (totals + ALPHA * buckets))
    ratio = np.log((table + ALPHA) / (totals + ALPHA * buckets)) - floor
    return {
        "codes": " ".join(codes),
        "buckets": buckets,
        # 0 where the language never had the bucket, else at least 1: one byte a cell.
        "ratios": np.where(table > 0, np.clip(np.round(ratio / SCALE), 1, 255), 0).astype(np.uint8),
        "scale": SCALE,
        "floor": floor.astype(np.float32),
        "word_weight": WORD_WEIGHT,
        "temperature": temperature,
        "length_power": power,
        "about": f"naive Bayes over char 1-5-grams and words hashed into {buckets} buckets; FLORES-200 dev "
        "lines 0-409 of 205 languages (410-509 held out); made by scripts/make_langid.py",
    }


def prefix(text: str, words: int | None) -> str:
    return text if words is None else " ".join(text.split()[:words])


def calibrate(texts: dict[str, list[str]], codes: list[str], buckets: int) -> tuple[float, float]:
    """Temperature and length power minimizing the log loss on lines 273-409 of a model of lines 0-272."""
    from bayling_local.langid.model import NgramModel

    early = {code: lines[:CALIBRATION_SPLIT] for code, lines in texts.items()}
    model = NgramModel(arrays_for(counts(early, codes, buckets), codes, 1.0, 0.0))
    scores, weights, truth = [], [], []
    for column, code in enumerate(codes):
        for text in texts[code][CALIBRATION_SPLIT:TRAIN_LINES:2]:
            for words in PREFIXES:
                values, weight = model.scores(prefix(text, words))
                if weight:
                    scores.append(values.astype(np.float32))
                    weights.append(weight)
                    truth.append(column)
    table, sizes, answers = np.stack(scores), np.array(weights), np.array(truth)
    best = (np.inf, 1.0, 0.0)
    for power in (0.0, 0.25, 0.5, 0.75, 1.0):
        for temperature in np.geomspace(0.01, 100, 81):
            scaled = table / (temperature * sizes[:, None] ** power)
            scaled -= scaled.max(1, keepdims=True)
            log_loss = float(
                np.mean(np.log(np.exp(scaled).sum(1)) - scaled[np.arange(len(answers)), answers])
            )
            if log_loss < best[0]:
                best = (log_loss, float(temperature), power)
    print(f"calibration: log loss {best[0]:.4f}, temperature {best[1]:.4g}, length power {best[2]}")
    return best[1], best[2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ARCHIVE)
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument("--buckets", type=int, default=None, help="hash buckets (a power of two)")
    args = parser.parse_args()

    from bayling_local.evaluate import flores_folder, read_sentences
    from bayling_local.langid.features import BUCKETS
    from bayling_local.langid.model import NgramModel, model_path

    started = time.perf_counter()
    with flores_folder(args.data) as folder:
        codes = sorted(path.stem for path in folder.glob("*.txt"))
        texts = {code: read_sentences(folder, code, TRAIN_LINES) for code in codes}
        held_out = {code: read_sentences(folder, code, None)[TRAIN_LINES:] for code in codes}
    buckets = args.buckets or BUCKETS
    temperature, power = calibrate(texts, codes, buckets)
    arrays = arrays_for(counts(texts, codes, buckets), codes, temperature, power)
    output = args.output or model_path()
    np.savez_compressed(output, **arrays)  # type: ignore[arg-type]
    model = NgramModel(arrays)
    for words in (None, 3):
        right = sum(
            model.rank(prefix(text, words), 1)[0].code == code for code in codes for text in held_out[code]
        )
        print(f"held-out lines 410-509, {words or 'all'} words: accuracy {right / (100 * len(codes)):.4f}")
    size = output.stat().st_size / 1e6
    print(f"wrote {output} ({size:.1f} MB) in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
