"""Pure pieces of the converter: Q/K layout, bfloat16 handling, dtype fast paths, tokenizer detection."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from convert_builders import convert_quietly

from bayling_local.errors import ConvertError
from convert.api import ConvertResult
from convert.llama import permute_qk
from convert.vocab import _pre_tokenizer_name
from convert.writer import _bf16_to_f16_bits, choose_type


def _rope_half_split(x: np.ndarray, pos: int) -> np.ndarray:
    """transformers' rotate_half RoPE on one head vector."""
    half = x.size // 2
    freqs = 10000.0 ** (-np.arange(half) / half) * pos
    cos, sin = np.cos(np.concatenate([freqs, freqs])), np.sin(np.concatenate([freqs, freqs]))
    rotated = np.concatenate([-x[half:], x[:half]])
    return x * cos + rotated * sin


def _rope_interleaved(x: np.ndarray, pos: int) -> np.ndarray:
    """llama.cpp's normal-mode RoPE: rotate consecutive pairs (x0, x1), (x2, x3), ..."""
    half = x.size // 2
    freqs = 10000.0 ** (-np.arange(half) / half) * pos
    pairs = x.reshape(half, 2)
    out = np.empty_like(pairs)
    out[:, 0] = pairs[:, 0] * np.cos(freqs) - pairs[:, 1] * np.sin(freqs)
    out[:, 1] = pairs[:, 0] * np.sin(freqs) + pairs[:, 1] * np.cos(freqs)
    return out.reshape(-1)


def test_permuted_projection_under_llama_cpp_rope_equals_hf_rope() -> None:
    rng = np.random.default_rng(0)
    n_head, head_dim, hidden = 3, 8, 5
    weight, x = rng.standard_normal((n_head * head_dim, hidden)), rng.standard_normal(hidden)
    hf = (weight @ x).reshape(n_head, head_dim)
    ours = (permute_qk(weight, n_head) @ x).reshape(n_head, head_dim)
    for head in range(n_head):
        expected = _rope_half_split(hf[head], pos=7)
        actual = _rope_interleaved(ours[head], pos=7)
        # Same dot products between any two rotated vectors: compare after undoing the permutation.
        np.testing.assert_allclose(np.sort(actual), np.sort(expected), rtol=1e-10)
        np.testing.assert_allclose(actual @ actual, expected @ expected, rtol=1e-10)
    q, k = permute_qk(weight, n_head) @ x, permute_qk(weight[::-1].copy(), n_head) @ x
    hf_q, hf_k = weight @ x, weight[::-1] @ x
    score = _rope_interleaved(q[:head_dim], 5) @ _rope_interleaved(k[:head_dim], 2)
    hf_score = _rope_half_split(hf_q[:head_dim], 5) @ _rope_half_split(hf_k[:head_dim], 2)
    assert score == pytest.approx(hf_score, rel=1e-10)


def test_bf16_to_f16_is_exact_for_every_bit_pattern() -> None:
    bits = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16)
    wide = bits.astype(np.uint32) << 16
    with np.errstate(over="ignore"):
        expected = wide.view(np.float32).astype(np.float16)
    out = np.empty(bits.size, dtype=np.uint16)
    _bf16_to_f16_bits(bits, out)
    actual = out.view(np.float16)
    nan = np.isnan(expected)
    assert np.isnan(actual[nan]).all()
    assert np.array_equal(actual[~nan].view(np.uint16), expected[~nan].view(np.uint16))


def _tensors(path: Path) -> dict[str, bytes]:
    import gguf

    return {t.name: np.asarray(t.data).tobytes() for t in gguf.GGUFReader(path).tensors}


@pytest.mark.parametrize("outtype", ["f16", "bf16", "f32"])
def test_bf16_checkpoint_converts_like_its_f32_copy(
    llama2_dir: Path, llama2_f32: ConvertResult, tmp_path: Path, outtype: str
) -> None:
    """The raw-bits, chunked and byte-copy paths give exactly what the float path gives."""
    import torch
    from safetensors.torch import load_file, save_file

    state = load_file(llama2_dir / "model.safetensors")
    folders = {}
    for name, dtype in (("bf16", torch.bfloat16), ("f32", torch.float32)):
        folder = tmp_path / name
        shutil.copytree(llama2_dir, folder, ignore=shutil.ignore_patterns("*.safetensors"))
        save_file(
            {k: v.to(torch.bfloat16).to(dtype).contiguous() for k, v in state.items()},
            folder / "model.safetensors",
        )
        folders[name] = folder
    results = {
        name: convert_quietly(folder, tmp_path / f"{name}.gguf", outtype=outtype)
        for name, folder in folders.items()
    }
    assert _tensors(results["bf16"].path) == _tensors(results["f32"].path)


def test_vectors_stay_f32_and_q8_0_needs_rows_of_32() -> None:
    assert choose_type((4096,), "f16") == "F32"
    assert choose_type((64, 4096), "q8_0") == "Q8_0"
    assert choose_type((64, 100), "q8_0") == "F16"
    with pytest.raises(ConvertError, match="choose one of"):
        choose_type((2, 2), "f8")


def test_unknown_pre_tokenizer_is_refused() -> None:
    data = {"pre_tokenizer": {"type": "Split", "pattern": {"Regex": r"\w+"}}}
    with pytest.raises(ConvertError, match="regex llama.cpp does not know"):
        _pre_tokenizer_name(data)
    assert _pre_tokenizer_name({"pre_tokenizer": {"type": "ByteLevel", "use_regex": True}}) == "gpt-2"
