"""A fake Hugging Face Hub on 127.0.0.1 serving tiny repositories made on the spot, for tests and by hand.

It implements the part of the Hub API that huggingface_hub 2.x uses to download:
- `GET /api/models/{repo}[/revision/{rev}]` (model info; `?blobs=true` adds sizes, blob ids, LFS sha256);
- `GET /api/models/{repo}/tree/{rev}` (file listing);
- `HEAD|GET /{repo}/resolve/{rev}/{file}`: plain files answer 200 with `ETag` (git blob id) and
  `X-Repo-Commit`; LFS files answer 302 to a "CDN" on another host name (localhost) with `X-Linked-Etag`
  (the sha256) and `X-Linked-Size`, like the real Hub; the CDN honours `Range` (206 + Content-Range).
Faults for tests: `drop_once` (the first GET of a file stops half-way and closes the connection), `stall_once`
(it sends half and hangs, for killing the client mid-file) and `corrupt` (one byte changed, same size).

By hand:  python tests/store/serve_fake_hub.py --port 8765
then:     HF_ENDPOINT=http://127.0.0.1:8765 bayling-local pull some-org/tiny-llama
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

LFS_SUFFIXES = (".safetensors", ".gguf", ".bin", ".model")
TINY = "some-org/tiny-llama"
TINY_GGUF = "some-org/tiny-llama-GGUF"
CORPUS = [
    "Good morning, how are you today?",
    "The cat sits on the mat and looks at the bird.",
    "Bonjour, comment allez-vous ? Je vais bien, merci.",
    "Guten Morgen! Wie geht es dir heute?",
    "Translate this sentence into French, please.",
    "Language models read text one token at a time.",
] * 20


@dataclass
class FakeRepo:
    """A repository at one commit: file path -> bytes."""

    repo_id: str
    files: dict[str, bytes]
    commit: str = ""

    def __post_init__(self) -> None:
        if not self.commit:
            digest = hashlib.sha1(self.repo_id.encode())
            for name in sorted(self.files):
                digest.update(name.encode() + hashlib.sha256(self.files[name]).digest())
            self.commit = digest.hexdigest()

    def is_lfs(self, name: str) -> bool:
        return name.endswith(LFS_SUFFIXES) or len(self.files[name]) > 100_000

    def sibling(self, name: str) -> dict[str, Any]:
        data = self.files[name]
        entry: dict[str, Any] = {"rfilename": name, "size": len(data), "blobId": git_blob_id(data)}
        if self.is_lfs(name):
            entry["lfs"] = {"size": len(data), "sha256": sha256(data), "pointerSize": 134}
        return entry


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def git_blob_id(data: bytes) -> str:
    return hashlib.sha1(f"blob {len(data)}\0".encode() + data).hexdigest()


@dataclass
class FakeHub:
    """The server's state: repositories, injected faults and a log of requests."""

    repos: dict[str, FakeRepo] = field(default_factory=dict)
    drop_once: set[str] = field(default_factory=set)
    """File names whose first GET stops half-way (then the fault is cleared)."""
    corrupt: set[str] = field(default_factory=set)
    """File names served with one byte flipped."""
    stall_once: set[str] = field(default_factory=set)
    """File names whose first GET sends half the file and then hangs (until the hub stops), so a test can
    kill the downloading process mid-file."""
    stopping: threading.Event = field(default_factory=threading.Event)
    tokens: dict[str, str] = field(default_factory=dict)
    """Private repositories: repo id -> the token their API and resolve calls need (`Authorization: Bearer`)."""
    requests: list[tuple[str, str, str | None]] = field(default_factory=list)
    """(method, path, Range header) of every request."""
    port: int = 0
    _server: ThreadingHTTPServer | None = None

    def add(self, repo_id: str, files: dict[str, bytes]) -> FakeRepo:
        repo = FakeRepo(repo_id, files)
        self.repos[repo_id] = repo
        return repo

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, port: int = 0) -> FakeHub:
        hub = self

        class Handler(_Handler):
            state = hub

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def gets(self, name: str, cdn: bool = False) -> list[str | None]:
        """Range headers of the GETs of file `name` (None for a whole-file GET); `cdn`: only those the CDN
        answered (a large file's bytes), not the Hub's redirects to it."""
        return [
            r
            for m, p, r in self.requests
            if m == "GET" and p.endswith("/" + name) and (not cdn or p.startswith("/cdn/"))
        ]


