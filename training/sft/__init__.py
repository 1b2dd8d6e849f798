"""Supervised fine-tuning (LoRA or full) of Llama-family models on data from `training.data`.

Light at import: torch, transformers, peft and accelerate load inside the functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .config import DataSettings, LoraSettings, ModelSettings, SFTConfig, TrainSettings, load_config

if TYPE_CHECKING:
    from .loop import TrainResult

__all__ = [
    "DataSettings",
    "LoraSettings",
    "ModelSettings",
    "SFTConfig",
    "TrainSettings",
    "load_config",
    "train",
]


def train(config: SFTConfig, log: Any = print) -> TrainResult:
    """Run SFT (see trainer.train)."""
    from .trainer import train as run

    return run(config, log)
