"""`bayling-local detect`: the language of each input line, with its confidence and runners-up."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from ..language.detect import Detection


@click.command("detect")
@click.argument("text", required=False)
@click.option(
    "-i", "--input", "input_file", type=click.Path(path_type=Path), help="Text file, one line each."
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per input line.")
@click.option("--top", type=click.IntRange(1, 205), default=3, show_default=True, help="Candidates to show.")
@click.option(
    "--detector",
    type=click.Choice(["auto", "glotlid", "ngram"]),
    default="auto",
    show_default=True,
    help="glotlid: the model `pull glotlid` installs; ngram: the built-in one; auto: GlotLID when installed.",
)
def detect_command(text: str | None, input_file: Path | None, as_json: bool, top: int, detector: str) -> None:
    """Say which of the 205 FLORES-200 languages each line of TEXT, stdin or -i FILE is in.

    Every line is judged on its own. The confidence is the language's probability, lowered for a very
    short line or one mostly in another script; the candidates show the probabilities themselves.
    "unknown" (null in --json) means no language reached 0.5, alone or with its close varieties (then the
    named one's own confidence can be lower); the candidates still say what it might be. --json adds the
    reason (script, model, rules applied).

    Example: echo "Dobro jutro, kako ste?" | bayling-local detect --top 3
    """
    from ..language.detect import detect_language, detection_json
    from ..language.detectors import glotlid_model_file
    from ..runs.translate import read_segments

    glotlid_model_file(detector)  # --detector glotlid without it installed: say so before reading input

    for line in read_segments(text, input_file):
        found = detect_language(line, top=top, detector=detector)
        if as_json:
            click.echo(json.dumps(detection_json(found), ensure_ascii=False))
        elif not line.strip():
            click.echo("")
        else:
            click.echo(describe(found, top))


def describe(found: Detection, top: int) -> str:
    """One line: code, confidence, name, and with --top above 1 the candidates."""
    code = found.language.code if found.language else "unknown"
    name = found.language.name if found.language else "-"
    row = f"{code}\t{found.confidence:.3f}\t{name}"
    if top > 1 and found.candidates:
        row += "\t" + ", ".join(f"{c} {p:.3f}" for c, p in found.candidates)
    return row
