"""The training loop proper: micro-steps, optimizer steps, logs, evaluation and checkpoints.

State lives on one `Run` object so each part is a short method. Distribution is accelerate's business:
`accumulate`, `backward`, `reduce`, `skip_first_batches` and `save_state` do the right thing for one
process, DDP, FSDP and DeepSpeed alike.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bayling_local.errors import TrainingError

from .config import SFTConfig

Log = Callable[[str], None]


@dataclass
class TrainResult:
    """What a run did."""

    output_dir: Path
    """Where the adapter / checkpoint was written."""
    losses: dict[int, float] = field(default_factory=dict)
    """Training loss of every optimizer step run by this process (step -> loss)."""
    eval_losses: dict[int, float] = field(default_factory=dict)
    """Held-out loss by step."""
    steps: int = 0
    """Last step reached."""
    tokens_per_s: float = 0.0
    """Mean training throughput (all processes) of this run."""
    files: list[Path] = field(default_factory=list)
    """Files of the output folder."""


class Progress:
    """Our part of a checkpoint: accelerate saves it with everything else."""

    def __init__(self) -> None:
        self.step = 0
        self.tokens = 0

    def state_dict(self) -> dict[str, int]:
        return {"step": self.step, "tokens": self.tokens}

    def load_state_dict(self, state: dict[str, int]) -> None:
        self.step, self.tokens = int(state["step"]), int(state["tokens"])


@dataclass
class Run:
    """Everything the loop needs, prepared by `trainer.train`."""

    accelerator: Any
    model: Any
    optimizer: Any
    scheduler: Any
    train_dl: Any
    sampler: Any
    eval_dl: Any
    loss_of: Callable[[dict[str, Any]], tuple[Any, int]]
    progress: Progress
    config: SFTConfig
    max_steps: int
    steps_per_epoch: int
    result: TrainResult
    log: Log
    micro_losses: list[Any] = field(default_factory=list)
    micro_counts: list[Any] = field(default_factory=list)
    window: tuple[float, int] = (0.0, 0)

    def loop(self) -> None:
        from tqdm.auto import tqdm

        cfg = self.config.train
        stop_at = min(self.max_steps, cfg.stop_after or self.max_steps)
        show = cfg.progress and self.accelerator.is_local_main_process
        bar = tqdm(
            total=self.max_steps, initial=self.progress.step, disable=not show, desc="sft", unit="step"
        )
        self.write: Log = bar.write if cfg.progress else self.log
        started, tokens_at_start = time.perf_counter(), self.progress.tokens
        self.window = (started, 0)
        self.model.train()
        while self.progress.step < stop_at:
            epoch = self.progress.step // self.steps_per_epoch
            step_before = self.progress.step
            for batch in self.epoch_loader(epoch):
                if self.micro_step(batch):
                    self.after_step(epoch, stop_at)
                    bar.update(1)
                    if self.progress.step >= stop_at:
                        break
            if self.progress.step == step_before:
                raise TrainingError("an epoch made no optimizer step: the training data gave no batch")
        bar.close()
        self.result.steps = self.progress.step
        elapsed = time.perf_counter() - started
        self.result.tokens_per_s = (self.progress.tokens - tokens_at_start) / max(elapsed, 1e-9)
        if self.eval_dl is not None and self.progress.step not in self.result.eval_losses:
            self.evaluate()

    def epoch_loader(self, epoch: int) -> Any:
        """The epoch's batches, minus those a resumed run already consumed."""
        skip = (self.progress.step % self.steps_per_epoch) * self.config.train.grad_accum
        loader = self.accelerator.skip_first_batches(self.train_dl, skip) if skip else self.train_dl
        # accelerate's loaders set the sampler's epoch from their own iteration counter: give it ours.
        self.sampler.set_epoch(epoch)
        if hasattr(loader, "set_epoch"):
            loader.set_epoch(epoch)
        return loader

    def micro_step(self, batch: dict[str, Any]) -> bool:
        """Forward and backward one micro-batch; True when it completed an optimizer step."""
        count = batch.pop("token_count")
        accelerator, max_norm = self.accelerator, self.config.train.max_grad_norm
        with accelerator.accumulate(self.model):
            loss, _ = self.loss_of(batch)
            accelerator.backward(loss)
            if accelerator.sync_gradients and max_norm:
                accelerator.clip_grad_norm_(self.model.parameters(), max_norm)
            self.optimizer.step()
            self.optimizer.zero_grad(set_to_none=True)
        self.micro_losses.append(loss.detach().float())
        self.micro_counts.append(count)
        return bool(accelerator.sync_gradients)

    def after_step(self, epoch: int, stop_at: int) -> None:
        """Schedule, bookkeeping, logs, evaluation and checkpoints of one optimizer step."""
        import torch

        cfg, accelerator = self.config.train, self.accelerator
        self.scheduler.step()
        self.progress.step += 1
        step = self.progress.step
        # One host sync per optimizer step, none per micro-batch.
        loss = float(accelerator.reduce(torch.stack(self.micro_losses).mean(), "mean"))
        counts = torch.stack(self.micro_counts).sum().to(accelerator.device)
        tokens = int(accelerator.reduce(counts, "sum"))
        self.micro_losses, self.micro_counts = [], []
        self.result.losses[step] = loss
        self.progress.tokens += tokens
        since, window_tokens = self.window[0], self.window[1] + tokens
        self.window = (since, window_tokens)
        if step % cfg.log_every == 0 or step == stop_at:
            elapsed = max(time.perf_counter() - since, 1e-9)
            self.emit(
                {
                    "step": step,
                    "epoch": epoch,
                    "loss": round(loss, 5),
                    "lr": self.scheduler.get_last_lr()[0],
                    "tokens": self.progress.tokens,
                    "tokens_per_s": round(window_tokens / elapsed, 1),
                }
            )
            self.window = (time.perf_counter(), 0)
        if self.eval_dl is not None and cfg.eval_every and step % cfg.eval_every == 0:
            self.evaluate()
        if cfg.save_every and step % cfg.save_every == 0:
            self.save_checkpoint()

    def emit(self, entry: dict[str, Any]) -> None:
        """A log line to stdout (through the progress bar) and to output_dir/log.jsonl."""
        if not self.accelerator.is_main_process:
            return
        self.write(" ".join(f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in entry.items()))
        path = Path(self.config.train.output_dir) / "log.jsonl"
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry) + "\n")

    def evaluate(self) -> float:
        """Token-weighted mean loss on the held-out split, over all processes."""
        import torch

        device = self.accelerator.device
        self.model.eval()
        total = torch.zeros(2, device=device)
        with torch.no_grad():
            for batch in self.eval_dl:
                batch.pop("token_count")
                loss, count = self.loss_of(batch)
                total += torch.tensor([float(loss) * count, count], device=device)
        self.model.train()
        summed = self.accelerator.reduce(total, "sum")
        value = float(summed[0] / summed[1].clamp(min=1))
        self.result.eval_losses[self.progress.step] = value
        self.emit({"step": self.progress.step, "eval_loss": round(value, 5)})
        return value

    def save_checkpoint(self) -> None:
        """accelerate's save_state (weights, optimizer, scheduler, RNG, progress); keeps the newest few."""
        out = Path(self.config.train.output_dir) / "checkpoints"
        self.accelerator.save_state(str(out / f"step-{self.progress.step:07d}"))
        if self.accelerator.is_main_process:
            for old in sorted(out.glob("step-*"))[: -self.config.train.keep_checkpoints]:
                shutil.rmtree(old, ignore_errors=True)
