"""Precedence is decided in one place: flag, then config file, then default."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bayling_local import paths
from bayling_local.config import GenerationConfig, RuntimeConfig, resolve, save_beside
from bayling_local.errors import UsageError


def test_flag_beats_file_beats_default() -> None:
    file_data = {"runtime": {"ctx": 2048, "threads": 3}}
    config = resolve(RuntimeConfig, {"ctx": 8192, "threads": None}, "runtime", file_data)
    assert config.ctx == 8192  # flag
    assert config.threads == 3  # file
    assert config.template is None  # default


def test_config_file_is_read_from_bayling_home(bayling_home: Path) -> None:
    paths.config_file().write_text("[generation]\nmax_tokens = 77\n", encoding="utf-8")
    assert resolve(GenerationConfig, {}, "generation").max_tokens == 77


def test_unknown_setting_is_reported_with_the_known_ones() -> None:
    with pytest.raises(UsageError, match="unknown setting.*ctxx.*known:.*ctx"):
        resolve(RuntimeConfig, {}, "runtime", {"runtime": {"ctxx": 1}})


def test_broken_config_file_says_where(bayling_home: Path) -> None:
    paths.config_file().write_text("[runtime\n", encoding="utf-8")
    with pytest.raises(UsageError, match="config.toml is not valid TOML"):
        resolve(RuntimeConfig, {}, "runtime")


def test_resolved_config_is_saved_beside_the_artifact(tmp_path: Path) -> None:
    artifact = tmp_path / "out.txt"
    saved = save_beside(artifact, RuntimeConfig(ctx=1024), GenerationConfig())
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert saved.name == "out.txt.config.json"
    assert data["RuntimeConfig"]["ctx"] == 1024
    assert data["GenerationConfig"]["temperature"] == 0.0


def test_atomic_write_leaves_nothing_on_error_and_keeps_normal_permissions(tmp_path: Path) -> None:
    from bayling_local.atomic import atomic_write

    target = tmp_path / "out.txt"
    with pytest.raises(RuntimeError), atomic_write(target) as handle:
        handle.write("half")
        raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []
    with atomic_write(target) as handle:
        handle.write("whole")
    assert target.read_text(encoding="utf-8") == "whole"
    assert target.stat().st_mode & 0o044  # readable by others like any new file (not mkstemp's 0600)


def test_every_problem_of_the_config_file_is_reported_at_once_before_any_model_loads(
    bayling_home: Path,
) -> None:
    from click.testing import CliRunner

    from bayling_local.cli import cli

    paths.config_file().write_text(
        '[runtime]\nctx = "big"\nthreads = true\n[generation]\ntemperature = "hot"\nmax_tokens = 0\n'
        "[runtme]\nmodel = 'x'\n",
        encoding="utf-8",
    )
    outcome = CliRunner().invoke(cli, ["translate", "hello", "--to", "fr"])
    assert outcome.exit_code == 2
    message = outcome.stderr
    assert "config.toml" in message and "Traceback" not in message
    for problem in (
        "runtime.ctx = 'big': expected a whole number",
        "runtime.threads = True: expected a whole number",
        "generation.temperature = 'hot': expected a number",
        "generation.max_tokens = 0: must be between 1 and",
        "[runtme] is not a known table (did you mean [runtime]?)",
    ):
        assert problem in message, problem
    assert "built-in" not in message


@pytest.mark.parametrize(
    "text",
    ["[runtime]\nctx = 4096.5\n", "runtime = 5\n", "[runtime]\nctx = 64\n", "[generation]\ntop_p = 2\n"],
)
def test_wrong_types_shapes_and_ranges_are_usage_errors(bayling_home: Path, text: str) -> None:
    paths.config_file().write_text(text, encoding="utf-8")
    with pytest.raises(UsageError, match="config file .*config.toml: "):
        resolve(RuntimeConfig, {}, "runtime")


def test_good_values_pass_and_whole_numbers_count_as_numbers(bayling_home: Path) -> None:
    paths.config_file().write_text(
        '[runtime]\nctx = 8192\nmodel = "m"\nverbose = true\n[generation]\ntemperature = 1\n',
        encoding="utf-8",
    )
    assert resolve(GenerationConfig, {}, "generation").temperature == 1


def test_doctor_says_whether_the_config_file_is_valid(bayling_home: Path) -> None:
    from bayling_local.runs.doctor import config_status

    assert config_status() == "none (defaults)"
    paths.config_file().write_text("[runtime]\nctx = 2048\n", encoding="utf-8")
    assert config_status() == "valid"
    paths.config_file().write_text("[runtime]\nctx = 'big'\n", encoding="utf-8")
    assert "runtime.ctx = 'big'" in config_status()
