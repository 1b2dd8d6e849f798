"""What a user sees when something is wrong: one line on stderr, a non-zero exit, no traceback, no file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from bayling_local.cli import COMMANDS, cli


def run(*args: str, input: str | bytes | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), input=input)


def assert_one_line_error(result, code: int | None = None) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code != 0
    if code is not None:
        assert result.exit_code == code
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def write_gguf(path: Path, architecture: str = "llama") -> Path:
    from gguf import GGUFWriter

    writer = GGUFWriter(str(path), architecture)
    writer.add_block_count(1)
    writer.add_tensor("token_embd.weight", np.zeros((16, 8), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def test_unknown_language_exits_2_with_suggestions() -> None:
    result = run("translate", "hello", "--to", "klingonese")
    line = assert_one_line_error(result, 2)
    assert "klingonese" in line and "bayling-local languages" in line


def test_model_that_is_not_a_gguf() -> None:
    line = assert_one_line_error(run("translate", "hello", "--to", "fra_Latn", "--model", "/etc/hostname"))
    assert "not a GGUF" in line


def test_missing_model_file_and_unknown_model_name() -> None:
    line = assert_one_line_error(run("translate", "hello", "--to", "fr", "--model", "/nope/model.gguf"))
    assert "no model file at /nope/model.gguf" in line
    line = assert_one_line_error(run("translate", "hello", "--to", "fr", "--model", "bayling-99b"))
    assert "no installed model named 'bayling-99b'" in line


def test_truncated_gguf_is_reported_as_damaged(tmp_path: Path) -> None:
    good = write_gguf(tmp_path / "good.gguf")
    broken = tmp_path / "broken.gguf"
    broken.write_bytes(good.read_bytes()[:200])
    line = assert_one_line_error(run("translate", "hello", "--to", "fr", "--model", str(broken)))
    assert "damaged or truncated" in line or "truncated" in line


def test_unsupported_architecture_is_named(tmp_path: Path) -> None:
    model = write_gguf(tmp_path / "odd.gguf", architecture="klingon")
    line = assert_one_line_error(run("translate", "hello", "--to", "fr", "--model", str(model)))
    assert "'klingon'" in line


def test_empty_input_is_refused() -> None:
    assert "empty" in assert_one_line_error(run("translate", "--to", "fr", input="\n  \n"))


def test_invalid_utf8_file_names_the_line(tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_bytes(b"ok\n\xc3\x28 broken\n")
    out = tmp_path / "out.txt"
    line = assert_one_line_error(run("translate", "--to", "fr", "-i", str(source), "-o", str(out)))
    assert "line 2" in line
    assert not out.exists()


def test_unwritable_output_fails_before_any_work(tmp_path: Path) -> None:
    line = assert_one_line_error(
        run("translate", "hi", "--to", "fr", "-o", str(tmp_path / "no" / "dir" / "x.txt"))
    )
    assert "does not exist" in line


def test_help_imports_nothing_heavy() -> None:
    code = (
        "import sys\n"
        "from bayling_local.cli import cli\n"
        "try:\n    cli(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('llama_cpp', 'torch', 'transformers', 'textual', 'numpy', 'gguf') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "HEAVY []" in out
    assert "translate" in out and "doctor" in out


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_has_help(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["--ctx", "10"], "--ctx"),
        (["--ctx", "0"], "--ctx"),
        (["--ctx", "64"], "--ctx"),
        (["--max-tokens", "0"], "--max-tokens"),
        (["--temperature", "-1"], "--temperature"),
        (["--threads", "0"], "--threads"),
        (["--n-gpu-layers", "-2"], "--n-gpu-layers"),
    ],
)
def test_out_of_range_numbers_are_refused_before_any_model_loads(args: list[str], option: str) -> None:
    outcome = CliRunner().invoke(cli, ["translate", "hello", "--to", "fra_Latn", *args])
    assert outcome.exit_code == 2
    assert option in outcome.output
    assert "Traceback" not in outcome.output and "built-in" not in outcome.output


def test_the_tui_settings_show_the_same_context_limits_in_plain_numbers() -> None:
    from bayling_local.config import CTX_RANGE
    from bayling_local.tui.screens.settings import _number

    with pytest.raises(ValueError, match="between 256 and 1,048,576, not 10") as caught:
        _number("10", "Context size", int, *CTX_RANGE)
    assert "e+06" not in str(caught.value)
