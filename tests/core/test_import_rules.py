"""The two architecture rules hold, and import-linter catches a break of either (on a copy of the tree)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _copy_tree(target: Path) -> Path:
    for package in ("bayling_local", "convert", "training"):
        shutil.copytree(REPO / package, target / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", target / "pyproject.toml")
    return target


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=tree, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_tree_keeps_every_contract() -> None:
    outcome = _lint(REPO)
    assert outcome.returncode == 0, outcome.stdout
    assert "0 broken" in outcome.stdout


def test_importing_llama_cpp_outside_llama_breaks_the_lint(tmp_path: Path) -> None:
    tree = _copy_tree(tmp_path)
    templates = tree / "bayling_local" / "templates.py"
    templates.write_text(
        templates.read_text(encoding="utf-8") + "\nimport llama_cpp  # noqa\n", encoding="utf-8"
    )
    outcome = _lint(tree)
    assert outcome.returncode != 0
    assert "Only bayling_local.llama imports llama_cpp BROKEN" in outcome.stdout
    assert "bayling_local.templates -> llama_cpp" in outcome.stdout


def test_a_core_module_importing_the_cli_breaks_the_lint(tmp_path: Path) -> None:
    tree = _copy_tree(tmp_path)
    loading = tree / "bayling_local" / "translation" / "batch.py"
    loading.write_text(
        loading.read_text(encoding="utf-8") + "\nfrom ..cli import options  # noqa\n", encoding="utf-8"
    )
    outcome = _lint(tree)
    assert outcome.returncode != 0
    assert "bayling_local.translation is not allowed to import bayling_local.cli" in outcome.stdout
