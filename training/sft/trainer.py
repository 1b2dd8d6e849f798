"""The SFT loop on `accelerate.Accelerator`: one process on a laptop, many through `accelerate launch`.

All distribution (DDP, FSDP, DeepSpeed ZeRO-3) comes from accelerate and its config files in
training/accelerate/; nothing here knows how many processes there are beyond asking the Accelerator.

Resuming: a checkpoint (`accelerator.save_state`) holds the trainable weights, optimizer, scheduler, RNG states
and our progress (step, tokens); the data order is a pure function of (seed, epoch), so the resumed run skips
the micro-batches already consumed and continues the same loss curve as an uninterrupted run.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from bayling_local.errors import TrainingError

from ..data.schema import read_examples
from . import batching
from . import model as model_io
from .config import SFTConfig
from .encode import encode_all, prompt_format
from .loop import Progress, Run, TrainResult

Log = Callable[[str], None]


def cosine_with_warmup(warmup: int, total: int, min_ratio: float) -> Callable[[int], float]:
    def factor(step: int) -> float:
        if step < warmup:
            return (step + 1) / warmup
        progress = min(1.0, (step - warmup) / max(1, total - warmup))
        return min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * progress))

    return factor


def _rows(path: str, tokenizer: Any, config: SFTConfig, seed: int) -> list[batching.Row]:
    examples = [e.messages for e in read_examples(path)]
    encoded = encode_all(examples, tokenizer, prompt_format(config.model.template), config.data.max_length)
    if config.data.packing:
        return batching.pack(encoded, config.data.max_length, seed)
    return batching.unpacked(encoded)


def _loader(rows: list[batching.Row], config: SFTConfig, pad_id: int, shuffle: bool) -> tuple[Any, Any]:
    import torch
    from torch.utils.data import DataLoader

    group = (
        config.train.micro_batch_size if (config.data.group_by_length and not config.data.packing) else None
    )
    sampler = batching.EpochSampler([len(r.input_ids) for r in rows], config.train.seed, group)
    collate = functools.partial(_collate, pad_id=pad_id, packed=config.data.packing)
    # A private generator: the loader must not draw from the global RNG (that would shift dropout on resume).
    generator = torch.Generator().manual_seed(config.train.seed)
    loader: Any = DataLoader(
        cast(Any, rows),
        batch_size=config.train.micro_batch_size,
        sampler=sampler if shuffle else None,
        shuffle=False,
        collate_fn=collate,
        generator=generator,
    )
    return loader, sampler


def _collate(rows: list[batching.Row], pad_id: int, packed: bool) -> dict[str, Any]:
    import torch

    batch = batching.collate(rows, pad_id, packed)
    batch["token_count"] = torch.tensor(sum(len(r.input_ids) for r in rows))
    return batch


class LossComputer:
    """Forward + loss: the fused chunked loss in one process, the plain logits loss when sharded."""

    def __init__(self, model: Any, accelerator: Any, config: SFTConfig) -> None:
        from accelerate.utils import DistributedType

        self.model = model
        self.accelerator = accelerator
        self.chunk = config.train.loss_chunk_tokens
        # Under DDP/FSDP the model is wrapped: its config and layers are on the module inside.
        inner = accelerator.unwrap_model(model)
        base = inner.get_base_model() if hasattr(inner, "get_base_model") else inner
        softcap = getattr(base.config, "final_logit_softcapping", None)
        single = accelerator.distributed_type == DistributedType.NO
        # Calling the decoder directly would bypass DDP/FSDP/DeepSpeed wrappers: fused only in one process.
        self.fused = bool(config.train.fused_loss and single and not softcap)
        self.decoder: Any = base.get_decoder() if self.fused else None
        self.head: Any = base.get_output_embeddings() if self.fused else None

    def __call__(self, batch: dict[str, Any]) -> tuple[Any, int]:
        from .loss import fused_causal_lm_loss, logits_causal_lm_loss

        labels = batch["labels"]
        inputs = {k: v for k, v in batch.items() if k in ("input_ids", "position_ids", "attention_mask")}
        inputs["use_cache"] = False  # without a cache, transformers reads packing from position_ids
        if self.fused:
            with self.accelerator.autocast():
                hidden = self.decoder(**inputs).last_hidden_state
                return fused_causal_lm_loss(hidden, self.head.weight, labels, self.chunk)
        logits = self.model(**inputs).logits
        return logits_causal_lm_loss(logits, labels)


def _trainable_only(model: Any) -> Callable[..., None]:
    """Save hook: keep only trainable tensors in a checkpoint (LoRA: megabytes, not the whole base model)."""

    def hook(models: list[Any], weights: list[dict[str, Any]], output_dir: str) -> None:
        names = {n for n, p in model.named_parameters() if p.requires_grad}
        for index, state in enumerate(weights):
            weights[index] = {
                k: v for k, v in state.items() if k in names or k.replace("module.", "", 1) in names
            }

    return hook


def train(config: SFTConfig, log: Log = print) -> TrainResult:
    """Run SFT as configured; returns losses and where the output went."""
    import torch
    from accelerate import Accelerator
    from accelerate.utils import set_seed

    from bayling_local.config import save_beside

    cfg, out = config.train, Path(config.train.output_dir)
    cuda_bf16 = torch.cuda.is_available() and model_io.torch_dtype(config.model.dtype) == torch.bfloat16
    precision = None if "ACCELERATE_MIXED_PRECISION" in os.environ else ("bf16" if cuda_bf16 else "no")
    accelerator = Accelerator(gradient_accumulation_steps=cfg.grad_accum, mixed_precision=precision)
    check_distributed(accelerator)
    set_seed(cfg.seed)
    tokenizer = model_io.load_tokenizer(config.model)
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else (tokenizer.eos_token_id or 0)
    model = model_io.load_model(config.model)
    if config.lora.method == "lora":
        model = model_io.add_lora(model, config.lora)
    if config.model.compile and torch.cuda.is_available():
        model_io.compile_layers(model)
    train_dl, sampler = _loader(
        _rows(config.data.train_file, tokenizer, config, cfg.seed), config, pad_id, True
    )
    eval_dl = None
    if config.data.eval_file:
        eval_dl, _ = _loader(_rows(config.data.eval_file, tokenizer, config, cfg.seed), config, pad_id, False)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=cfg.learning_rate, weight_decay=cfg.weight_decay)
    model, optimizer, train_dl = accelerator.prepare(model, optimizer, train_dl)
    if eval_dl is not None:
        eval_dl = accelerator.prepare(eval_dl)
    steps_per_epoch = max(1, math.ceil(len(train_dl) / cfg.grad_accum))
    max_steps = cfg.max_steps or max(1, math.ceil(steps_per_epoch * cfg.epochs))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer.optimizer, cosine_with_warmup(cfg.warmup_steps, max_steps, cfg.min_lr_ratio)
    )
    progress = Progress()
    accelerator.register_for_checkpointing(scheduler, progress)
    if config.lora.method == "lora":
        accelerator.register_save_state_pre_hook(_trainable_only(accelerator.unwrap_model(model)))
    _resume(accelerator, cfg.resume, out, log)
    if accelerator.is_main_process:
        out.mkdir(parents=True, exist_ok=True)
        save_beside(out / "training", *config.sections())
    result = TrainResult(out)
    loss_of = LossComputer(model, accelerator, config)
    run = Run(
        accelerator,
        model,
        optimizer,
        scheduler,
        train_dl,
        sampler,
        eval_dl,
        loss_of,
        progress,
        config,
        max_steps,
        steps_per_epoch,
        result,
        log,
    )
    run.loop()
    accelerator.wait_for_everyone()
    state_dict = accelerator.get_state_dict(model)
    if accelerator.is_main_process:
        unwrapped = accelerator.unwrap_model(model)
        result.files = model_io.save_output(
            unwrapped, tokenizer, out, config.model, config.lora.method, state_dict
        )
    accelerator.wait_for_everyone()
    accelerator.end_training()
    return result


def check_distributed(accelerator: Any) -> None:
    """Refuse a launch accelerate did not set up as asked, rather than train something else: it applies
    FSDP and DeepSpeed only on accelerators (on CPU it wraps the model in DDP without a word), and processes
    started without a distributed setup would each train alone on the whole data."""
    from accelerate.utils import DistributedType

    kind = accelerator.distributed_type
    for variable, wanted, name in (
        ("ACCELERATE_USE_FSDP", DistributedType.FSDP, "FSDP"),
        ("ACCELERATE_USE_DEEPSPEED", DistributedType.DEEPSPEED, "DeepSpeed"),
    ):
        if os.environ.get(variable, "").lower() == "true" and kind != wanted:
            raise TrainingError(
                f"{name} was asked for, but accelerate set up {kind.value} on this machine (it applies {name} "
                "only on GPUs and other accelerators, not on CPU): launch without it here (DDP), or on CUDA"
            )
    launched = int(os.environ.get("WORLD_SIZE", "1"))
    if launched > 1 and accelerator.num_processes == 1:
        raise TrainingError(
            f"{launched} processes were launched but accelerate set up no distributed run, so each would train "
            "alone; on CPU launch with ACCELERATE_USE_CPU=true accelerate launch --multi_gpu (see docs/training.md)"
        )


def _resume(accelerator: Any, resume: str | None, out: Path, log: Log) -> None:
    if not resume:
        return
    folder = latest_checkpoint(out) if resume == "auto" else Path(resume)
    if folder is None:
        log("no checkpoint to resume from: starting from step 0")
        return
    if not folder.is_dir():
        raise TrainingError(
            f"checkpoint {folder} not found; pass a folder under {out / 'checkpoints'} or `auto`"
        )
    accelerator.load_state(str(folder), strict=False)
    log(f"resumed from {folder}")


def latest_checkpoint(out: Path) -> Path | None:
    found = sorted((out / "checkpoints").glob("step-*"))
    return found[-1] if found else None
