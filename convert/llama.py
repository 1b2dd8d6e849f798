"""Llama (Llama-2 and Llama-3, so BayLing-2-7B/13B/8B): hyperparameters and tensors for llama.cpp.

Hugging Face stores Q and K projections with each head's rotary halves split apart (`rotate_half` layout);
llama.cpp's Llama graph rotates interleaved pairs, so Q and K rows are permuted back per head. K uses the
number of KV heads (grouped-query attention in Llama-3).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bayling_local.errors import ConvertError

from . import lora
from .hf_loader import Checkpoint, TensorRef
from .writer import Bf16Bits, Bf16File, FileBytes, PlannedTensor, TensorData, choose_type

if TYPE_CHECKING:
    import numpy as np

# Buffers some checkpoints save that are recomputed at load time.
SKIPPED_SUFFIXES = ("rotary_emb.inv_freq", ".attn.masked_bias", ".attn.bias")


def permute_qk(weight: np.ndarray, n_head: int) -> np.ndarray:
    """Rows of one Q or K projection from HF's half-split rotary layout to llama.cpp's interleaved one."""
    rows = weight.shape[0]
    return (
        weight.reshape(n_head, 2, rows // n_head // 2, *weight.shape[1:]).swapaxes(1, 2).reshape(weight.shape)
    )


def rope_parameters(config: dict[str, Any]) -> dict[str, Any]:
    """Rotary settings across transformers versions (`rope_scaling` + `rope_theta`, or `rope_parameters`)."""
    params = dict(config.get("rope_parameters") or {})
    params = dict(params.get("full_attention", params))
    params.update({k: v for k, v in (config.get("rope_scaling") or {}).items() if v is not None})
    if "rope_type" not in params and "type" in params:
        params["rope_type"] = params["type"]
    if config.get("rope_theta") is not None:
        params["rope_theta"] = config["rope_theta"]
    return params


def head_dim(config: dict[str, Any]) -> int:
    return int(config.get("head_dim") or config["hidden_size"] // config["num_attention_heads"])


def add_common_hparams(writer: Any, config: dict[str, Any], name: str, ftype: int) -> None:
    """The keys every decoder-only architecture shares."""
    writer.add_name(name)
    writer.add_context_length(int(config.get("max_position_embeddings", 4096)))
    writer.add_embedding_length(int(config["hidden_size"]))
    writer.add_block_count(int(config["num_hidden_layers"]))
    writer.add_feed_forward_length(int(config["intermediate_size"]))
    writer.add_head_count(int(config["num_attention_heads"]))
    writer.add_head_count_kv(int(config.get("num_key_value_heads") or config["num_attention_heads"]))
    writer.add_layer_norm_rms_eps(float(config.get("rms_norm_eps", 1e-6)))
    writer.add_key_length(head_dim(config))
    writer.add_value_length(head_dim(config))
    writer.add_file_type(ftype)


def add_hparams(writer: Any, config: dict[str, Any], name: str, ftype: int) -> None:
    """Llama keys: the shared ones plus rotary base and scaling."""
    import gguf

    add_common_hparams(writer, config, name, ftype)
    writer.add_vocab_size(int(config["vocab_size"]))
    writer.add_rope_dimension_count(head_dim(config))
    rope = rope_parameters(config)
    writer.add_rope_freq_base(float(rope.get("rope_theta", 10000.0)))
    kind = str(rope.get("rope_type", "default")).lower()
    if kind == "linear":
        writer.add_rope_scaling_type(gguf.RopeScalingType.LINEAR)
        writer.add_rope_scaling_factor(float(rope["factor"]))
    elif kind == "yarn":
        writer.add_rope_scaling_type(gguf.RopeScalingType.YARN)
        writer.add_rope_scaling_factor(float(rope["factor"]))
        writer.add_rope_scaling_orig_ctx_len(int(rope["original_max_position_embeddings"]))
    elif kind not in ("default", "llama3"):  # llama3 scaling is written as the rope_freqs tensor
        raise ConvertError(f"RoPE scaling {kind!r} is not supported; supported: linear, yarn, llama3")


def llama3_rope_factors(config: dict[str, Any]) -> np.ndarray | None:
    """Llama-3.1 frequency-dependent RoPE scaling, as the per-frequency factors llama.cpp reads."""
    import numpy as np

    rope = rope_parameters(config)
    if str(rope.get("rope_type", "")).lower() != "llama3":
        return None
    dim = head_dim(config)
    base = float(rope.get("rope_theta", 10000.0))
    factor = float(rope.get("factor", 8.0))
    low, high = float(rope.get("low_freq_factor", 1.0)), float(rope.get("high_freq_factor", 4.0))
    old_len = float(rope.get("original_max_position_embeddings", 8192))
    factors = []
    for i in range(0, dim, 2):
        wavelen = 2 * math.pi * base ** (i / dim)
        if wavelen < old_len / high:
            factors.append(1.0)
        elif wavelen > old_len / low:
            factors.append(factor)
        else:
            smooth = (old_len / wavelen - low) / (high - low)
            factors.append(1 / ((1 - smooth) / factor + smooth))
    return np.array(factors, dtype=np.float32)


def producer(
    ref: TensorRef,
    adapter: lora.LoraAdapter | None,
    qtype_name: str,
    heads: int | None = None,
    float_transform: Callable[[Any], Any] | None = None,
) -> Callable[[], TensorData]:
    """How to compute one output tensor: merge the adapter, permute Q/K rows, apply a float transform.

    Without an adapter update or float transform the data stays in its stored form (raw bf16 bits, or even
    a byte range copied untouched when the output type is the stored one), which keeps conversion fast.
    """

    def produce() -> TensorData:
        if lora.touches(adapter, ref.name) or float_transform is not None:
            data = lora.apply(ref.name, ref.load(), adapter)
            data = permute_qk(data, heads) if heads else data
            return float_transform(data) if float_transform is not None else data
        if heads is None and ref.file is not None and ref.dtype == qtype_name:
            return FileBytes(ref.file, ref.offset, ref.nbytes, ref.shape)
        if heads is None and ref.file is not None and ref.dtype == "BF16":
            return Bf16File(ref.file, ref.offset, ref.nbytes, ref.shape)
        raw = ref.load_raw()
        raw = permute_qk(raw, heads) if heads else raw  # a pure reshuffle: works on raw bits too
        return Bf16Bits(raw) if ref.dtype == "BF16" else raw

    return produce


def map_name(name_map: Any, name: str, arch: str) -> str:
    """The GGUF name of a checkpoint tensor, via gguf's TensorNameMap."""
    mapped = name_map.get_name(name, try_suffixes=(".weight", ".bias"))
    if mapped is None:
        raise ConvertError(
            f"tensor {name} has no {arch} equivalent in GGUF; is this really a {arch} checkpoint?"
        )
    return str(mapped)


