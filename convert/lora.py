"""Merge a PEFT LoRA adapter into base weights with numpy: W' = W + scale * B @ A.

The adapter folder is what `peft` saves: adapter_config.json (r, lora_alpha, use_rslora, target_modules,
fan_in_fan_out, rank_pattern, alpha_pattern) and adapter_model.safetensors. Every shape is checked against
the base *before* any output is written, so a mismatched adapter fails in a second with the tensor named.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bayling_local.errors import ConvertError

from .hf_loader import Checkpoint, TensorRef, read_json, safetensors_refs

if TYPE_CHECKING:
    import numpy as np

# `base_model.model.<module>.lora_A[.default].weight` (embeddings use lora_embedding_A/B without .weight).
_LORA_KEY = re.compile(
    r"^(?:base_model\.model\.)?(?P<module>.+?)\.lora_(?P<emb>embedding_)?(?P<ab>[AB])(?:\.default)?(?:\.weight)?$"
)


@dataclass(frozen=True)
class LoraDelta:
    """One adapted module: its low-rank pair and how to scale and orient it."""

    a: TensorRef
    """lora_A: (r, in_features), or (r, num_embeddings) for an embedding."""
    b: TensorRef
    """lora_B: (out_features, r), or (embedding_dim, r) for an embedding."""
    scale: float
    """alpha / r, or alpha / sqrt(r) with rsLoRA."""
    transpose: bool
    """True when the base stores the weight as (in, out): fan_in_fan_out layers and embeddings."""


@dataclass
class LoraAdapter:
    """A loaded adapter: deltas and full replacements keyed by the base tensor name."""

    path: Path
    """The adapter folder."""
    config: dict[str, Any]
    """adapter_config.json."""
    deltas: dict[str, LoraDelta] = field(default_factory=dict)
    """Base tensor name -> low-rank update."""
    replacements: dict[str, TensorRef] = field(default_factory=dict)
    """Base tensor name -> tensor that replaces it (PEFT `modules_to_save`)."""


def _pattern_value(patterns: dict[str, Any], module: str, default: Any) -> Any:
    """PEFT's rank_pattern/alpha_pattern: the first key that matches the end of the module name."""
    for key, value in patterns.items():
        if re.search(rf"(^|\.){key}$", module) or re.fullmatch(key, module):
            return value
    return default


def _targeted(config: dict[str, Any], module: str) -> bool:
    targets = config.get("target_modules")
    if targets is None or targets == "all-linear":
        return True
    if isinstance(targets, str):  # PEFT treats a string as a regex over the full module name
        return re.fullmatch(targets, module) is not None
    return any(module == t or module.endswith("." + t) for t in targets)


def load_adapter(path: Path) -> LoraAdapter:
    """Read adapter_config.json and the adapter's tensor headers; a one-line error for anything off."""
    if not (path / "adapter_config.json").is_file():
        raise ConvertError(f"{path} has no adapter_config.json; give the folder PEFT saved the adapter to")
    config = read_json(path / "adapter_config.json", "adapter config")
    if config.get("peft_type", "LORA") != "LORA":
        raise ConvertError(f"adapter {path} is {config.get('peft_type')}, only LoRA adapters can be merged")
    if config.get("use_dora"):
        raise ConvertError(f"adapter {path} uses DoRA, which this converter cannot merge; train plain LoRA")
    files = sorted(path.glob("adapter_model*.safetensors"))
    if not files:
        raise ConvertError(f"{path} has no adapter_model.safetensors; save the adapter with safetensors")
    refs = {ref.name: ref for file in files for ref in safetensors_refs(file)}
    adapter = LoraAdapter(path, config)
    pairs: dict[str, dict[str, TensorRef]] = {}
    for name, ref in refs.items():
        match = _LORA_KEY.match(name)
        if match is None:
            # Anything else PEFT saves is a whole module kept trainable (modules_to_save).
            base_name = name.removeprefix("base_model.model.").replace(".modules_to_save.default", "")
            adapter.replacements[base_name] = ref
            continue
        module = match["module"]
        entry = pairs.setdefault(module, {"embedding": ref} if match["emb"] else {})
        entry[match["ab"]] = ref
    for module, entry in pairs.items():
        adapter.deltas[module + ".weight"] = _make_delta(config, module, entry)
    if not adapter.deltas and not adapter.replacements:
        raise ConvertError(f"adapter {path} holds no LoRA weights")
    return adapter


