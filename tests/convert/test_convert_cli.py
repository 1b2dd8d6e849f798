"""`bayling-local convert` as a user runs it: one clear line for each mistake, nothing half-written."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner, Result
from convert_builders import write_json
from safetensors.numpy import save_file

from bayling_local.cli import cli
from convert.api import ConvertResult


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["convert", *args, "--no-progress"])


def assert_one_line_error(result: Result, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_missing_config_json(tmp_path: Path) -> None:
    assert_one_line_error(run(str(tmp_path), "-o", str(tmp_path / "x.gguf")), "no config.json")
    assert not (tmp_path / "x.gguf").exists()


def test_unsupported_architecture_lists_supported(tmp_path: Path) -> None:
    write_json(tmp_path / "config.json", {"architectures": ["MistralForCausalLM"]})
    result = run(str(tmp_path), "-o", str(tmp_path / "x.gguf"))
    assert_one_line_error(
        result, "MistralForCausalLM is not supported", "LlamaForCausalLM", "Gemma3ForCausalLM"
    )


@pytest.mark.parametrize(
    "garbage",
    [
        b"\xff" * 64,
        b"\x10\x00\x00\x00\x00\x00\x00\x00[1, 2]" + b" " * 8,
        b"\x04\x00\x00\x00\x00\x00\x00\x00{bad",
    ],
    ids=["huge-header-length", "header-not-an-object", "bad-json"],
)
def test_garbage_safetensors_is_one_line_not_a_memory_error(
    llama2_dir: Path, tmp_path: Path, garbage: bytes
) -> None:
    src = tmp_path / "src"
    shutil.copytree(llama2_dir, src)
    for shard in src.glob("*.safetensors"):
        shard.write_bytes(garbage)
    result = run(str(src), "-o", str(tmp_path / "x.gguf"))
    assert_one_line_error(result, "safetensors")
    assert not (tmp_path / "x.gguf").exists()


def test_existing_output_needs_force(llama2_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "model.gguf"
    out.write_bytes(b"keep me")
    assert_one_line_error(run(str(llama2_dir), "-o", str(out)), "already exists", "--force")
    assert out.read_bytes() == b"keep me"
    forced = run(str(llama2_dir), "-o", str(out), "--force")
    assert forced.exit_code == 0, forced.output
    assert out.read_bytes()[:4] == b"GGUF"


def test_pickle_refused_without_allow_pickle(tmp_path: Path) -> None:
    write_json(tmp_path / "config.json", {"architectures": ["LlamaForCausalLM"]})
    (tmp_path / "pytorch_model.bin").write_bytes(b"not even read")
    assert_one_line_error(run(str(tmp_path), "-o", str(tmp_path / "x.gguf")), ".bin", "--allow-pickle")


def test_pickle_accepted_with_allow_pickle_gives_the_same_gguf(
    llama2_dir: Path, llama2_f32: ConvertResult, tmp_path: Path
) -> None:
    import torch
    from safetensors.torch import load_file

    src = tmp_path / "pickled"
    shutil.copytree(llama2_dir, src, ignore=shutil.ignore_patterns("*.safetensors"))
    torch.save(load_file(llama2_dir / "model.safetensors"), src / "pytorch_model.bin")
    out = tmp_path / "from-bin.gguf"
    result = run(str(src), "-o", str(out), "--outtype", "f32", "--allow-pickle")
    assert result.exit_code == 0, result.output
    assert _tensor_bytes(out) == _tensor_bytes(llama2_f32.path)


def _tensor_bytes(path: Path) -> dict[str, bytes]:
    import gguf

    return {t.name: bytes(np.asarray(t.data).tobytes()) for t in gguf.GGUFReader(path).tensors}


def test_lora_shape_mismatch_names_the_tensor(
    llama2_dir: Path, llama3_lora_dir: Path, tmp_path: Path
) -> None:
    """An adapter trained on the Llama-3 model (2 KV heads) does not fit the Llama-2 one (4 KV heads)."""
    out = tmp_path / "x.gguf"
    result = run(str(llama2_dir), "-o", str(out), "--lora", str(llama3_lora_dir))
    assert_one_line_error(result, "self_attn.k_proj.weight", "lora_B [128, 8]", "[256, 256]")
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_unknown_quant_type_lists_choices(llama2_dir: Path, tmp_path: Path) -> None:
    assert_one_line_error(run(str(llama2_dir), "-o", str(tmp_path / "x.gguf"), "--quant", "q3_xyz"), "q4_k_m")


def test_interrupted_conversion_leaves_nothing(
    llama2_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from convert import writer

    calls = {"n": 0}
    real_encode = writer._encode

    def failing_encode(*args: object) -> object:
        calls["n"] += 1
        if calls["n"] == 5:
            raise KeyboardInterrupt
        return real_encode(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(writer, "_encode", failing_encode)
    result = run(str(llama2_dir), "-o", str(tmp_path / "x.gguf"))
    assert result.exit_code != 0 and calls["n"] == 5
    assert list(tmp_path.iterdir()) == []


def test_lora_on_a_random_adapter_folder_without_config(llama2_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "adapter").mkdir()
    save_file({"x": np.zeros(1, np.float32)}, str(tmp_path / "adapter" / "adapter_model.safetensors"))
    result = run(str(llama2_dir), "-o", str(tmp_path / "x.gguf"), "--lora", str(tmp_path / "adapter"))
    assert_one_line_error(result, "adapter_config.json")


def test_verify_compares_with_transformers(llama3_dir: Path, tmp_path: Path) -> None:
    result = run(str(llama3_dir), "-o", str(tmp_path / "v.gguf"), "--verify")
    assert result.exit_code == 0, result.output
    assert "Verified: tokenization: 8/8 texts identical; logits: argmax agrees at 100.00%" in result.stderr
