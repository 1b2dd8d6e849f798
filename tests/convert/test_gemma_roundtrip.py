"""Real weights: the built-in Gemma-3-270M, loaded into transformers, saved as safetensors, converted back.

llama.cpp on our GGUF must pick the same next token as the transformers fp32 model we converted from. The
original Q4_K_M file is never the reference: its quantized arithmetic alone moves ~7% of the argmaxes.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from convert_builders import convert_quietly, flores_lines

from convert import verify
from convert.quantize import quantize

pytestmark = pytest.mark.slow

CHUNK = 256  # tokens per llama.cpp / transformers pass
CHUNKS_PER_SCRIPT = 4  # 2 scripts x 4 chunks x 256 = 2048 positions: at 99.9% two near-ties may flip
SCRIPTS = ("eng_Latn", "zho_Hans")


@pytest.fixture(scope="session")
def gemma_hf(
    builtin_model_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, Any]]:
    """(safetensors checkpoint folder, the fp32 transformers model it holds); loaded from the GGUF once."""
    import torch
    from safetensors.torch import save_file
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder = tmp_path_factory.mktemp("gemma") / "gemma-3-270m-hf"
    folder.mkdir()
    gguf_dir, gguf_name = builtin_model_path.parent, builtin_model_path.name
    model = AutoModelForCausalLM.from_pretrained(gguf_dir, gguf_file=gguf_name, dtype=torch.float32).eval()
    # lm_head is tied to the embedding (same storage), so it is left out as save_pretrained would.
    state = {k: v.contiguous() for k, v in model.state_dict().items() if k != "lm_head.weight"}
    save_file(state, str(folder / "model.safetensors"), metadata={"format": "pt"})
    config = model.config.to_dict()
    config.pop("quantization_config", None)
    config["architectures"] = [type(model).__name__]
    (folder / "config.json").write_text(json.dumps(config), encoding="utf-8")
    AutoTokenizer.from_pretrained(gguf_dir, gguf_file=gguf_name).save_pretrained(folder)
    yield folder, model
    shutil.rmtree(folder.parent, ignore_errors=True)  # 1 GB of weights and 1.6 GB of GGUFs


@pytest.fixture(scope="session")
def gemma_chunks(gemma_hf: tuple[Path, Any], flores_dir: Path) -> list[list[int]]:
    """Token chunks of FLORES text, BOS first, CHUNK tokens each, in two scripts."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(gemma_hf[0])
    chunks = []
    for lang in SCRIPTS:
        stream: list[int] = []
        for sentence in flores_lines(flores_dir, lang, slice(0, 120)):
            stream += tokenizer(sentence + "\n", add_special_tokens=False)["input_ids"]
        step = CHUNK - 1
        chunks += [
            [tokenizer.bos_token_id, *stream[i * step : (i + 1) * step]] for i in range(CHUNKS_PER_SCRIPT)
        ]
    assert all(len(c) == CHUNK for c in chunks)
    return chunks


@pytest.fixture(scope="session")
def gemma_hf_argmax(gemma_hf: tuple[Path, Any], gemma_chunks: list[list[int]]) -> list[np.ndarray]:
    """transformers' next-token argmax per chunk, two chunks per forward pass (bigger matmuls run faster)."""
    import torch

    argmax: list[np.ndarray] = []
    with torch.no_grad():
        for start in range(0, len(gemma_chunks), 2):
            batch = torch.tensor(gemma_chunks[start : start + 2])
            argmax += list(gemma_hf[1](batch).logits.argmax(-1).numpy())
    return argmax


@pytest.fixture(scope="session")
def gemma_ggufs(gemma_hf: tuple[Path, Any]) -> dict[str, Path]:
    folder = gemma_hf[0]
    return {
        outtype: convert_quietly(folder, folder.parent / f"gemma-{outtype}.gguf", outtype=outtype).path
        for outtype in ("f16", "f32")
    }


def _agreement(gguf_path: Path, chunks: list[list[int]], expected: list[np.ndarray]) -> float:
    runner = verify.GgufRunner(gguf_path, n_ctx=CHUNK, threads=2)
    try:
        same = sum(
            int((runner.logits(ids).argmax(-1) == want).sum())
            for ids, want in zip(chunks, expected, strict=True)
        )
    finally:
        runner.close()
    return same / sum(len(ids) for ids in chunks)


@pytest.mark.parametrize(("outtype", "minimum"), [("f32", 0.999), ("f16", 0.99)])
def test_gemma_argmax_agrees_with_transformers(
    gemma_ggufs: dict[str, Path],
    gemma_chunks: list[list[int]],
    gemma_hf_argmax: list[np.ndarray],
    outtype: str,
    minimum: float,
) -> None:
    assert sum(len(ids) for ids in gemma_chunks) >= 1000
    agreement = _agreement(gemma_ggufs[outtype], gemma_chunks, gemma_hf_argmax)
    assert agreement >= minimum, f"{outtype}: argmax agrees at only {agreement:.2%}"


def test_gemma_tokenizes_like_transformers(
    gemma_hf: tuple[Path, Any], gemma_ggufs: dict[str, Path], flores_dir: Path
) -> None:
    texts = [line for lang in SCRIPTS for line in flores_lines(flores_dir, lang, slice(200, 230))]
    assert verify.gguf_tokenize(gemma_ggufs["f16"], texts) == verify.hf_tokenize(gemma_hf[0], texts)


def _llama_cpp_metadata(path: Path) -> dict[str, str]:
    """Metadata as llama.cpp reads it (GGUFReader would spend seconds on the 262k-token arrays)."""
    import llama_cpp

    llm = llama_cpp.Llama(model_path=str(path), vocab_only=True, verbose=False)
    try:
        return dict(llm.metadata)
    finally:
        llm.close()


def test_gemma_metadata_matches_the_original(builtin_model_path: Path, gemma_ggufs: dict[str, Path]) -> None:
    original, ours = _llama_cpp_metadata(builtin_model_path), _llama_cpp_metadata(gemma_ggufs["f16"])
    keys = [k for k in original if k.startswith(("gemma3.", "tokenizer.ggml."))]
    keys.remove("tokenizer.ggml.pre")  # the original names llama.cpp's default; SentencePiece ignores it
    keys.remove("tokenizer.ggml.add_sep_token")
    assert {k: ours.get(k) for k in keys} == {k: original[k] for k in keys}


def test_gemma_q4_k_m_loads_and_stays_close(
    gemma_ggufs: dict[str, Path], gemma_chunks: list[list[int]], gemma_hf_argmax: list[np.ndarray]
) -> None:
    out = gemma_ggufs["f16"].with_name("gemma-q4_k_m.gguf")
    quantize(gemma_ggufs["f16"], out, "q4_k_m")
    agreement = _agreement(out, gemma_chunks[:1], gemma_hf_argmax[:1])
    assert agreement >= 0.8, f"Q4_K_M argmax agrees at only {agreement:.2%}"