def _make_delta(config: dict[str, Any], module: str, entry: dict[str, TensorRef]) -> LoraDelta:
    if "A" not in entry or "B" not in entry:
        raise ConvertError(f"adapter has only one of lora_A/lora_B for {module}; the file is incomplete")
    if not _targeted(config, module):
        raise ConvertError(
            f"adapter has weights for {module}, which its target_modules {config.get('target_modules')} "
            "does not name; the adapter_config.json does not belong to these weights"
        )
    rank = int(_pattern_value(config.get("rank_pattern") or {}, module, config.get("r", 8)))
    alpha = float(_pattern_value(config.get("alpha_pattern") or {}, module, config.get("lora_alpha", rank)))
    scale = alpha / math.sqrt(rank) if config.get("use_rslora") else alpha / rank
    transpose = bool(config.get("fan_in_fan_out")) or "embedding" in entry
    return LoraDelta(entry["A"], entry["B"], scale, transpose)


def check_fits(adapter: LoraAdapter, base: Checkpoint) -> None:
    """Every adapted tensor exists in the base and every shape agrees, or a ConvertError naming it."""
    for name, delta in adapter.deltas.items():
        weight = base.tensors.get(name)
        if weight is None:
            raise ConvertError(
                f"adapter adapts {name}, which the base checkpoint does not have; "
                "was the adapter trained on this base model?"
            )
        a_shape, b_shape = delta.a.shape, delta.b.shape
        out_dim, in_dim = (weight.shape[1], weight.shape[0]) if delta.transpose else weight.shape[:2]
        if (
            len(a_shape) != 2
            or len(b_shape) != 2
            or a_shape[0] != b_shape[1]
            or (b_shape[0], a_shape[1])
            != (
                out_dim,
                in_dim,
            )
        ):
            raise ConvertError(
                f"LoRA for {name} does not fit the base: lora_A {list(a_shape)} and lora_B {list(b_shape)} "
                f"against base weight {list(weight.shape)}; was the adapter trained on this base model?"
            )
    for name, ref in adapter.replacements.items():
        weight = base.tensors.get(name)
        if weight is None or weight.shape != ref.shape:
            found = list(weight.shape) if weight is not None else "nothing"
            raise ConvertError(
                f"adapter replaces {name} with shape {list(ref.shape)} but the base has {found}; "
                "was the adapter trained on this base model?"
            )


def touches(adapter: LoraAdapter | None, name: str) -> bool:
    """Whether the adapter changes the base tensor `name`."""
    return adapter is not None and (name in adapter.deltas or name in adapter.replacements)


def apply(name: str, weight: np.ndarray, adapter: LoraAdapter | None) -> np.ndarray:
    """The base tensor with the adapter's update (float32), or unchanged when the adapter leaves it alone."""
    import numpy as np

    if adapter is None:
        return weight
    if name in adapter.replacements:
        return np.asarray(adapter.replacements[name].load(), dtype=np.float32)
    delta = adapter.deltas.get(name)
    if delta is None:
        return weight
    lora_a = np.asarray(delta.a.load(), dtype=np.float32)
    lora_b = np.asarray(delta.b.load(), dtype=np.float32)
    update = lora_b @ lora_a
    if delta.transpose:
        update = update.T
    merged = np.array(weight, dtype=np.float32)  # a private float32 copy: the source may be a read-only map
    merged += np.float32(delta.scale) * update
    return merged