class _Handler(BaseHTTPRequestHandler):
    state: FakeHub
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
        self._route(head=True)

    def do_GET(self) -> None:  # noqa: N802
        self._route(head=False)

    def _route(self, head: bool) -> None:
        path = unquote(urlsplit(self.path).path)
        self.state.requests.append((self.command, path, self.headers.get("Range")))
        if match := re.fullmatch(r"/api/models/([^/]+/[^/]+)(?:/revision/([^/]+))?", path):
            return self._model_info(match[1], match[2] or "main")
        if match := re.fullmatch(r"/api/models/([^/]+/[^/]+)/tree/([^/]+)(?:/.*)?", path):
            return self._tree(match[1])
        if match := re.fullmatch(r"/([^/]+/[^/]+)/resolve/([^/]+)/(.+)", path):
            return self._resolve(match[1], match[2], match[3], head)
        if match := re.fullmatch(r"/cdn/([^/]+/[^/]+)/([0-9a-f]{64})/(.+)", path):
            return self._cdn(match[1], match[3], head)
        self._json({"error": "not found"}, 404)

    def _repo(self, repo_id: str) -> FakeRepo | None:
        repo = self.state.repos.get(repo_id)
        token = self.state.tokens.get(repo_id)
        if token is not None and self.headers.get("Authorization") != f"Bearer {token}":
            repo = None  # like the Hub: a private repo is "not found" without the right token
        if repo is None:
            self._json({"error": "Repository not found"}, 404, {"X-Error-Code": "RepoNotFound"})
        return repo

    def _json(self, payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _model_info(self, repo_id: str, revision: str) -> None:
        if (repo := self._repo(repo_id)) is None:
            return
        if revision not in ("main", repo.commit):
            self._json({"error": "Invalid rev id"}, 404, {"X-Error-Code": "RevisionNotFound"})
            return
        siblings = [repo.sibling(name) for name in sorted(repo.files)]
        self._json(
            {"id": repo_id, "modelId": repo_id, "sha": repo.commit, "private": False, "siblings": siblings}
        )

    def _tree(self, repo_id: str) -> None:
        if (repo := self._repo(repo_id)) is None:
            return
        entries = []
        for name in sorted(repo.files):
            sib = repo.sibling(name)
            entry: dict[str, Any] = {"type": "file", "oid": sib["blobId"], "size": sib["size"], "path": name}
            if "lfs" in sib:
                entry["lfs"] = {"oid": sib["lfs"]["sha256"], "size": sib["size"], "pointerSize": 134}
            entries.append(entry)
        self._json(entries)

    def _resolve(self, repo_id: str, revision: str, name: str, head: bool) -> None:
        if (repo := self._repo(repo_id)) is None:
            return
        if name not in repo.files:
            self._json(
                {"error": "Entry not found"},
                404,
                {"X-Error-Code": "EntryNotFound", "X-Repo-Commit": repo.commit},
            )
            return
        data = repo.files[name]
        if repo.is_lfs(name):
            # Like the Hub: LFS files redirect to a CDN on another host, the metadata rides on the redirect.
            digest = sha256(data)
            self.send_response(302)
            self.send_header("Location", f"http://localhost:{self.state.port}/cdn/{repo_id}/{digest}/{name}")
            self.send_header("X-Repo-Commit", repo.commit)
            self.send_header("X-Linked-Etag", f'"{digest}"')
            self.send_header("X-Linked-Size", str(len(data)))
            self.send_header("ETag", f'"{git_blob_id(data)}"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self._send_bytes(name, data, head, {"ETag": f'"{git_blob_id(data)}"', "X-Repo-Commit": repo.commit})

    def _cdn(self, repo_id: str, name: str, head: bool) -> None:
        repo = self.state.repos.get(repo_id)  # CDN URLs are signed: no token needed
        if repo is None or name not in repo.files:
            self._json({"error": "not found"}, 404)
            return
        self._send_bytes(name, repo.files[name], head, {"ETag": f'"{sha256(repo.files[name])}"'})

    def _send_bytes(self, name: str, data: bytes, head: bool, headers: dict[str, str]) -> None:
        if name in self.state.corrupt:
            data = data[:-1] + bytes([data[-1] ^ 0xFF])
        start = 0
        if match := re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range") or ""):
            start = int(match[1])
        self.send_response(206 if start else 200)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Length", str(len(data) - start))
        if start:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.end_headers()
        if head:
            return
        if name in self.state.stall_once and not start:
            self.state.stall_once.discard(name)
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.state.stopping.wait(60)
            self.close_connection = True
            return
        if name in self.state.drop_once and not start:
            self.state.drop_once.discard(name)
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(2)  # the client sees the body end early, as when a network drops
            return
        self.wfile.write(data[start:])


# --- tiny repositories -------------------------------------------------------------------------------------


def tiny_tokenizer_files() -> dict[str, bytes]:
    """A byte-level BPE tokenizer (Llama-3 style) trained on a few sentences: tokenizer.json and its config."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    special = [
        "<|begin_of_text|>",
        "<|end_of_text|>",
        "<|start_header_id|>",
        "<|end_header_id|>",
        "<|eot_id|>",
    ]
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=320, special_tokens=special, initial_alphabet=pre_tokenizers.ByteLevel.alphabet()
    )
    tok.train_from_iterator(CORPUS, trainer)
    config = {
        "bos_token": "<|begin_of_text|>",
        "eos_token": "<|eot_id|>",
        "pad_token": "<|end_of_text|>",
        "add_bos_token": True,
        "tokenizer_class": "PreTrainedTokenizerFast",
    }
    return {
        "tokenizer.json": tok.to_str().encode(),
        "tokenizer_config.json": json.dumps(config).encode(),
    }


def tiny_llama_files(seed: int = 0) -> dict[str, bytes]:
    """A random 2-layer Llama checkpoint (f16 safetensors) with its tokenizer, made with numpy only."""
    import numpy as np
    from safetensors.numpy import save

    files = tiny_tokenizer_files()
    vocab = json.loads(files["tokenizer.json"])
    n_vocab = max(int(i) for i in vocab["model"]["vocab"].values()) + 1
    n_vocab = max(n_vocab, max(int(t["id"]) for t in vocab["added_tokens"]) + 1)
    hidden, ffn, layers, heads, kv_heads = 64, 128, 2, 4, 2
    head_dim = hidden // heads
    rng = np.random.default_rng(seed)

    def weight(*shape: int) -> Any:
        return (rng.standard_normal(shape) * 0.2).astype(np.float16)

    tensors = {
        "model.embed_tokens.weight": weight(n_vocab, hidden),
        "lm_head.weight": weight(n_vocab, hidden),
    }
    tensors["model.norm.weight"] = np.ones(hidden, dtype=np.float16)
    for i in range(layers):
        p = f"model.layers.{i}."
        tensors[p + "self_attn.q_proj.weight"] = weight(heads * head_dim, hidden)
        tensors[p + "self_attn.k_proj.weight"] = weight(kv_heads * head_dim, hidden)
        tensors[p + "self_attn.v_proj.weight"] = weight(kv_heads * head_dim, hidden)
        tensors[p + "self_attn.o_proj.weight"] = weight(hidden, heads * head_dim)
        tensors[p + "mlp.gate_proj.weight"] = weight(ffn, hidden)
        tensors[p + "mlp.up_proj.weight"] = weight(ffn, hidden)
        tensors[p + "mlp.down_proj.weight"] = weight(hidden, ffn)
        tensors[p + "input_layernorm.weight"] = np.ones(hidden, dtype=np.float16)
        tensors[p + "post_attention_layernorm.weight"] = np.ones(hidden, dtype=np.float16)
    ids = {t["content"]: t["id"] for t in vocab["added_tokens"]}
    config = {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "hidden_size": hidden,
        "intermediate_size": ffn,
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "num_key_value_heads": kv_heads,
        "vocab_size": n_vocab,
        "max_position_embeddings": 512,
        "rms_norm_eps": 1e-5,
        "rope_theta": 10000.0,
        "bos_token_id": ids["<|begin_of_text|>"],
        "eos_token_id": ids["<|eot_id|>"],
        "tie_word_embeddings": False,
        "torch_dtype": "float16",
    }
    files["config.json"] = json.dumps(config, indent=2).encode()
    files["model.safetensors"] = save(tensors, metadata={"format": "pt"})
    files["README.md"] = b"# tiny-llama\nA random 2-layer Llama for tests.\n"
    files["pytorch_model.bin"] = b"not fetched: pickles are never downloaded by a pull"
    return files


def tiny_gguf_files(work: Path, checkpoint: dict[str, bytes]) -> dict[str, bytes]:
    """A GGUF repository: the tiny Llama converted to F16 and Q8_0 (two files, chosen by `:tag`)."""
    from convert.api import ConvertConfig, convert_checkpoint

    src = work / "tiny-llama-src"
    src.mkdir(parents=True, exist_ok=True)
    for name, data in checkpoint.items():
        (src / name).write_bytes(data)
    out: dict[str, bytes] = {"README.md": b"# tiny-llama GGUF\n"}
    for label, quant in (("F16", None), ("Q8_0", "q8_0")):
        target = work / f"tiny-llama.{label}.gguf"
        convert_checkpoint(ConvertConfig(src=src, out=target, quant=quant, force=True, progress=False))
        out[target.name] = target.read_bytes()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--repo", default=TINY, help="id of the safetensors repo")
    parser.add_argument("--gguf-repo", default=TINY_GGUF, help="id of the GGUF repo")
    args = parser.parse_args()
    import tempfile

    hub = FakeHub()
    checkpoint = tiny_llama_files()
    hub.add(args.repo, checkpoint)
    with tempfile.TemporaryDirectory() as work:
        hub.add(args.gguf_repo, tiny_gguf_files(Path(work), checkpoint))
    hub.start(args.port)
    print(f"Fake Hub at {hub.url} serving {args.repo} and {args.gguf_repo}; Ctrl-C stops it.", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        hub.stop()


if __name__ == "__main__":
    main()
