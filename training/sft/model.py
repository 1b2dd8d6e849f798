"""Loading the base model and tokenizer, adding LoRA, and writing the output folder.

Output folder (LoRA): a standard PEFT adapter (`adapter_config.json` + `adapter_model.safetensors`, whose
`base_model_name_or_path` names the base) plus `bayling_base.json` (base model, GGUF file, chat template) and
`training.config.json` (the resolved config). `bayling-local convert BASE --lora OUT` consumes it as it is.
Full fine-tuning writes a complete safetensors checkpoint with its tokenizer instead.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bayling_local.errors import TrainingError

from .config import LoraSettings, ModelSettings

BASE_FILE = "bayling_base.json"


def torch_dtype(name: str) -> Any:
    """`auto` is bf16 on CUDA (tensor cores, no loss scaling) and fp32 on CPU (bf16 matmuls are slow there)."""
    import torch

    if name == "auto":
        return torch.bfloat16 if torch.cuda.is_available() else torch.float32
    try:
        return {"bfloat16": torch.bfloat16, "float16": torch.float16, "float32": torch.float32}[name]
    except KeyError:
        raise TrainingError(f"model.dtype must be auto, bfloat16, float16 or float32, not {name!r}") from None


def load_tokenizer(settings: ModelSettings) -> Any:
    from transformers import AutoTokenizer

    kwargs = {"gguf_file": settings.gguf_file} if settings.gguf_file else {}
    try:
        tokenizer = AutoTokenizer.from_pretrained(settings.name_or_path, **kwargs)
    except (OSError, ValueError) as exc:
        raise TrainingError(f"cannot load the tokenizer of {settings.name_or_path} ({exc})") from exc
    if not getattr(tokenizer, "is_fast", False):
        raise TrainingError("a fast tokenizer is needed (character offsets locate the assistant tokens)")
    return tokenizer


def load_model(settings: ModelSettings) -> Any:
    from transformers import AutoModelForCausalLM

    kwargs: dict[str, Any] = {
        "dtype": torch_dtype(settings.dtype),
        "attn_implementation": settings.attn_implementation,
    }
    if settings.gguf_file:
        kwargs["gguf_file"] = settings.gguf_file
    try:
        model = AutoModelForCausalLM.from_pretrained(settings.name_or_path, **kwargs)
    except (OSError, ValueError) as exc:
        raise TrainingError(f"cannot load the base model {settings.name_or_path} ({exc})") from exc
    if settings.gradient_checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    model.config.use_cache = False  # the KV cache is useless in training and costs memory
    return model


def add_lora(model: Any, settings: LoraSettings) -> Any:
    """Wrap with PEFT LoRA; only the adapters train."""
    from peft import LoraConfig, get_peft_model

    config = LoraConfig(
        r=settings.r,
        lora_alpha=settings.alpha,
        lora_dropout=settings.dropout,
        target_modules=list(settings.target_modules),
        task_type="CAUSAL_LM",
    )
    try:
        return get_peft_model(model, config)
    except ValueError as exc:
        raise TrainingError(
            f"cannot add LoRA to {settings.target_modules} ({exc}); check lora.target_modules"
        ) from exc


def compile_layers(model: Any) -> None:
    """Regional torch.compile: each decoder layer separately (short compile, same speedup as whole-model)."""
    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    for layer in base.get_decoder().layers:
        layer.compile()


def save_output(
    model: Any, tokenizer: Any, out: Path, settings: ModelSettings, method: str, state_dict: dict | None
) -> list[Path]:
    """Write the adapter (or the full checkpoint) and the base-model reference; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    if method == "lora":
        model.save_pretrained(out, state_dict=state_dict, safe_serialization=True)
    else:
        model.save_pretrained(out, state_dict=state_dict, safe_serialization=True)
        tokenizer.save_pretrained(out)
    reference = {
        "base_model": settings.name_or_path,
        "gguf_file": settings.gguf_file,
        "template": settings.template,
        "method": method,
    }
    (out / BASE_FILE).write_text(json.dumps(reference, indent=2) + "\n", encoding="utf-8")
    return sorted(p for p in out.iterdir() if p.is_file())