def tensor_plan(ckpt: Checkpoint, adapter: lora.LoraAdapter | None, outtype: str) -> list[PlannedTensor]:
    """Every output tensor of a Llama checkpoint, in checkpoint order (plus rope_freqs for Llama-3.1)."""
    import gguf

    config = ckpt.config
    n_head = int(config["num_attention_heads"])
    n_kv = int(config.get("num_key_value_heads") or n_head)
    name_map = gguf.get_tensor_name_map(gguf.MODEL_ARCH.LLAMA, int(config["num_hidden_layers"]))
    plan = []
    factors = llama3_rope_factors(config)
    if factors is not None:
        plan.append(PlannedTensor("rope_freqs.weight", factors.shape, lambda: factors, "F32"))
    tied = bool(config.get("tie_word_embeddings", False))
    for name, ref in ckpt.tensors.items():
        if name.endswith(SKIPPED_SUFFIXES) or (tied and name == "lm_head.weight"):
            continue
        heads = None
        if ".self_attn.q_proj." in name:
            heads = n_head
        elif ".self_attn.k_proj." in name:
            heads = n_kv
        qtype_name = choose_type(ref.shape, outtype)
        gguf_name = map_name(name_map, name, "Llama")
        plan.append(
            PlannedTensor(gguf_name, ref.shape, producer(ref, adapter, qtype_name, heads), qtype_name)
        )
    return plan
