"""The whole loop on real weights, on a CPU: language-alignment data -> LoRA SFT of the built-in
Gemma-3-270M -> merge and Q8_0 GGUF -> `bayling-local eval flores`, the original against the tuned model.

    python training/examples/align_builtin.py --workdir runs/align --steps 60

1. FLORES-200 dev (the archive in ../shared/data, read in place) is split by sentence id: the last
   `--heldout` sentences are only ever evaluated on, the others make the training mixture
   (`training.data`, translation task, English as the pivot: eng<->fra, eng<->deu, eng<->zho_Hans).
2. The built-in GGUF is dequantized into a safetensors folder (`gemma_lora_cpu.export_hf_folder`) and
   LoRA-tuned in BayLing's own prompt format (`model.template=bayling`): the tuned model is then run the way
   bayling-local runs a BayLing model. Its GGUF is named `...bayling-align...`, which is what makes
   bayling-local pick that format for it; the original, converted to Q8_0 the same way, is run as a
   few-shot base model, as bayling-local runs the built-in model.
3. Both GGUFs are evaluated on the held-out sentences in one `eval flores` run; the table is printed and
   written to WORKDIR/eval.md.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

LANGUAGES = ("eng_Latn", "fra_Latn", "deu_Latn", "zho_Hans")
DIRECTIONS = [f"eng_Latn-{code}" for code in LANGUAGES[1:]] + [f"{code}-eng_Latn" for code in LANGUAGES[1:]]
ARCHIVE = REPO.parent / "shared" / "data" / "flores200-dev.tar.xz"


def split_flores(workdir: Path, heldout: int) -> tuple[Path, Path]:
    """FLORES-style folders (`<code>.txt`, one sentence a line, aligned): training ids and held-out ids."""
    train, test = workdir / "flores-train", workdir / "flores-heldout"  # scratch: never committed
    for folder in (train, test):
        folder.mkdir(parents=True, exist_ok=True)
    with tarfile.open(ARCHIVE) as archive:
        for code in LANGUAGES:
            member = archive.extractfile(f"flores200-dev/dev510/{code}.txt")
            assert member is not None
            lines = member.read().decode("utf-8").splitlines()
            (train / f"{code}.txt").write_text("\n".join(lines[:-heldout]) + "\n", encoding="utf-8")
            (test / f"{code}.txt").write_text("\n".join(lines[-heldout:]) + "\n", encoding="utf-8")
    return train, test


def build_data(workdir: Path, train_folder: Path, total: int) -> Path:
    from training.data import BuildConfig, build

    out = workdir / "data"
    build(
        BuildConfig(
            parallel=[str(train_folder)],
            languages=list(LANGUAGES),
            total=total,
            heldout_examples=16,
            mixture={"translation": 1.0},
            pivots=["eng_Latn"],
            pivot_share=1.0,
            max_chars=220,
            out=str(out),
            seed=0,
        )
    )
    return out


def completion_data(workdir: Path, train_folder: Path, total: int) -> Path:
    """Training examples in the very prompt bayling-local sends a few-shot base model (the built-in one):
    `fewshot.translation_prompt` for the pair, the reference translation as its continuation. Sentences are
    drawn from the training ids only, directions in turn."""
    import random

    from bayling_local.language.names import BY_CODE, language_label
    from bayling_local.prompts.fewshot import translation_prompt

    lines = {
        code: (train_folder / f"{code}.txt").read_text(encoding="utf-8").splitlines() for code in LANGUAGES
    }
    rng = random.Random(0)
    out = workdir / "data-completion"
    out.mkdir(parents=True, exist_ok=True)
    records = []
    for number in range(total):
        source, target = (BY_CODE[code] for code in DIRECTIONS[number % len(DIRECTIONS)].split("-"))
        index = rng.randrange(len(lines[source.code]))
        prompt = translation_prompt(
            lines[source.code][index],
            target.code,
            language_label(target),
            source.code,
            language_label(source),
        )
        messages = [
            {"role": "user", "content": prompt},
            {"role": "assistant", "content": lines[target.code][index]},
        ]
        records.append(
            {
                "messages": messages,
                "metadata": {"task": "translation", "source_lang": source.code, "target_lang": target.code},
            }
        )
    held = records[-16:]
    (out / "train.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records[:-16]), encoding="utf-8"
    )
    (out / "heldout.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in held), encoding="utf-8"
    )
    return out


def tune(workdir: Path, base: Path, data: Path, args: argparse.Namespace) -> tuple[Path, dict[str, object]]:
    from training.sft import load_config, train

    adapter = workdir / "lora"
    config = load_config(
        REPO / "training" / "recipes" / "gemma3-270m-cpu.yaml",
        [
            f"model.name_or_path={base}",
            f"model.template={args.template}",
            f"data.train_file={data / 'train.jsonl'}",
            f"data.eval_file={data / 'heldout.jsonl'}",
            f"data.max_length={args.max_length}",
            f"train.output_dir={adapter}",
            f"train.max_steps={args.steps}",
            f"train.learning_rate={args.learning_rate}",
            "train.warmup_steps=3",
            f"train.eval_every={args.steps}",
            "lora.r=16",
            "lora.alpha=32",
            "lora.target_modules=[q_proj,k_proj,v_proj,o_proj,gate_proj,up_proj,down_proj]",
        ],
    )
    started = time.perf_counter()
    result = train(config)
    figures: dict[str, object] = {
        "steps": result.steps,
        "seconds": round(time.perf_counter() - started),
        "tokens_per_s": round(result.tokens_per_s, 1),
        "first_loss": round(result.losses[min(result.losses)], 3),
        "last_loss": round(result.losses[max(result.losses)], 3),
        "heldout_loss": round(result.eval_losses.get(result.steps, float("nan")), 3),
    }
    print("training:", json.dumps(figures))
    return adapter, figures


def convert(base: Path, out: Path, lora: Path | None) -> Path:
    from convert.api import ConvertConfig, convert_checkpoint

    converted = convert_checkpoint(
        ConvertConfig(src=base, out=out, lora=lora, outtype="q8_0", force=True, progress=False)
    )
    print(f"converted: {converted.path} ({converted.architecture})")
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path("runs/align-builtin"))
    parser.add_argument("--steps", type=int, default=60)
    parser.add_argument("--examples", type=int, default=480, help="training examples in the mixture")
    parser.add_argument("--heldout", type=int, default=40, help="FLORES sentences kept for the evaluation")
    parser.add_argument("--max-length", type=int, default=192)
    parser.add_argument("--learning-rate", type=float, default=1e-3)
    parser.add_argument(
        "--template",
        choices=("completion", "bayling"),
        default="completion",
        help="completion: tune on the few-shot prompt the built-in model is run with; bayling: BayLing's format",
    )
    args = parser.parse_args(argv)
    from gemma_lora_cpu import export_hf_folder

    started = time.perf_counter()
    work = args.workdir.resolve()
    train_folder, heldout_folder = split_flores(work, args.heldout)
    data = (
        completion_data(work, train_folder, args.examples)
        if args.template == "completion"
        else build_data(work, train_folder, args.examples)
    )
    base = export_hf_folder(work / "gemma3-270m-hf")
    adapter, figures = tune(work, base, data, args)
    original = convert(base, work / "gemma3-270m-base-q8_0.gguf", None)
    # The file name picks the prompt format bayling-local runs it with (`prompts.formats.choose_format`).
    name = (
        "gemma3-270m-align-q8_0.gguf"
        if args.template == "completion"
        else "gemma3-270m-bayling-align-q8_0.gguf"
    )
    tuned = convert(base, work / name, adapter)
    report = work / "eval"
    command = [
        str(Path(sys.executable).parent / "bayling-local"), "eval", "flores", "--data", str(heldout_folder),
        "--pairs", ",".join(DIRECTIONS), "--limit", str(args.heldout), "-m", str(original), "-m", str(tuned),
        "-o", str(report),
    ]  # fmt: skip
    subprocess.run(command, check=True)
    figures["wall_seconds"] = round(time.perf_counter() - started)
    (work / "figures.json").write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    print(Path(f"{report}.md").read_text(encoding="utf-8"))
    print("figures:", json.dumps(figures))


if __name__ == "__main__":
    main()
