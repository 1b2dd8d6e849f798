"""Fixtures for the model store: a fake Hub on 127.0.0.1 with tiny repositories, and a private HF cache.

Nothing here can reach the real Hub: HF_ENDPOINT always points at 127.0.0.1 and HF_HOME at a temp folder.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from serve_fake_hub import TINY, TINY_GGUF, FakeHub, tiny_gguf_files, tiny_llama_files  # noqa: E402


@pytest.fixture(autouse=True)
def hf_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private Hugging Face cache, offline mode off, and an endpoint no real Hub answers on."""
    hf_home = tmp_path / "hf_home"
    monkeypatch.setenv("HF_HOME", str(hf_home))
    for name in ("HF_HUB_CACHE", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # discard port: refused at once
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    return hf_home / "hub"


@pytest.fixture(scope="session")
def checkpoint_files() -> dict[str, bytes]:
    return tiny_llama_files()


@pytest.fixture(scope="session")
def gguf_repo_files(
    tmp_path_factory: pytest.TempPathFactory, checkpoint_files: dict[str, bytes]
) -> dict[str, bytes]:
    return tiny_gguf_files(tmp_path_factory.mktemp("gguf_repo"), checkpoint_files)


@pytest.fixture
def hub(
    monkeypatch: pytest.MonkeyPatch, checkpoint_files: dict[str, bytes], gguf_repo_files: dict[str, bytes]
) -> Iterator[FakeHub]:
    """A running fake Hub serving the tiny safetensors repo and the tiny GGUF repo; HF_ENDPOINT points at it."""
    fake = FakeHub()
    fake.add(TINY, dict(checkpoint_files))
    fake.add(TINY_GGUF, dict(gguf_repo_files))
    with fake:
        monkeypatch.setenv("HF_ENDPOINT", fake.url)
        yield fake
