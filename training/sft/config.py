"""Typed SFT settings: four sections of a YAML recipe (`model`, `lora`, `data`, `train`).

Precedence, highest first: a `--set section.key=value` override, the recipe, the dataclass default - decided
by `bayling_local.config.resolve`, the same function every bayling-local command uses.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bayling_local.config import resolve
from bayling_local.errors import UsageError

LLAMA_TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


@dataclass
class ModelSettings:
    """The base model and how it is loaded."""

    name_or_path: str = ""
    """Hugging Face model id or local folder of the base checkpoint (the reference the adapter records)."""
    gguf_file: str | None = None
    """Load from this GGUF file inside `name_or_path` (transformers dequantizes it); None loads safetensors."""
    template: str = "bayling"
    """Chat format from bayling_local.prompts.formats: bayling (Llama-2 BayLing), bayling3 (Llama-3), fewshot;
    or completion (each user message as written, the answer after it: for prompts a base model is run with,
    such as the few-shot translation prompt)."""
    dtype: str = "auto"
    """Weights dtype: auto (bf16 on CUDA, fp32 on CPU), bfloat16, float16, float32."""
    attn_implementation: str = "sdpa"
    """Attention kernel passed to transformers: sdpa (fused, default), eager, flash_attention_2."""
    gradient_checkpointing: bool = False
    """Recompute activations in the backward pass: less memory, about a third slower."""
    compile: bool = False
    """torch.compile each decoder layer (CUDA only; slow first steps, faster after)."""


@dataclass
class LoraSettings:
    """LoRA adapters, or full fine-tuning."""

    method: str = "lora"
    """lora (train adapters, save a PEFT folder) or full (train every weight, save a checkpoint)."""
    r: int = 16
    """Rank of the LoRA update matrices."""
    alpha: int = 32
    """LoRA scaling numerator: the update is scaled by alpha / r."""
    dropout: float = 0.05
    """Dropout on the LoRA input (0 disables it and saves a kernel per layer)."""
    target_modules: list[str] = field(default_factory=lambda: list(LLAMA_TARGETS))
    """Linear layers that get adapters (Llama names: attention q/k/v/o and MLP gate/up/down)."""


@dataclass
class DataSettings:
    """Which built JSONL files to train and evaluate on, and how sequences are batched."""

    train_file: str = ""
    """train.jsonl made by `bayling-local data build`."""
    eval_file: str | None = None
    """heldout.jsonl for the evaluation loss; None skips evaluation."""
    max_length: int = 2048
    """Longest sequence in tokens; longer conversations are cut (their labels too)."""
    packing: bool = True
    """Pack several conversations into one sequence (no padding; attention stays within each one)."""
    group_by_length: bool = True
    """Without packing: batch conversations of similar length together to waste less padding."""


@dataclass
class TrainSettings:
    """Optimization, logging and checkpoints."""

    output_dir: str = ""
    """Folder for the adapter (or full checkpoint), logs, checkpoints and the resolved config."""
    max_steps: int | None = None
    """Optimizer steps; None derives them from `epochs`."""
    epochs: float = 1.0
    """Passes over the training data when `max_steps` is None."""
    micro_batch_size: int = 4
    """Sequences per device per forward pass."""
    grad_accum: int = 1
    """Micro-batches accumulated per optimizer step."""
    learning_rate: float = 2e-4
    """Peak learning rate (after warmup)."""
    weight_decay: float = 0.0
    """AdamW weight decay."""
    warmup_steps: int = 0
    """Linear warmup steps before the cosine decay."""
    min_lr_ratio: float = 0.1
    """The cosine ends at learning_rate x this."""
    max_grad_norm: float = 1.0
    """Gradient clipping norm; 0 disables it."""
    seed: int = 42
    """Seed for weights of new adapters, data order and dropout."""
    log_every: int = 10
    """Print and log loss and tokens/s every N steps."""
    eval_every: int | None = None
    """Evaluate every N steps (and always at the end); None: only at the end."""
    save_every: int | None = None
    """Write a resumable checkpoint every N steps; None: none."""
    keep_checkpoints: int = 2
    """Most recent checkpoints kept."""
    resume: str | None = None
    """Checkpoint folder to resume from, or `auto` for the latest in output_dir/checkpoints."""
    stop_after: int | None = None
    """Stop after this step although the schedule spans max_steps (to split a run into jobs)."""
    fused_loss: bool = True
    """Chunked linear + cross-entropy that never holds all logits (single process and DDP)."""
    loss_chunk_tokens: int = 2048
    """Tokens per chunk of the fused loss."""
    progress: bool = True
    """Show a tqdm progress bar."""


@dataclass
class SFTConfig:
    """A whole SFT run."""

    model: ModelSettings = field(default_factory=ModelSettings)
    """The `model:` section."""
    lora: LoraSettings = field(default_factory=LoraSettings)
    """The `lora:` section."""
    data: DataSettings = field(default_factory=DataSettings)
    """The `data:` section."""
    train: TrainSettings = field(default_factory=TrainSettings)
    """The `train:` section."""

    def sections(self) -> tuple[Any, ...]:
        return (self.model, self.lora, self.data, self.train)


SECTIONS: dict[str, type] = {
    "model": ModelSettings,
    "lora": LoraSettings,
    "data": DataSettings,
    "train": TrainSettings,
}


def parse_overrides(items: list[str] | tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """`section.key=value` strings into {section: {key: value}}; values are read as YAML (1e-4, true, [a, b])."""
    import yaml

    flags: dict[str, dict[str, Any]] = {name: {} for name in SECTIONS}
    for item in items:
        key, sep, raw = item.partition("=")
        section, dot, name = key.strip().partition(".")
        if not sep or not dot or section not in SECTIONS:
            raise UsageError(
                f"bad override {item!r}; write SECTION.KEY=VALUE with SECTION in {', '.join(SECTIONS)}"
            )
        known = {f.name for f in dataclasses.fields(SECTIONS[section])}
        if name not in known:
            raise UsageError(f"unknown setting {section}.{name}; known: {', '.join(sorted(known))}")
        flags[section][name] = yaml.safe_load(raw)
    return {name: _coerce(SECTIONS[name], values) for name, values in flags.items()}


def _coerce(cls: type, values: dict[str, Any]) -> dict[str, Any]:
    """YAML 1.1 reads `1e-4` as a string: turn strings into the number a float or int field expects."""
    types = {f.name: str(f.type) for f in dataclasses.fields(cls)}
    out = dict(values)
    for name, value in values.items():
        kind = types.get(name, "")
        if not isinstance(value, str) or kind.startswith("str"):
            continue
        try:
            if kind.startswith("float"):
                out[name] = float(value)
            elif kind.startswith("int"):
                out[name] = int(value)
        except ValueError:
            raise UsageError(f"{cls.__name__}.{name} must be a number, not {value!r}") from None
    return out


def load_config(recipe: str | Path | None = None, overrides: list[str] | tuple[str, ...] = ()) -> SFTConfig:
    """Resolve a recipe plus overrides into an SFTConfig (flags > recipe > defaults)."""
    data: dict[str, Any] = {}
    if recipe is not None:
        data = read_recipe(Path(recipe))
    unknown = sorted(set(data) - set(SECTIONS))
    if unknown:
        raise UsageError(f"unknown section(s) {', '.join(unknown)} in {recipe}; known: {', '.join(SECTIONS)}")
    data = {
        k: _coerce(SECTIONS[k], v) if isinstance(v, dict) and k in SECTIONS else v for k, v in data.items()
    }
    flags = parse_overrides(overrides)
    parts: dict[str, Any] = {
        name: resolve(cls, flags[name], name, file_data=data) for name, cls in SECTIONS.items()
    }
    config = SFTConfig(**parts)
    _validate(config)
    return config


def read_recipe(path: Path) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise UsageError(f"cannot read recipe {path} ({exc})") from exc
    if not isinstance(data, dict):
        raise UsageError(f"recipe {path} must be a YAML mapping with sections {', '.join(SECTIONS)}")
    return data


def _validate(config: SFTConfig) -> None:
    if not config.model.name_or_path:
        raise UsageError(
            "no base model: set model.name_or_path in the recipe or --set model.name_or_path=..."
        )
    if not config.data.train_file:
        raise UsageError(
            "no training data: set data.train_file (a train.jsonl from `bayling-local data build`)"
        )
    if not config.train.output_dir:
        raise UsageError("no output folder: set train.output_dir")
    if config.lora.method not in ("lora", "full"):
        raise UsageError(f"lora.method must be lora or full, not {config.lora.method!r}")
    if config.model.template not in ("bayling", "bayling3", "fewshot", "completion"):
        raise UsageError("model.template must be bayling, bayling3, fewshot or completion")
