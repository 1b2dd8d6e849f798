"""`bayling-local bench` on the built-in model, with tiny sizes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


@pytest.mark.slow
def test_bench_json_reports_every_figure(builtin_model_path: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bayling_local.cli import cli

    lines = tmp_path / "lines.txt"
    lines.write_text("Good morning.\nI like tea.\nThe cat is black.\n", encoding="utf-8")
    outcome = CliRunner().invoke(
        cli,
        [
            "bench",
            "-m",
            str(builtin_model_path),
            "-i",
            str(lines),
            "--parallel",
            "3",
            "--ctx",
            "1024",
            "--gen-tokens",
            "8",
            "--json",
        ],
    )
    assert outcome.exit_code == 0, outcome.output
    figures = json.loads(outcome.output)
    for key in (
        "prompt_tokens_per_s",
        "generation_tokens_per_s",
        "time_to_first_token_s",
        "sequential_segments_per_s",
        "batched_segments_per_s",
        "peak_rss_mb",
    ):
        assert figures[key] > 0, key
    assert figures["segments"] == 3 and figures["parallel"] == 3


def test_bench_table_names_each_figure() -> None:
    from bayling_local.runs.bench import BenchResult, render_table

    table = render_table(BenchResult("m", 2, 0, 200, 800.0, 128, 95.0, 0.08, 16, 3.5, 8.0, 8, 2.29, 410.0))
    for label in (
        "Prompt reading",
        "Generation",
        "Time to first token",
        "one at a time",
        "batched",
        "Peak RSS",
    ):
        assert label in table
    assert "2.29x" in table
