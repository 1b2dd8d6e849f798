"""The default `--outtype auto`: BF16/F16 checkpoints keep their type, F32 ones become F16."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from convert_builders import convert_quietly

from bayling_local.errors import ConvertError
from convert import verify
from convert.api import ConvertResult
from convert.hf_loader import open_checkpoint
from convert.writer import resolve_outtype


def _retyped_copy(src: Path, target: Path, dtype_of: dict[str, str]) -> Path:
    """A copy of checkpoint `src` whose tensors are saved in torch dtypes by name ('*' for the rest)."""
    import torch
    from safetensors.torch import load_file, save_file

    types = {"bf16": torch.bfloat16, "f16": torch.float16, "f32": torch.float32}
    shutil.copytree(src, target, ignore=shutil.ignore_patterns("*.safetensors"))
    state = load_file(src / "model.safetensors")
    retyped = {k: v.to(types[dtype_of.get(k, dtype_of["*"])]).contiguous() for k, v in state.items()}
    save_file(retyped, target / "model.safetensors", metadata={"format": "pt"})
    config = json.loads((target / "config.json").read_text(encoding="utf-8"))
    config["torch_dtype"] = config["dtype"] = "bfloat16" if dtype_of["*"] == "bf16" else "float32"
    (target / "config.json").write_text(json.dumps(config), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def llama3_bf16_dir(llama3_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny Llama-3 saved in bfloat16, as BayLing-2 and most modern Llama checkpoints are."""
    return _retyped_copy(llama3_dir, tmp_path_factory.mktemp("bf16") / "tiny-llama3-bf16", {"*": "bf16"})


@pytest.fixture(scope="module")
def llama3_bf16_default(llama3_bf16_dir: Path) -> ConvertResult:
    return convert_quietly(llama3_bf16_dir, llama3_bf16_dir.parent / "default.gguf")


def _types(path: Path) -> dict[str, tuple[str, int]]:
    """GGUF tensor name -> (GGML type name, number of dimensions)."""
    import gguf

    return {t.name: (t.tensor_type.name, len(t.shape)) for t in gguf.GGUFReader(path).tensors}


def _file_type(path: Path) -> int:
    import gguf

    return int(gguf.GGUFReader(path).fields["general.file_type"].contents())


def _assert_types(path: Path, matrix_type: str) -> None:
    types = _types(path)
    assert {t for t, dims in types.values() if dims >= 2} == {matrix_type}
    assert {t for t, dims in types.values() if dims == 1} == {"F32"}  # norms stay F32


def test_bf16_checkpoint_default_writes_bf16_by_byte_copy(llama3_bf16_dir: Path, llama3_bf16_default) -> None:  # type: ignore[no-untyped-def]
    import gguf

    result = llama3_bf16_default
    assert result.outtype == "bf16"
    _assert_types(result.path, "BF16")
    assert _file_type(result.path) == gguf.LlamaFileType.MOSTLY_BF16
    saved = json.loads(result.config_path.read_text(encoding="utf-8"))
    assert (saved["ConvertConfig"]["outtype"], saved["outtype_requested"]) == ("bf16", "auto")
    # No value was converted: the weights are the checkpoint's own bfloat16 bits.
    source = open_checkpoint(llama3_bf16_dir).tensors["model.layers.1.mlp.down_proj.weight"]
    written = {t.name: t for t in gguf.GGUFReader(result.path).tensors}["blk.1.ffn_down.weight"]
    assert np.asarray(written.data).tobytes() == np.asarray(source.load_raw()).tobytes()


def _compare(src: Path, gguf_path: Path, texts: list[str]) -> tuple[float, float, float]:
    """(argmax agreement, largest |logit diff|, largest HF top-two margin where the argmax differs)."""
    sequences = verify.hf_tokenize(src, texts)
    model = verify.load_hf_model(src)  # the checkpoint's bf16 weights upcast to fp32
    runner = verify.GgufRunner(gguf_path, n_ctx=max(len(ids) for ids in sequences) + 8, threads=2)
    positions = same = 0
    worst = worst_flip = 0.0
    try:
        for ids in sequences:
            expected, actual = verify.hf_logits(model, ids), runner.logits(ids)
            top2 = np.sort(expected, axis=-1)[:, -2:]
            flipped = expected.argmax(-1) != actual.argmax(-1)
            positions, same = positions + len(ids), same + int((~flipped).sum())
            worst = max(worst, float(abs(expected - actual).max()))
            worst_flip = max([worst_flip, *(top2[flipped, 1] - top2[flipped, 0]).tolist()])
    finally:
        runner.close()
    return same / positions, worst, worst_flip


