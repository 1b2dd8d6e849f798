"""The translation memory's point: a document translated, one segment edited, translated again. Printed:
the second run's time over the first's (goal: at most 5%), with the built-in model, FLORES-200 dev English
sentences as a Markdown document of paragraphs, into French, in a temporary BAYLING_HOME.

    python benchmarks/memory.py [--data ../shared/data/flores200-dev.tar.xz] [--segments 200]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data", type=Path, default=Path(__file__).parents[1] / "../shared/data/flores200-dev.tar.xz"
    )
    parser.add_argument("--segments", type=int, default=200)
    args = parser.parse_args()

    from bayling_local.runs.evaluate import flores_folder

    with flores_folder(args.data) as folder:
        lines = (folder / "eng_Latn.txt").read_text(encoding="utf-8").splitlines()[: args.segments]
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["BAYLING_HOME"] = str(Path(scratch) / "home")
        from bayling_local.language.names import resolve_language
        from bayling_local.runs.documents import DocumentJob, run_document_job
        from bayling_local.runs.setup import TranslationSettings

        source, output = Path(scratch) / "doc.md", Path(scratch) / "doc.fr.md"

        def run() -> float:
            settings = TranslationSettings(resolve_language("fra_Latn"), resolve_language("eng_Latn"))
            job = DocumentJob(input=source, settings=settings, output=output, notify=lambda _line: None)
            start = time.perf_counter()
            run_document_job(job, lambda _t: None, lambda _d: None)
            return time.perf_counter() - start

        source.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
        first = run()
        lines[len(lines) // 2] = lines[len(lines) // 2].replace(" the ", " this ", 1) + " (edited)"
        source.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
        second = run()
    print(f"{len(lines)} segments: first run {first:.1f} s, after editing one {second:.2f} s "
          f"({second / first:.1%} of the first; goal at most 5%)")  # fmt: skip


if __name__ == "__main__":
    main()
