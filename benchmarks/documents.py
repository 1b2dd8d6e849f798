"""What the document layer costs: a Markdown document of about 100 segments against the same sentences as
plain lines, same loaded model, same run, same generation settings (greedy, default retries).

The document is built from FLORES-200 dev English sentences (extracted to a temporary folder, never written
out): headings, paragraphs, list items and table cells, a fifth of them with inline markup (bold, a link,
inline code) that becomes protected markers, plus code blocks and front matter that are not translated.
Printed: sentences/s of plain lines, of the document without inline markup (the structure layer: parse,
placement, render) and of the document with it (markers, which a weak model drops: retries and the
between-markers fallback), each as a ratio to plain lines (goal: the structure layer costs at most 10%).

    python benchmarks/documents.py [--data ../shared/data/flores200-dev.tar.xz] [--segments 100]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path


def sentences(data: Path, count: int) -> list[str]:
    from bayling_local.runs.evaluate import flores_folder

    with flores_folder(data) as folder:
        return (folder / "eng_Latn.txt").read_text(encoding="utf-8").splitlines()[:count]


def markdown_of(lines: list[str], markup: bool = True) -> str:
    """A realistic document around the sentences: headings, list items, table cells, code blocks, front
    matter; with `markup`, every fifth sentence also carries bold, a link or inline code."""
    parts = ["---\ntitle: Benchmark\nlayout: post\n---\n"]
    for index, line in enumerate(lines):
        words = line.split(" ")
        if markup and len(words) > 4:
            if index % 5 == 1:
                words[2] = f"**{words[2]}**"
            if index % 5 == 3:
                words[1] = f"[{words[1]}](https://example.com/{index})"
            if index % 10 == 7:
                words[-2] = f"`{words[-2]}`"
        text = " ".join(words)
        kind = index % 10
        if kind == 0:
            parts.append(f"## {text}\n")
        elif kind in (4, 5):
            parts.append(f"- {text}\n")
        elif kind == 8:
            parts.append(f"| # |\n|---|\n| {text} |\n")
        else:
            parts.append(f"{text}\n")
        if kind == 9:
            parts.append("```python\nprint('not translated')\n```\n")
    return "\n".join(parts)


def timed(translator: object, texts: list[str]) -> tuple[float, list[object]]:
    from bayling_local.translation.batch import translate_segments

    start = time.perf_counter()
    results = translate_segments(translator, texts, progress=False)  # type: ignore[arg-type]
    return time.perf_counter() - start, list(results)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data", type=Path, default=Path(__file__).parents[1] / "../shared/data/flores200-dev.tar.xz"
    )
    parser.add_argument("--segments", type=int, default=100)
    parser.add_argument("--model", help="Model name or .gguf path (default: the one translate uses).")
    parser.add_argument("--repeat", type=int, default=2, help="Runs of each (best kept: the VM is noisy).")
    args = parser.parse_args()

    from bayling_local.config import GenerationConfig, RuntimeConfig
    from bayling_local.documents.markdown import read_markdown
    from bayling_local.language.names import resolve_language
    from bayling_local.store.opening import open_engine
    from bayling_local.translation.translator import Translator

    lines = sentences(args.data, args.segments)
    plain_doc = read_markdown(markdown_of(lines, markup=False).encode(), None)
    marked_doc = read_markdown(markdown_of(lines).encode(), None)
    engine = open_engine(RuntimeConfig(model=args.model))
    french, english = resolve_language("fra_Latn"), resolve_language("eng_Latn")

    def run(texts: list[str], document: object = None) -> tuple[float, list[object]]:
        # A translator per text, as `translate` makes them (its shared prompt start is worked out per text).
        translator = Translator(engine, french, english, GenerationConfig())
        start = time.perf_counter()
        _seconds, results = timed(translator, texts)
        if document is not None:
            document.render([r.translation for r in results], french)  # type: ignore[attr-defined]
        return time.perf_counter() - start, results

    rates: dict[str, list[float]] = {"plain lines": [], "markdown": [], "markdown + inline markup": []}
    fallbacks = 0
    try:
        run(lines[:4])  # warm the caches and threads
        for _ in range(args.repeat):  # alternating, so the VM's slow minutes fall on all three
            rates["plain lines"].append(len(lines) / run(lines)[0])
            rates["markdown"].append(len(lines) / run([s.text for s in plain_doc.segments], plain_doc)[0])
            seconds, results = run([s.text for s in marked_doc.segments], marked_doc)
            rates["markdown + inline markup"].append(len(lines) / seconds)
            fallbacks = sum(1 for r in results if r.fallback == "markers")  # type: ignore[attr-defined]
    finally:
        engine.close()
    marked = sum(1 for segment in marked_doc.segments if "<m" in segment.text)
    print(
        f"model: {engine.name}; {len(lines)} sentences; document: {len(marked_doc.segments)} segments, {marked} with markers"
    )
    base = max(rates["plain lines"])
    for name, values in rates.items():
        best = max(values)
        print(
            f"{name:26s}: {best:5.2f} sentences/s (best of {len(values)}), ratio to plain {best / base:.3f}"
        )
    print(f"goal: markdown/plain >= 0.90; between-markers fallbacks in the marked document: {fallbacks}")


if __name__ == "__main__":
    main()
