"""GGUF headers are read by llama.cpp's own C reader: whole files quickly, damaged ones in plain words."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bayling_local.cli import cli
from bayling_local.errors import ModelError
from bayling_local.llama.gguf import read_info


@pytest.fixture(scope="module")
def truncated(builtin_model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gguf") / "half.gguf"
    with open(builtin_model_path, "rb") as source:
        path.write_bytes(source.read(120_000_000))
    return path


def test_the_header_is_read_without_the_gguf_packages_slow_reader(
    builtin_model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gguf

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("GGUFReader reads every vocabulary entry: about 12 s on this file")

    monkeypatch.setattr(gguf, "GGUFReader", refuse)
    info = read_info(builtin_model_path)
    assert (info.architecture, info.vocab_size, info.tensor_count) == ("gemma3", 262144, 236)
    assert info.file_type == "Q4_K_M" and info.context_length == 32768
    assert 268_000_000 < info.parameters < 268_200_000
    assert info.tensor_types["Q4_K"] == 27


def test_a_truncated_gguf_says_how_many_bytes_are_missing(truncated: Path) -> None:
    with pytest.raises(ModelError, match=r"truncated GGUF \(expected 253\d{6} bytes, file has 120000000\)"):
        read_info(truncated)
    for command in (["show", str(truncated)], ["translate", "hi", "--to", "fr", "-m", str(truncated)]):
        outcome = CliRunner().invoke(cli, command)
        assert outcome.exit_code == 1
        assert "truncated GGUF (expected" in outcome.stderr and "reshape" not in outcome.stderr


def test_a_garbled_header_is_one_line(tmp_path: Path, builtin_model_path: Path) -> None:
    broken = tmp_path / "broken.gguf"
    with open(builtin_model_path, "rb") as source:
        broken.write_bytes(source.read(1000))
    outcome = CliRunner().invoke(cli, ["show", str(broken)])
    assert outcome.exit_code == 1
    assert outcome.stderr.strip().splitlines() == [
        f"Error: {broken} is a damaged GGUF file (llama.cpp cannot read its header or tensor table); "
        "download or convert it again"
    ]


def test_import_refuses_a_taken_name_before_reading_the_file(
    builtin_model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bayling_local.store.importing as importing

    first = CliRunner().invoke(cli, ["import", str(builtin_model_path), "--name", "demo"])
    assert first.exit_code == 0, first.output

    def unread(path: Path) -> None:
        raise AssertionError("the header was read before the name was checked")

    monkeypatch.setattr(importing, "read_info", unread)
    again = CliRunner().invoke(cli, ["import", str(builtin_model_path), "--name", "demo"])
    assert again.exit_code == 1
    assert "already installed" in again.stderr
