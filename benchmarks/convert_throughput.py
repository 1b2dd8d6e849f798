"""Converter throughput and peak memory on a synthetic Llama checkpoint, against a plain copy of its bytes.

A random Llama checkpoint (several safetensors shards, >= 2 GB by default) is written once to a temp folder.
Then, each in a fresh subprocess so its peak RSS is its own: a plain copy of the shards (shutil.copyfile),
a copy through the process (read/write in 64 MB blocks), and `convert_checkpoint` with the default
`outtype="auto"` (BF16 stays BF16, F16 stays F16: the byte-copy path), plus, for a BF16 checkpoint,
`outtype="f16"` (a bf16 -> f16 cast of every value) for comparison. Runs alternate (copy, convert, copy,
convert, ...) so background load hits all alike; medians are compared. Everything is deleted at the end.

Goals: converter MB/s >= 0.5 x copy MB/s; converter peak RSS <= 25% of the checkpoint + its largest tensor.

    python benchmarks/convert_throughput.py [--layers 20] [--dtype bf16 f16] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

HIDDEN, FFN, VOCAB, HEADS, KV_HEADS = 2048, 5632, 32000, 16, 4
SHARD_BYTES = 600_000_000


def tensor_shapes(layers: int) -> dict[str, tuple[int, ...]]:
    """Llama tensor names and shapes (GQA), in save_pretrained order."""
    head_dim = HIDDEN // HEADS
    shapes: dict[str, tuple[int, ...]] = {"model.embed_tokens.weight": (VOCAB, HIDDEN)}
    for i in range(layers):
        p = f"model.layers.{i}."
        shapes |= {
            p + "input_layernorm.weight": (HIDDEN,),
            p + "self_attn.q_proj.weight": (HIDDEN, HIDDEN),
            p + "self_attn.k_proj.weight": (KV_HEADS * head_dim, HIDDEN),
            p + "self_attn.v_proj.weight": (KV_HEADS * head_dim, HIDDEN),
            p + "self_attn.o_proj.weight": (HIDDEN, HIDDEN),
            p + "post_attention_layernorm.weight": (HIDDEN,),
            p + "mlp.gate_proj.weight": (FFN, HIDDEN),
            p + "mlp.up_proj.weight": (FFN, HIDDEN),
            p + "mlp.down_proj.weight": (HIDDEN, FFN),
        }
    shapes |= {"model.norm.weight": (HIDDEN,), "lm_head.weight": (VOCAB, HIDDEN)}
    return shapes


def _count(shape: tuple[int, ...]) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


def write_checkpoint(folder: Path, layers: int, dtype: str) -> tuple[int, int]:
    """Write config, a byte-level tokenizer and random shards; returns (total bytes, largest tensor bytes)."""
    import numpy as np

    rng = np.random.default_rng(0)
    # One 64 MB pool of random values, sliced for every tensor: realistic bytes without minutes of RNG.
    pool = (rng.standard_normal(32 * 1024 * 1024, dtype=np.float32) * 0.02).astype(
        np.float16 if dtype == "f16" else np.float32
    )
    if dtype == "bf16":
        pool = (pool.view(np.uint32) >> 16).astype(np.uint16)
    pool_bytes = pool.view(np.uint8)
    shapes = tensor_shapes(layers)
    shards: list[dict[str, tuple[int, ...]]] = [{}]
    size = 0
    for name, shape in shapes.items():
        nbytes = _count(shape) * 2
        if size and size + nbytes > SHARD_BYTES:
            shards.append({})
            size = 0
        shards[-1][name] = shape
        size += nbytes
    weight_map: dict[str, str] = {}
    for index, shard in enumerate(shards):
        file_name = f"model-{index + 1:05d}-of-{len(shards):05d}.safetensors"
        _write_shard(folder / file_name, shard, dtype.upper(), pool_bytes)
        weight_map |= dict.fromkeys(shard, file_name)
    total = sum(_count(s) * 2 for s in shapes.values())
    index_data = {"metadata": {"total_size": total}, "weight_map": weight_map}
    (folder / "model.safetensors.index.json").write_text(json.dumps(index_data))
    config = {
        "architectures": ["LlamaForCausalLM"],
        "hidden_size": HIDDEN,
        "intermediate_size": FFN,
        "num_hidden_layers": layers,
        "num_attention_heads": HEADS,
        "num_key_value_heads": KV_HEADS,
        "vocab_size": VOCAB,
        "max_position_embeddings": 4096,
        "rms_norm_eps": 1e-5,
        "rope_theta": 500000.0,
    }
    (folder / "config.json").write_text(json.dumps(config))
    _write_tokenizer(folder)
    return total, max(_count(s) * 2 for s in shapes.values())


def _write_shard(path: Path, shard: dict[str, tuple[int, ...]], dtype: str, pool: object) -> None:
    header, offset = {}, 0
    for name, shape in shard.items():
        nbytes = _count(shape) * 2
        header[name] = {"dtype": dtype, "shape": list(shape), "data_offsets": [offset, offset + nbytes]}
        offset += nbytes
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as handle:
        handle.write(struct.pack("<Q", len(raw)) + raw)
        for shape in shard.values():
            remaining = _count(shape) * 2
            while remaining:
                piece = pool[: min(remaining, len(pool))]  # type: ignore[index, arg-type]
                handle.write(memoryview(piece))
                remaining -= len(piece)


def _write_tokenizer(folder: Path) -> None:
    """A byte-level BPE with only the 256 byte symbols (Llama-3 pre-tokenizer): enough for the converter."""
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers

    from convert.vocab import LLAMA3_SPLIT

    alphabet = sorted(pre_tokenizers.ByteLevel.alphabet())
    tokenizer = Tokenizer(models.BPE(vocab={c: i for i, c in enumerate(alphabet)}, merges=[]))
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(LLAMA3_SPLIT), behavior="isolated"),
            pre_tokenizers.ByteLevel(use_regex=False),
        ]
    )
    tokenizer.decoder = decoders.ByteLevel()
    tokenizer.save(str(folder / "tokenizer.json"))


# Peak RSS is read from VmHWM: getrusage's ru_maxrss would carry over the parent's peak across fork+exec.
PEAK_RSS = "int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]) * 1024"

CHILD_COPY = """
import shutil, sys, time
from pathlib import Path
src, dst = Path(sys.argv[1]), Path(sys.argv[2])
dst.mkdir()
t = time.perf_counter()
for f in sorted(src.glob("*.safetensors")):
    shutil.copyfile(f, dst / f.name)
