"""Write bayling_local/language/data/langid.npz: the language identifier `bayling-local detect` and auto-detection use.

Data: FLORES-200 dev (dev510, 205 languages, 510 aligned lines each). Lines 0-409 of every language train
the model; lines 410-509 are never seen by it and are what `benchmarks/detect.py` measures on.

Model: naive Bayes over hashed character 1- to 5-grams and words (`language.ngram_features`), each counted once a
sentence, add-alpha smoothing, stored as one byte per bucket and language (a 2^17 x 205 table, 27 MB in
memory, 8 MB on disk). Calibration: a model trained on lines 0-272 scores lines 273-409 (whole and cut to
their first 1, 2, 3 and 5 words); the temperature, length power and per-language bias that minimize the log
loss of those predictions are stored with the final model, trained on lines 0-409.

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
ALPHA = 0.4
WORD_WEIGHT = 3.0
SCALE = 1 / 16
PREFIXES = (None, 1, 2, 3, 5)


def counts(texts: dict[str, list[str]], codes: list[str], buckets: int) -> np.ndarray:
    from bayling_local.language.ngram_features import char_features, word_features

    table = np.zeros((buckets, len(codes)), dtype=np.float32)
    for column, code in enumerate(codes):
        # Each feature counts once a sentence: a word a sentence repeats ("the", a name) says no more about
        # its language the second time (0.1-0.3 points better on held-out lines than raw counts).
        found = [
            np.unique(np.concatenate([char_features(s, buckets), word_features(s, buckets)]))
            for s in texts[code]
        ]
        table[:, column] = np.bincount(np.concatenate(found), minlength=buckets)
    return table


def arrays_for(
    table: np.ndarray, codes: list[str], temperature: float, power: float, bias: np.ndarray | None = None
) -> dict[str, object]:
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
        "bias": np.zeros(len(codes), dtype=np.float32) if bias is None else bias.astype(np.float32),
        "about": f"naive Bayes over char 1-5-grams and words hashed into {buckets} buckets; FLORES-200 dev "
        "lines 0-409 of 205 languages (410-509 held out); made by scripts/make_langid.py",
    }


def prefix(text: str, words: int | None) -> str:
    return text if words is None else " ".join(text.split()[:words])


def calibrate(texts: dict[str, list[str]], codes: list[str], buckets: int) -> tuple[float, float, np.ndarray]:
    """Temperature, length power and per-language bias minimizing the log loss on lines 273-409 of a model
    of lines 0-272."""
    from bayling_local.language.ngram_model import NgramModel

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
    no_bias = np.zeros(len(codes), dtype=np.float32)
    temperature, power = fit_temperature(table, sizes, answers, no_bias)
    bias = fit_bias(table / (temperature * sizes[:, None] ** power), answers)
    temperature, power = fit_temperature(table, sizes, answers, bias)
    loss = log_loss(table / (temperature * sizes[:, None] ** power) + bias, answers)
    print(f"calibration: log loss {loss:.4f}, temperature {temperature:.4g}, length power {power}")
    extremes = np.argsort(bias)
    print("bias:", ", ".join(f"{codes[i]} {bias[i]:+.2f}" for i in [*extremes[:3], *extremes[-3:]]))
    return temperature, power, bias


def log_loss(logits: np.ndarray, answers: np.ndarray) -> float:
    shifted = logits - logits.max(1, keepdims=True)
    return float(np.mean(np.log(np.exp(shifted).sum(1)) - shifted[np.arange(len(answers)), answers]))


def fit_temperature(
    table: np.ndarray, sizes: np.ndarray, answers: np.ndarray, bias: np.ndarray
) -> tuple[float, float]:
    """The temperature and length power (on a grid) with the least log loss."""
    best = (np.inf, 1.0, 0.0)
    for power in (0.0, 0.25, 0.5, 0.75, 1.0):
        for temperature in np.geomspace(0.01, 100, 81):
            loss = log_loss(table / (temperature * sizes[:, None] ** power) + bias, answers)
            if loss < best[0]:
                best = (loss, float(temperature), power)
    return best[1], best[2]


def fit_bias(logits: np.ndarray, answers: np.ndarray, steps: int = 300, rate: float = 2.0) -> np.ndarray:
    """A per-language prior added to the calibrated scores, by gradient descent on the log loss: naive
    Bayes favours some languages on held-out text (those whose training lines had more, or fewer, distinct
    n-grams); the bias undoes it (+0.3 points on 3-word prefixes, measured on lines the fit did not see)."""
    bias = np.zeros(logits.shape[1], dtype=np.float32)
    for _ in range(steps):
        shifted = logits + bias
        shifted -= shifted.max(1, keepdims=True)
        probabilities = np.exp(shifted)
        probabilities /= probabilities.sum(1, keepdims=True)
        probabilities[np.arange(len(answers)), answers] -= 1  # the gradient of the log loss
        bias -= rate * probabilities.mean(0)
    return bias - bias.mean()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ARCHIVE)
    parser.add_argument("--output", type=Path, default=None)
    parser.add_argument("--buckets", type=int, default=None, help="hash buckets (a power of two)")
    args = parser.parse_args()

    from bayling_local.language.ngram_features import BUCKETS
    from bayling_local.language.ngram_model import MODEL_FILE, NgramModel
    from bayling_local.runs.evaluate import flores_folder, read_sentences

    started = time.perf_counter()
    with flores_folder(args.data) as folder:
        codes = sorted(path.stem for path in folder.glob("*.txt"))
        texts = {code: read_sentences(folder, code, TRAIN_LINES) for code in codes}
        held_out = {code: read_sentences(folder, code, None)[TRAIN_LINES:] for code in codes}
    buckets = args.buckets or BUCKETS
    temperature, power, bias = calibrate(texts, codes, buckets)
    arrays = arrays_for(counts(texts, codes, buckets), codes, temperature, power, bias)
    output = args.output or REPO / "bayling_local" / "language" / "data" / MODEL_FILE
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
