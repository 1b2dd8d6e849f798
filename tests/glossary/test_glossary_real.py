"""The real built-in model through real llama.cpp: ten sentences, each with glossary terms whose targets are
invented words (the model cannot know them), all honoured once the marker step has run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bayling_local.cli import cli

pytestmark = pytest.mark.slow

GLOSSARY = """en\tfr
pump\tpomparelle
valve\tvannoxe
filter\tfiltrebule
engine\tmotoril
tank\tcuvarde
"""
SENTENCES = [
    "The pump is in the basement.",
    "Close the valve before you leave.",
    "Change the filter every month.",
    "The engine needs new oil.",
    "Fill the tank with clean water.",
    "The pump and the valve are new.",
    "A dirty filter slows the engine.",
    "The tank leaks near the valve.",
    "Start the engine, then the pump.",
    "Clean the filter and the tank.",
]


def test_every_invented_term_reaches_the_translation(tmp_path: Path) -> None:
    glossary = tmp_path / "terms.tsv"
    glossary.write_text(GLOSSARY)
    source = tmp_path / "in.txt"
    source.write_text("\n".join(SENTENCES) + "\n")
    result = CliRunner().invoke(
        cli,
        ["translate", "-i", str(source), "--to", "fr", "--from", "en", "--glossary", str(glossary), "--json"],
    )
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    terms = [term for record in records for term in record["terms"]]
    assert len(terms) == 15 and all(term["found"] for term in terms)
    for record in records:
        for term in record["terms"]:
            assert term["target"] in record["translation"].casefold() or term["step"] != "marker"
    assert "glossary: 15/15 terms honoured" in result.stderr