print(time.perf_counter() - t, PEAK_RSS)
"""

CHILD_READ_WRITE = """
import sys, time
from pathlib import Path
src, dst = Path(sys.argv[1]), Path(sys.argv[2])
dst.mkdir()
t = time.perf_counter()
for f in sorted(src.glob("*.safetensors")):
    with open(f, "rb") as i, open(dst / f.name, "wb") as o:
        while block := i.read(64 << 20):
            o.write(block)
print(time.perf_counter() - t, PEAK_RSS)
"""

CHILD_CONVERT = """
import sys, time
from pathlib import Path
from convert.api import ConvertConfig, convert_checkpoint
t = time.perf_counter()
config = ConvertConfig(src=Path(sys.argv[1]), out=Path(sys.argv[2]), outtype=sys.argv[3], progress=False)
convert_checkpoint(config)
print(time.perf_counter() - t, PEAK_RSS)
"""


def run_child(code: str, *args: str) -> tuple[float, int]:
    repo = Path(__file__).resolve().parents[1]
    output = subprocess.run(
        [sys.executable, "-c", code.replace("PEAK_RSS", PEAK_RSS), *args],
        check=True,
        capture_output=True,
        text=True,
        cwd=repo,
    ).stdout.split()
    return float(output[0]), int(output[1])


def outtypes_for(dtype: str) -> list[str]:
    """The default `auto` always; for BF16 also the explicit f16 cast it replaced as the default."""
    return ["auto", "f16"] if dtype == "bf16" else ["auto"]


def measure(work: Path, dtype: str, layers: int, rounds: int) -> list[str]:
    """Benchmark one checkpoint dtype; returns markdown table rows (one per outtype)."""
    src = work / f"checkpoint-{dtype}"
    src.mkdir()
    total, largest = write_checkpoint(src, layers, dtype)
    shards = len(list(src.glob("*.safetensors")))
    print(
        f"checkpoint: {total / 1e9:.2f} GB {dtype} in {shards} shards, largest tensor {largest / 1e6:.0f} MB"
    )
    copies, plain = [], []
    converts: dict[str, list[tuple[float, int]]] = {o: [] for o in outtypes_for(dtype)}
    for round_ in range(rounds):
        copies.append(run_child(CHILD_COPY, str(src), str(work / f"copy{round_}")))
        shutil.rmtree(work / f"copy{round_}")
        plain.append(run_child(CHILD_READ_WRITE, str(src), str(work / f"rw{round_}")))
        shutil.rmtree(work / f"rw{round_}")
        for outtype, runs in converts.items():
            out = work / f"out{round_}-{outtype}.gguf"
            runs.append(run_child(CHILD_CONVERT, str(src), str(out), outtype))
            out.unlink()
            Path(str(out) + ".config.json").unlink()
    shutil.rmtree(src)
    copy_s = statistics.median(s for s, _ in copies)
    plain_s = statistics.median(s for s, _ in plain)
    mb, budget = total / 1e6, 0.25 * total + largest
    print(f"kernel copy:     {mb / copy_s:7.0f} MB/s  ({copy_s:.1f} s)")
    print(f"read+write copy: {mb / plain_s:7.0f} MB/s  ({plain_s:.1f} s, 64 MB blocks through the process)")
    rows = []
    for outtype, runs in converts.items():
        convert_s = statistics.median(s for s, _ in runs)
        peak = max(rss for _, rss in runs)
        ratio = copy_s / convert_s
        print(
            f"convert --outtype {outtype}: {mb / convert_s:7.0f} MB/s ({convert_s:.1f} s, peak RSS {peak / 1e6:.0f} MB); "
            f"ratio to kernel copy {ratio:.2f} (goal >= 0.50: {'met' if ratio >= 0.5 else 'NOT met'}), "
            f"to read+write copy {plain_s / convert_s:.2f}; peak RSS / budget {peak / budget:.2f} "
            f"({budget / 1e6:.0f} MB; goal <= 1.00: {'met' if peak <= budget else 'NOT met'})"
        )
        rows.append(
            f"| {dtype.upper()}, {total / 1e9:.2f} GB | {outtype} | {mb / copy_s:.0f} MB/s ({copy_s:.1f} s) "
            f"| {mb / plain_s:.0f} MB/s ({plain_s:.1f} s) | {mb / convert_s:.0f} MB/s ({convert_s:.1f} s) "
            f"| {ratio:.2f} | {plain_s / convert_s:.2f} | {peak / 1e6:.0f} MB | {budget / 1e6:.0f} MB "
            f"(ratio {peak / budget:.2f}) |"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layers", type=int, default=20, help="20 layers: about 2.1 GB")
    parser.add_argument(
        "--dtype", nargs="+", choices=("bf16", "f16"), default=["bf16", "f16"], help="checkpoint dtype(s)"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--workdir", type=Path, default=None, help="where temp files go (default: system temp)"
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="convert-bench-", dir=args.workdir))
    try:
        rows = [row for dtype in args.dtype for row in measure(work, dtype, args.layers, args.rounds)]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print(
        "| checkpoint | --outtype | kernel copy | read/write copy | convert | ratio to kernel copy "
        "| ratio to read/write copy | peak RSS | RSS budget (25% + largest) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
