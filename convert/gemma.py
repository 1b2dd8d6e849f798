"""Gemma 3 (text): hyperparameters and tensors for llama.cpp.

Differences from Llama that matter for a correct file:
- RMSNorm weights: transformers computes `x * (1 + w)`, llama.cpp `x * w`, so every norm gets +1 here.
- Rotary embedding uses the NeoX (half-split) layout in llama.cpp too: no Q/K permutation.
- Embeddings are scaled by sqrt(hidden) inside llama.cpp's graph: the weights are written unscaled.
- Local (sliding-window) layers have their own rotary base; the output head is tied to the embedding.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from . import lora
from .hf_loader import Checkpoint
from .llama import add_common_hparams, map_name, producer, rope_parameters
from .writer import PlannedTensor, choose_type

if TYPE_CHECKING:
    import numpy as np

# Parts of the multimodal checkpoint that a text-only GGUF leaves out.
VISION_PREFIXES = (
    "vision_tower.",
    "multi_modal_projector.",
    "model.vision_tower.",
    "model.multi_modal_projector.",
)


def add_hparams(writer: Any, config: dict[str, Any], name: str, ftype: int) -> None:
    """Gemma 3 keys: shared ones, both rotary bases, sliding window, optional logit soft-capping."""
    import gguf

    add_common_hparams(writer, config, name, ftype)
    rope = rope_parameters(config)
    writer.add_rope_freq_base(float(rope.get("rope_theta", 1_000_000.0)))
    local = (config.get("rope_parameters") or {}).get("sliding_attention") or {}
    local_theta = local.get("rope_theta", config.get("rope_local_base_freq"))
    if local_theta is not None:
        writer.add_rope_freq_base_swa(float(local_theta))
    if str(rope.get("rope_type", "default")) == "linear":
        writer.add_rope_scaling_type(gguf.RopeScalingType.LINEAR)
        writer.add_rope_scaling_factor(float(rope["factor"]))
    if config.get("sliding_window"):
        writer.add_sliding_window(int(config["sliding_window"]))
    if config.get("final_logit_softcapping"):
        writer.add_final_logit_softcapping(float(config["final_logit_softcapping"]))


def _add_one(data: np.ndarray) -> np.ndarray:
    import numpy as np

    return np.asarray(data, dtype=np.float32) + np.float32(1.0)


def tensor_plan(ckpt: Checkpoint, adapter: lora.LoraAdapter | None, outtype: str) -> list[PlannedTensor]:
    """Every output tensor of a Gemma 3 text checkpoint; the output head stays tied to the embedding."""
    import gguf

    name_map = gguf.get_tensor_name_map(gguf.MODEL_ARCH.GEMMA3, int(ckpt.config["num_hidden_layers"]))
    plan = []
    for name, ref in ckpt.tensors.items():
        if name.startswith(VISION_PREFIXES) or name == "lm_head.weight":
            continue
        text_name = name.replace("language_model.", "")
        transform = _add_one if name.endswith("norm.weight") else None
        gguf_name = map_name(name_map, text_name, "Gemma 3")
        qtype_name = choose_type(ref.shape, outtype)
        produce = producer(ref, adapter, qtype_name, float_transform=transform)
        plan.append(PlannedTensor(gguf_name, ref.shape, produce, qtype_name))
    return plan
