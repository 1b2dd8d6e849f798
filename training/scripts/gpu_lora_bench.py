"""Short bf16 LoRA training run on a Llama-2-7B-shaped random model: our SFT path vs plain transformers+peft.

    python training/scripts/gpu_lora_bench.py                 # one CUDA GPU, seq 2048 (H100: about 4 minutes)
    python training/scripts/gpu_lora_bench.py --shape tiny --device cpu   # a smoke run of the script itself

Both runs use the same model shape, LoRA (r 16, alpha 32, dropout 0.05 on q/k/v/o/gate/up/down), AdamW,
sequence length and random tokens, in the same process, one after the other:
- baseline: `model(input_ids, labels=input_ids)` as a plain transformers+peft script does it: micro-batch 2,
  no gradient checkpointing, sdpa attention, logits for every position upcast to fp32 for the loss.
- ours: training.sft's path: the fused chunked linear+cross-entropy (training/sft/loss.py: logits never
  materialized for the whole batch, the gradient w.r.t. the hidden states computed in the forward pass),
  regional torch.compile of the decoder layers (fuses RMSNorm, rotary, SwiGLU and the LoRA adds), a larger
  micro-batch (4 by default, lowered on out-of-memory; the memory the logits no longer take), bf16 autocast for the LoRA matmuls, fused
  AdamW. Packing (no padding) matters for real data; here every row is a full 2048-token sequence for both.

Prints tokens/s, MFU and the ratio ours/baseline. MFU counts model FLOPs per token as 2N (forward) + 2N
(backward, input gradients) for frozen weights, 6N for trainable ones, plus 12*L*h*s for attention (the PaLM
convention), against the GPU's dense bf16 peak (H100/H200 SXM: 989 TFLOPS; override with --peak-tflops).
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # run from a checkout without installing

SHAPES: dict[str, dict[str, Any]] = {
    "7b": dict(
        hidden_size=4096,
        intermediate_size=11008,
        num_hidden_layers=32,
        num_attention_heads=32,
        num_key_value_heads=32,
        vocab_size=32000,
    ),
    "tiny": dict(
        hidden_size=64,
        intermediate_size=176,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=4,
        vocab_size=256,
    ),
}
TARGETS = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]
PEAKS = {"H100": 989e12, "H200": 989e12, "H800": 989e12, "A100": 312e12, "L40S": 362e12, "A10G": 125e12}


def build_model(shape: str, seq: int, device: str, bf16: bool) -> Any:
    import torch
    from peft import LoraConfig, get_peft_model
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(**SHAPES[shape], max_position_embeddings=max(4096, seq))
    config._attn_implementation = "sdpa"
    dtype = torch.bfloat16 if bf16 else torch.float32
    torch.manual_seed(0)
    previous = torch.get_default_dtype()
    torch.set_default_dtype(dtype)
    try:
        with torch.device(device):
            model = LlamaForCausalLM(config)
    finally:
        torch.set_default_dtype(previous)
    model.config.use_cache = False
    lora = LoraConfig(r=16, lora_alpha=32, lora_dropout=0.05, target_modules=TARGETS, task_type="CAUSAL_LM")
    return get_peft_model(model, lora)


def model_flops_per_token(shape: str, seq: int, rank: int = 16) -> float:
    """Analytic model FLOPs per trained token (see the module doc), from the shape alone."""
    s = SHAPES[shape]
    h, inter, layers, vocab = (
        s["hidden_size"],
        s["intermediate_size"],
        s["num_hidden_layers"],
        s["vocab_size"],
    )
    kv = h * s["num_key_value_heads"] // s["num_attention_heads"]
    linears = [(h, h), (h, kv), (h, kv), (h, h), (h, inter), (h, inter), (inter, h)]  # q k v o gate up down
    frozen = 2 * vocab * h + layers * (sum(a * b for a, b in linears) + 2 * h) + h
    trainable = layers * sum(rank * (a + b) for a, b in linears)
    return 4 * frozen + 6 * trainable + 12 * layers * h * seq


def baseline_step(model: Any, ids: Any) -> Any:
    return model(input_ids=ids, labels=ids).loss


def make_our_step(model: Any, device: str, bf16: bool) -> Any:
    import torch

    from training.sft.encode import IGNORE
    from training.sft.loss import fused_causal_lm_loss

    base = model.get_base_model()
    decoder, head = base.get_decoder(), base.get_output_embeddings()

    def step(ids: Any) -> Any:
        labels = ids.clone()
        labels[:, 0] = IGNORE
        with torch.autocast(device_type=device, dtype=torch.bfloat16, enabled=bf16):
            hidden = decoder(input_ids=ids, use_cache=False).last_hidden_state
            loss, _ = fused_causal_lm_loss(hidden, head.weight, labels, 4096)
        return loss

    return step


def run(
    name: str,
    model: Any,
    step_fn: Any,
    batch: int,
    seq: int,
    steps: int,
    warmup: int,
    device: str,
    fused_adam: bool,
) -> dict[str, Any]:
    import torch

    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=1e-4, fused=fused_adam and device == "cuda")
    vocab = model.get_base_model().config.vocab_size
    generator = torch.Generator(device="cpu").manual_seed(1)
    batches = [torch.randint(0, vocab, (batch, seq), generator=generator).to(device) for _ in range(4)]
    losses = []
    for index in range(warmup + steps):
        if index == warmup:
            _sync(device)
            start = time.perf_counter()
        loss = step_fn(batches[index % len(batches)])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        losses.append(loss.detach())
    _sync(device)
    elapsed = time.perf_counter() - start
    peak_mem = torch.cuda.max_memory_allocated() / 2**30 if device == "cuda" else 0.0
    return {
        "name": name,
        "micro_batch": batch,
        "steps": steps,
        "seconds": elapsed,
        "tokens_per_s": batch * seq * steps / elapsed,
        "final_loss": float(losses[-1]),
        "peak_mem_gib": round(peak_mem, 1),
    }


def _sync(device: str) -> None:
    import torch

    if device == "cuda":
        torch.cuda.synchronize()


def _free(device: str) -> None:
    import torch

    gc.collect()
    if device == "cuda":
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()


def peak_flops(device: str, override: float | None) -> float | None:
    import torch

    if override:
        return override * 1e12
    if device != "cuda":
        return None
    name = torch.cuda.get_device_name()
    return next((value for key, value in PEAKS.items() if key in name), None)


def our_run(args: argparse.Namespace) -> dict[str, Any]:
    """Our path, lowering the micro-batch by one on out-of-memory."""
    import torch

    from training.sft.model import compile_layers

    batch = args.batch
    while True:
        model = build_model(args.shape, args.seq, args.device, args.bf16)
        if args.compile:
            compile_layers(model)
        try:
            return run(
                "ours",
                model,
                make_our_step(model, args.device, args.bf16),
                batch,
                args.seq,
                args.steps,
                args.warmup + (2 if args.compile else 0),
                args.device,
                True,
            )
        except torch.OutOfMemoryError:
            if batch == 1:
                raise
            print(f"ours: micro-batch {batch} ran out of memory; trying {batch - 1}", flush=True)
            batch -= 1
        finally:
            del model
            _free(args.device)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shape", choices=sorted(SHAPES), default="7b")
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--seq", type=int, default=2048)
    parser.add_argument("--steps", type=int, default=10, help="measured steps per run")
    parser.add_argument("--warmup", type=int, default=3, help="unmeasured steps first")
    parser.add_argument("--batch", type=int, default=4, help="our micro-batch")
    parser.add_argument("--baseline-batch", type=int, default=2)
    parser.add_argument(
        "--compile",
        choices=["auto", "on", "off"],
        default="auto",
        help="regional torch.compile for our run (auto: on CUDA only)",
    )
    parser.add_argument(
        "--precision",
        choices=["auto", "bf16", "fp32"],
        default="auto",
        help="weights and autocast (auto: bf16 on CUDA, fp32 elsewhere)",
    )
    parser.add_argument("--skip-baseline", action="store_true")
    parser.add_argument("--peak-tflops", type=float, default=None)
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = parser.parse_args(argv)
    import torch

    if args.device == "cuda" and not torch.cuda.is_available():
        parser.error("CUDA is not available; use --device cpu --shape tiny for a smoke run")
    on_cuda = args.device == "cuda"
    args.compile = args.compile == "on" or (args.compile == "auto" and on_cuda)
    args.bf16 = args.precision == "bf16" or (args.precision == "auto" and on_cuda)
    results: dict[str, Any] = {
        "shape": args.shape,
        "seq": args.seq,
        "device": args.device,
        "gpu": torch.cuda.get_device_name() if args.device == "cuda" else "cpu",
    }
    if not args.skip_baseline:
        model = build_model(args.shape, args.seq, args.device, args.bf16)
        results["baseline"] = run(
            "baseline",
            model,
            lambda ids: baseline_step(model, ids),
            args.baseline_batch,
            args.seq,
            args.steps,
            args.warmup,
            args.device,
            False,
        )
        del model
        _free(args.device)
    results["ours"] = our_run(args)
    flops_per_token = model_flops_per_token(args.shape, args.seq)
    results["model_flops_per_token"] = flops_per_token
    peak = peak_flops(args.device, args.peak_tflops)
    for key in ("baseline", "ours"):
        if key in results and peak:
            results[key]["mfu"] = round(results[key]["tokens_per_s"] * flops_per_token / peak, 4)
    if "baseline" in results:
        results["ratio"] = results["ours"]["tokens_per_s"] / results["baseline"]["tokens_per_s"]
    _report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return results


def _report(results: dict[str, Any]) -> None:
    print(f"LoRA bench: {results['shape']} shape, seq {results['seq']}, {results['gpu']}")
    for key in ("baseline", "ours"):
        if key in results:
            r = results[key]
            mfu = f"  MFU {100 * r['mfu']:.1f}%" if "mfu" in r else ""
            print(
                f"  {key:<9} micro-batch {r['micro_batch']}: {r['tokens_per_s']:,.0f} tok/s{mfu}"
                f"  peak {r['peak_mem_gib']} GiB  loss {r['final_loss']:.3f}"
            )
    if "ratio" in results:
        print(f"  ratio ours/baseline: {results['ratio']:.2f}x")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
