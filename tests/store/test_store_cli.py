"""What a user sees from `pull`, `models`, `show`, `rm`, `import`, and `translate --model NAME` on a pulled model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from serve_fake_hub import TINY, TINY_GGUF, FakeHub

from bayling_local import paths
from bayling_local.cli import cli
from bayling_local.store import list_models, lookup


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def one_line_error(result: Result) -> str:
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_pull_models_translate_show_rm(hub: FakeHub) -> None:
    pulled = run("pull", TINY, "--no-progress")
    assert pulled.exit_code == 0, pulled.output
    assert pulled.stdout == "tiny-llama\n"
    assert "Pulled tiny-llama: converted and registered" in pulled.stderr

    listed = run("models")
    header, row, builtin = listed.stdout.splitlines()
    assert header.split() == ["NAME", "QUANT", "SIZE", "FORMAT", "SOURCE", "ADDED"]
    assert row.split()[:2] == ["tiny-llama", "q4_k_m"] and TINY in row
    assert builtin.split()[:2] == ["builtin", "q4_k_m"] and "fewshot" in builtin and "demo model" in builtin
    first, second = (json.loads(line) for line in run("models", "--json").stdout.splitlines())
    assert first["name"] == "tiny-llama" and first["revision"] == hub.repos[TINY].commit
    assert second["name"] == "builtin"

    # A tiny random model writes garbage, but it must load, run and stop.
    translated = run(
        "translate", "--model", "tiny-llama", "Good morning", "--to", "fra_Latn", "--max-tokens", "8"
    )
    assert translated.exit_code == 0, translated.output
    assert len(translated.stdout.splitlines()) == 1

    shown = run("show", "tiny-llama").stdout
    assert "architecture    llama" in shown
    assert "name            tiny-llama" in shown  # the GGUF is named after the repo, not the cache folder
    assert "context length  512" in shown
    assert "quantization    q4_k_m" in shown
    assert "parameters      " in shown and "chat template:" in shown and "<|start_header_id|>" in shown
    assert f"source          {TINY}@{hub.repos[TINY].commit[:12]}" in shown

    removed = run("rm", "tiny-llama")
    assert removed.exit_code == 0 and "Removed tiny-llama" in removed.stderr
    assert list_models() == [] and not (paths.models_dir() / "tiny-llama").exists()
    assert "no installed model named 'tiny-llama'" in one_line_error(run("rm", "tiny-llama"))
    assert "cannot be removed" in one_line_error(run("rm", "builtin"))


@pytest.mark.slow  # the gguf package reads the 262k-token vocabulary of the header: about 12 s
def test_show_builtin_names_the_prompt_format_it_uses() -> None:
    shown = run("show", "builtin", "--no-template").stdout
    assert "prompt format   fewshot (chosen from the GGUF" in shown


def test_import_registers_a_local_gguf(tmp_path: Path, gguf_repo_files: dict[str, bytes]) -> None:
    source = tmp_path / "My Model.Q8_0.gguf"
    source.write_bytes(gguf_repo_files["tiny-llama.Q8_0.gguf"])
    imported = run("import", str(source))
    assert imported.exit_code == 0, imported.output
    assert imported.stdout == "my-model.q8_0\n"
    model = lookup("my-model.q8_0")
    assert model is not None and model.path.read_bytes() == source.read_bytes()
    assert model.manifest["kind"] == "imported" and model.manifest["quantization"] == "q8_0"
    assert model.manifest["source"]["path"] == str(source.resolve())

    assert run("import", str(source), "--name", "tiny", "--template", "bayling3").exit_code == 0
    assert lookup("tiny").template == "bayling3"  # type: ignore[union-attr]
    assert "already installed" in one_line_error(run("import", str(source), "--name", "tiny"))
    assert run("import", str(source), "--name", "tiny", "--force").exit_code == 0
    assert source.exists()  # the user's file stays where it was


def test_import_refuses_a_file_that_is_not_gguf(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.gguf"
    bogus.write_text("hello")
    assert "is not a GGUF model file" in one_line_error(run("import", str(bogus), "--name", "bogus"))
    assert not (paths.models_dir() / "bogus").exists()
    assert "no file at" in one_line_error(run("import", str(tmp_path / "missing.gguf")))


@pytest.mark.parametrize(
    "args",
    [
        ("pull", TINY, "--name", "../evil"),
        ("pull", "../evil"),
        ("pull", "some-org/../evil"),
        ("pull", f"{TINY}@../../etc"),
        ("import", "x.gguf", "--name", "../evil"),
        ("import", "x.gguf", "--name", "a/b"),
        ("rm", "../evil"),
    ],
)
def test_names_that_could_escape_the_store_are_refused(args: tuple[str, ...], tmp_path: Path) -> None:
    source = tmp_path / "x.gguf"
    source.write_bytes(b"GGUF" + b"\0" * 64)
    args = tuple(str(source) if a == "x.gguf" else a for a in args)
    error = one_line_error(run(*args))
    assert "invalid" in error or "no installed model" in error
    assert not (paths.models_dir().parent / "evil").exists()
    assert not any(paths.models_dir().glob("*")) if paths.models_dir().exists() else True


def test_offline_pull_without_cache_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    result = run("pull", "bayling-2-8b", "--no-progress")
    assert result.exit_code == 1
    line = one_line_error(result)
    assert "the network is needed" in line and "bayling-local import" in line


def test_pull_gguf_repo_with_tag_and_list(hub: FakeHub) -> None:
    result = run("pull", f"{TINY_GGUF}:q8_0", "--name", "tiny-q8", "--no-progress")
    assert result.exit_code == 0, result.output
    assert "Pulled tiny-q8: registered" in result.stderr
    listing = run("pull", "--list").stdout
    assert "bayling-2-8b" in listing and "ICTNLP/bayling-2-llama-3-8b" in listing and "suggested q" in listing
