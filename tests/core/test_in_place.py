"""`-i FILE -o FILE` never replaces the source silently; `--in-place` does, keeping the original."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from bayling_local.cli import cli
from bayling_local.runs.translate import free_backup_name, plan_output

SOURCE = "Good morning.\nI like tea.\n"


def translate(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["translate", "--to", "fr", "--from", "en", *args])


@pytest.fixture
def source(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "in.txt"
    path.write_text(SOURCE, encoding="utf-8")
    return path


@pytest.mark.parametrize("spelling", ["same", "dot", "symlink"])
def test_output_onto_the_input_is_refused_and_the_source_kept(source: Path, spelling: str) -> None:
    target = {"same": str(source), "dot": "./in.txt", "symlink": str(source.parent / "link.txt")}[spelling]
    if spelling == "symlink":
        os.symlink(source, target)
    outcome = translate("-i", str(source), "-o", target)
    assert outcome.exit_code == 2
    assert "is the input file" in outcome.stderr and "--in-place" in outcome.stderr
    assert source.read_text(encoding="utf-8") == SOURCE
    assert "built-in" not in outcome.stderr  # refused before any model loads


def test_in_place_needs_an_input_file_and_no_other_output(source: Path) -> None:
    assert translate("hello", "--in-place").exit_code == 2
    outcome = translate("-i", str(source), "-o", "other.txt", "--in-place")
    assert outcome.exit_code == 2 and "--in-place" in outcome.stderr


def test_backups_never_replace_one_another(source: Path) -> None:
    assert free_backup_name(source).name == "in.txt.orig"
    (source.parent / "in.txt.orig").write_text("older", encoding="utf-8")
    assert free_backup_name(source).name == "in.txt.orig.1"
    assert plan_output(source, None, in_place=True) == (source, source.parent / "in.txt.orig.1")


@pytest.mark.slow
def test_in_place_replaces_the_file_and_keeps_the_original(source: Path) -> None:
    outcome = translate("-i", str(source), "--in-place", "--max-tokens", "12")
    assert outcome.exit_code == 0, outcome.output
    assert (source.parent / "in.txt.orig").read_text(encoding="utf-8") == SOURCE
    lines = source.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and lines != SOURCE.splitlines()
    assert "in.txt.orig" in outcome.stderr


def test_an_output_folder_that_refuses_files_fails_before_any_model_loads(tmp_path: Path) -> None:
    # /sys refuses new files even for root, whose permission bits say otherwise.
    outcome = translate("hello", "-o", "/sys/bayling-probe.txt")
    assert outcome.exit_code == 1
    assert "cannot write /sys/bayling-probe.txt" in outcome.stderr
    assert "built-in" not in outcome.stderr
    assert not list(tmp_path.iterdir())


def test_in_place_keeps_the_original_also_when_the_text_is_copied_through(source: Path) -> None:
    outcome = CliRunner().invoke(
        cli, ["translate", "-i", str(source), "--in-place", "--from", "en", "--to", "en"]
    )
    assert outcome.exit_code == 0, outcome.output
    assert (source.parent / "in.txt.orig").read_text(encoding="utf-8") == SOURCE
    assert source.read_text(encoding="utf-8") == SOURCE
