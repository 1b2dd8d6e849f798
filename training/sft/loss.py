"""Fused linear + cross-entropy, computed chunk by chunk (our own take on the Liger-kernel idea).

The usual path materializes logits for every position (tokens x vocabulary, upcast to fp32: 1 GB for 8k
tokens of a 32k vocabulary, 4 GB for Llama-3's 128k) and keeps them for the backward pass. Here the forward
pass walks the *labelled* positions in chunks, computes each chunk's logits in fp32, its loss, and at once its
gradient with respect to the hidden states (softmax - one-hot); only that gradient (tokens x hidden) is kept.
Unlabelled positions (prompts, padding) never reach the vocabulary projection at all. The backward pass
just scales the stored gradients. The lm_head weight gets a gradient only when it is trainable (full FT).
"""

from __future__ import annotations

from typing import Any

import torch

from .encode import IGNORE


class _FusedLinearCrossEntropy(torch.autograd.Function):
    @staticmethod
    def forward(
        ctx: Any, hidden: torch.Tensor, weight: torch.Tensor, targets: torch.Tensor, chunk: int
    ) -> torch.Tensor:
        count = targets.numel()
        wide = torch.promote_types(weight.dtype, torch.float32)  # bf16 -> fp32 for softmax and sums
        grad_hidden = torch.empty_like(hidden)
        grad_weight = torch.zeros_like(weight, dtype=wide) if weight.requires_grad else None
        total = torch.zeros((), dtype=wide, device=hidden.device)
        for start in range(0, count, chunk):
            h = hidden[start : start + chunk]
            t = targets[start : start + chunk]
            logits = (h @ weight.t()).to(wide)
            lse = torch.logsumexp(logits, dim=-1)
            total += (lse - logits.gather(1, t[:, None]).squeeze(1)).sum()
            # d(mean loss)/d(logits) = (softmax - onehot) / count
            grad = torch.softmax(logits, dim=-1)
            grad[torch.arange(t.numel(), device=t.device), t] -= 1.0
            grad /= count
            grad_hidden[start : start + chunk] = (grad.to(weight.dtype) @ weight).to(hidden.dtype)
            if grad_weight is not None:
                grad_weight += grad.t() @ h.to(wide)
        ctx.save_for_backward(grad_hidden, grad_weight if grad_weight is not None else torch.empty(0))
        ctx.has_weight_grad = grad_weight is not None
        ctx.weight_dtype = weight.dtype
        return total / count

    @staticmethod
    def backward(ctx: Any, grad_output: torch.Tensor) -> tuple[Any, ...]:
        grad_hidden, grad_weight = ctx.saved_tensors
        scale = grad_output.to(grad_hidden.dtype)
        weight_grad = (grad_weight * grad_output).to(ctx.weight_dtype) if ctx.has_weight_grad else None
        return grad_hidden * scale, weight_grad, None, None


def shifted_targets(hidden: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Hidden states that predict a label, and those labels (next-token shift; IGNORE dropped)."""
    h = hidden[:, :-1, :].reshape(-1, hidden.shape[-1])
    t = labels[:, 1:].reshape(-1)
    keep = t != IGNORE
    return h[keep], t[keep]


def fused_causal_lm_loss(
    hidden: torch.Tensor, weight: torch.Tensor, labels: torch.Tensor, chunk_tokens: int = 2048
) -> tuple[torch.Tensor, int]:
    """Mean next-token loss over labelled positions, and how many there were."""
    h, t = shifted_targets(hidden, labels)
    if t.numel() == 0:
        return hidden.sum() * 0.0, 0
    return _FusedLinearCrossEntropy.apply(h, weight, t, chunk_tokens), int(t.numel())


def logits_causal_lm_loss(logits: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, int]:
    """The reference path (full logits), used under FSDP / DeepSpeed and to test the fused one."""
    t = labels[:, 1:].reshape(-1)
    count = int((t != IGNORE).sum())
    if count == 0:
        return logits.sum() * 0.0, 0
    flat = logits[:, :-1, :].reshape(-1, logits.shape[-1])
    flat = flat.to(torch.promote_types(flat.dtype, torch.float32))
    return torch.nn.functional.cross_entropy(flat, t, ignore_index=IGNORE), count