def test_bf16_gguf_logits_match_transformers(
    llama3_bf16_dir: Path, llama3_bf16_default: ConvertResult, flores_sentences: list[str], tmp_path: Path
) -> None:
    """llama.cpp on the BF16 GGUF against transformers on the same bf16 weights upcast to fp32.

    The weights are bit-identical (test above), and an F32 GGUF of them matches at every position; the BF16
    GGUF is a little further off because llama.cpp's CPU matmul rounds activations to bf16 for BF16
    weights. Measured on 12118 positions: max |diff| 0.15 (logits span +-8), argmax agrees at 98.1%, and
    every flip is a near-tie (top two within 0.09).
    """
    texts = flores_sentences[::16]  # one sentence per script family
    f32 = convert_quietly(llama3_bf16_dir, tmp_path / "f32.gguf", outtype="f32")
    agreement, worst, _ = _compare(llama3_bf16_dir, f32.path, texts)
    assert agreement == 1.0 and worst < 1e-2
    agreement, worst, worst_flip = _compare(llama3_bf16_dir, llama3_bf16_default.path, texts)
    assert worst < 0.25
    assert agreement >= 0.96
    assert worst_flip < 0.15  # only near-ties flip


def test_f32_checkpoint_default_writes_f16(llama2_dir: Path, tmp_path: Path) -> None:
    import gguf

    result = convert_quietly(llama2_dir, tmp_path / "default.gguf")
    assert result.outtype == "f16"
    _assert_types(result.path, "F16")
    assert _file_type(result.path) == gguf.LlamaFileType.MOSTLY_F16


def test_mixed_checkpoint_takes_the_majority_type(llama3_dir: Path, tmp_path: Path) -> None:
    """Mostly BF16 with an F16 layer and an F32 head: one BF16 file, general.file_type BF16, still right."""
    import gguf

    odd = {f"model.layers.1.mlp.{p}_proj.weight": "f16" for p in ("gate", "up", "down")}
    mixed = _retyped_copy(llama3_dir, tmp_path / "mixed", {"*": "bf16", **odd, "lm_head.weight": "f32"})
    result = convert_quietly(mixed, tmp_path / "mixed.gguf")
    assert result.outtype == "bf16"
    _assert_types(result.path, "BF16")
    assert _file_type(result.path) == gguf.LlamaFileType.MOSTLY_BF16
    ids = verify.hf_tokenize(mixed, ["Les enfants jouent dans le jardin après l'école."])[0]
    runner = verify.GgufRunner(result.path, n_ctx=len(ids) + 8, threads=2)
    try:
        expected, actual = verify.hf_logits(verify.load_hf_model(mixed), ids), runner.logits(ids)
    finally:
        runner.close()
    assert (expected.argmax(-1) == actual.argmax(-1)).all()


def test_resolve_outtype_rules() -> None:
    big, small = (64, 64), (8, 64)
    assert resolve_outtype("auto", [("BF16", big), ("F32", (64,))]) == "bf16"  # vectors do not vote
    assert resolve_outtype("auto", [("F16", big), ("F32", (64,))]) == "f16"
    assert resolve_outtype("auto", [("F32", big), ("F32", (64,))]) == "f16"  # llama.cpp's choice too
    assert resolve_outtype("auto", [("F16", big), ("BF16", small), ("BF16", small)]) == "f16"
    assert resolve_outtype("auto", [("F16", big), ("BF16", big)]) == "bf16"  # a tie: no overflow
    assert resolve_outtype("auto", [("BF16", small), ("F32", big)]) == "f16"
    for explicit in ("f32", "f16", "bf16", "q8_0"):
        assert resolve_outtype(explicit, [("BF16", big)]) == explicit
    with pytest.raises(ConvertError, match="choose one of: auto, f32"):
        resolve_outtype("f8", [])


def test_bf16_intermediate_quantizes_to_q4_k_m_that_generates(llama3_bf16_dir: Path, tmp_path: Path) -> None:
    """auto -> BF16 intermediate -> llama_model_quantize -> Q4_K_M, which loads and generates."""
    import gguf

    from bayling_local.config import GenerationConfig, RuntimeConfig
    from bayling_local.llama.engine import Engine

    out = tmp_path / "tiny.Q4_K_M.gguf"
    result = convert_quietly(llama3_bf16_dir, out, quant="q4_k_m")
    assert result.outtype == "bf16"
    assert _file_type(out) == gguf.LlamaFileType.MOSTLY_Q4_K_M
    assert "Q4_K" in {t for t, _ in _types(out).values()}
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name, out.name + ".config.json"]
    engine = Engine(out, RuntimeConfig(ctx=128, threads=2, template="fewshot"))
    try:
        completion = engine.generate("The weather today", GenerationConfig(max_tokens=8))
    finally:
        engine.close()
    assert completion.completion_tokens > 0
    assert completion.text


def test_cli_defaults_to_auto_and_says_what_it_wrote(llama3_bf16_dir: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from bayling_local.cli import cli

    out = tmp_path / "cli.gguf"
    result = CliRunner().invoke(cli, ["convert", str(llama3_bf16_dir), "-o", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert ", bf16, template bayling3)" in result.stderr
    _assert_types(out, "BF16")
    helped = CliRunner().invoke(cli, ["convert", "--help"])
    assert "auto" in helped.output and "F32 weights as f16" in " ".join(helped.output.split())
