"""LoRA: our numpy merge against PEFT's own, end to end through llama.cpp and on single tensors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from convert_builders import convert_quietly, write_json
from safetensors.numpy import save_file

from bayling_local.errors import ConvertError
from convert import verify
from convert.api import ConvertResult
from convert.hf_loader import open_checkpoint
from convert.lora import apply, check_fits, load_adapter


def test_merged_gguf_predicts_like_peft_merge(
    llama3_dir: Path,
    llama3_f32: ConvertResult,
    llama3_lora_dir: Path,
    flores_sentences: list[str],
    tmp_path: Path,
) -> None:
    merged = convert_quietly(llama3_dir, tmp_path / "merged.gguf", lora=llama3_lora_dir, outtype="f32")
    model = verify.load_hf_model(llama3_dir, llama3_lora_dir)
    sequences = verify.hf_tokenize(llama3_dir, flores_sentences[::32])
    ours = verify.GgufRunner(merged.path, n_ctx=512, threads=2)
    base = verify.GgufRunner(llama3_f32.path, n_ctx=512, threads=2)
    changed = 0
    try:
        for ids in sequences:
            expected = verify.hf_logits(model, ids).argmax(-1)
            assert (ours.logits(ids).argmax(-1) == expected).all()
            changed += int((base.logits(ids).argmax(-1) != expected).sum())
    finally:
        ours.close()
        base.close()
    assert changed > 0, "the adapter changed no prediction: the test would pass without merging"


def _adapter(tmp_path: Path, config: dict[str, object], tensors: dict[str, np.ndarray]) -> Path:
    folder = tmp_path / "adapter"
    folder.mkdir()
    write_json(folder / "adapter_config.json", {"peft_type": "LORA", **config})
    save_file(tensors, str(folder / "adapter_model.safetensors"))
    return folder


def _base(tmp_path: Path, tensors: dict[str, np.ndarray]) -> Path:
    folder = tmp_path / "base"
    folder.mkdir()
    write_json(folder / "config.json", {"architectures": ["LlamaForCausalLM"]})
    save_file(tensors, str(folder / "model.safetensors"))
    return folder


@pytest.mark.parametrize("rslora", [False, True])
def test_merge_formula_honours_alpha_rank_and_rslora(tmp_path: Path, rslora: bool) -> None:
    rng = np.random.default_rng(0)
    weight = rng.standard_normal((6, 5)).astype(np.float32)
    lora_a, lora_b = (
        rng.standard_normal((4, 5)).astype(np.float32),
        rng.standard_normal((6, 4)).astype(np.float32),
    )
    name = "model.layers.0.mlp.up_proj"
    adapter = load_adapter(
        _adapter(
            tmp_path,
            {
                "r": 2,
                "lora_alpha": 3,
                "use_rslora": rslora,
                "rank_pattern": {"up_proj": 4},
                "target_modules": ["up_proj"],
            },
            {
                f"base_model.model.{name}.lora_A.weight": lora_a,
                f"base_model.model.{name}.lora_B.weight": lora_b,
            },
        )
    )
    scale = 3 / np.sqrt(4) if rslora else 3 / 4
    merged = apply(f"{name}.weight", weight, adapter)
    np.testing.assert_allclose(merged, weight + scale * lora_b @ lora_a, rtol=1e-6)
    assert apply("model.layers.0.mlp.down_proj.weight", weight, adapter) is weight


def test_fan_in_fan_out_adds_the_transposed_update(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    weight = rng.standard_normal((5, 6)).astype(np.float32)  # stored (in, out), as GPT-2's Conv1D
    lora_a, lora_b = (
        rng.standard_normal((2, 5)).astype(np.float32),
        rng.standard_normal((6, 2)).astype(np.float32),
    )
    adapter = load_adapter(
        _adapter(
            tmp_path,
            {"r": 2, "lora_alpha": 2, "fan_in_fan_out": True},
            {
                "base_model.model.h.0.attn.c_attn.lora_A.weight": lora_a,
                "base_model.model.h.0.attn.c_attn.lora_B.weight": lora_b,
            },
        )
    )
    np.testing.assert_allclose(
        apply("h.0.attn.c_attn.weight", weight, adapter), weight + (lora_b @ lora_a).T, rtol=1e-6
    )


def test_mismatched_adapter_is_refused_with_the_tensor_named(tmp_path: Path) -> None:
    name = "model.layers.0.self_attn.k_proj"
    base = open_checkpoint(_base(tmp_path, {f"{name}.weight": np.zeros((128, 256), np.float32)}))
    adapter = load_adapter(
        _adapter(
            tmp_path,
            {"r": 8, "lora_alpha": 16},
            {
                f"base_model.model.{name}.lora_A.weight": np.zeros((8, 256), np.float32),
                f"base_model.model.{name}.lora_B.weight": np.zeros((256, 8), np.float32),
            },
        )
    )
    with pytest.raises(ConvertError) as error:
        check_fits(adapter, base)
    message = str(error.value)
    assert f"{name}.weight" in message and "[256, 8]" in message and "[128, 256]" in message


def test_adapter_for_a_missing_module_is_refused(tmp_path: Path) -> None:
    base = open_checkpoint(_base(tmp_path, {"model.norm.weight": np.zeros(4, np.float32)}))
    adapter = load_adapter(
        _adapter(
            tmp_path,
            {"r": 1, "lora_alpha": 1},
            {
                "base_model.model.x.lora_A.weight": np.zeros((1, 4), np.float32),
                "base_model.model.x.lora_B.weight": np.zeros((4, 1), np.float32),
            },
        )
    )
    with pytest.raises(ConvertError, match="x.weight, which the base checkpoint does not have"):
        check_fits(adapter, base)


def test_peft_adapter_config_is_read(llama3_lora_dir: Path) -> None:
    adapter = load_adapter(llama3_lora_dir)
    config = json.loads((llama3_lora_dir / "adapter_config.json").read_text())
    down = adapter.deltas["model.layers.0.mlp.down_proj.weight"]
    up = adapter.deltas["model.layers.0.mlp.up_proj.weight"]
    assert config["use_rslora"] and down.a.shape[0] == 4
    assert down.scale == pytest.approx(8 / 2) and up.scale == pytest.approx(32 / np.sqrt(8))
