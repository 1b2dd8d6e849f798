"""The architecture rules hold (layers, no import circles, llama_cpp and fasttext each behind one door), and
import-linter catches a break of each (planted in a copy of the tree: one lint run, three breaks)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _copy_tree(target: Path) -> Path:
    for package in ("bayling_local", "convert", "training"):
        shutil.copytree(REPO / package, target / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", target / "pyproject.toml")
    return target


def _append(path: Path, line: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}  # noqa\n", encoding="utf-8")


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=tree, env=env, capture_output=True, text=True, timeout=300
    )


def test_the_tree_keeps_every_contract_and_the_circle_contract_waives_nothing() -> None:
    contracts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    circles = [c for c in contracts["contracts"] if c["type"] == "acyclic_siblings"]
    assert len(circles) == 1 and "ignore_imports" not in circles[0]
    assert set(circles[0]["ancestors"]) == set(contracts["root_packages"])
    outcome = _lint(REPO)
    assert outcome.returncode == 0, outcome.stdout
    assert "0 broken" in outcome.stdout and "5 kept" in outcome.stdout


def test_a_planted_circle_an_upward_import_and_llama_cpp_outside_llama_each_break_the_lint(
    tmp_path: Path,
) -> None:
    tree = _copy_tree(tmp_path)
    package = tree / "bayling_local"
    # translation.batch imports translation.checks; checks importing batch back closes a circle
    _append(package / "translation" / "checks.py", "from . import batch")
    _append(package / "translation" / "pieces.py", "from ..cli import options")
    _append(package / "prompts" / "formats.py", "import llama_cpp")
    outcome = _lint(tree)
    assert outcome.returncode != 0
    report = outcome.stdout
    assert "one way only BROKEN" in report
    assert "No cycles are allowed in bayling_local.translation." in report
    assert "bayling_local.translation is not allowed to import bayling_local.cli" in report
    assert "Only bayling_local.llama imports llama_cpp BROKEN" in report
    assert "bayling_local.prompts.formats -> llama_cpp" in report
    assert "3 broken" in report
