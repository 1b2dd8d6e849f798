"""Session fixtures for the converter tests: every checkpoint, adapter and GGUF is built once per run."""

from __future__ import annotations

from pathlib import Path

import pytest
from convert_builders import convert_quietly, random_lora, save_llama2, save_llama3, test_sentences

from convert.api import ConvertResult


@pytest.fixture(scope="session")
def flores_sentences(flores_dir: Path) -> list[str]:
    """256 unseen FLORES sentences, 8 in each of 32 languages covering 30 scripts."""
    return test_sentences(flores_dir)


@pytest.fixture(scope="session")
def llama2_dir(flores_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_llama2(flores_dir, tmp_path_factory.mktemp("llama2") / "tiny-llama2")


@pytest.fixture(scope="session")
def llama3_dir(flores_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return save_llama3(flores_dir, tmp_path_factory.mktemp("llama3") / "tiny-llama3")


@pytest.fixture(scope="session")
def llama2_f32(llama2_dir: Path) -> ConvertResult:
    return convert_quietly(llama2_dir, llama2_dir.parent / "llama2-f32.gguf", outtype="f32")


@pytest.fixture(scope="session")
def llama3_f32(llama3_dir: Path) -> ConvertResult:
    return convert_quietly(llama3_dir, llama3_dir.parent / "llama3-f32.gguf", outtype="f32")


@pytest.fixture(scope="session")
def llama3_lora_dir(llama3_dir: Path) -> Path:
    """A random adapter using rsLoRA and a per-module rank, so the scaling rules are exercised."""
    return random_lora(
        llama3_dir,
        llama3_dir.parent / "lora-random",
        use_rslora=True,
        lora_alpha=32,
        rank_pattern={"down_proj": 4},
        alpha_pattern={"down_proj": 8},
    )


@pytest.fixture(scope="session")
def gguf_metadata() -> object:
    """Reads a GGUF's key-value metadata as plain Python values."""

    def read(path: Path) -> dict[str, object]:
        import gguf

        reader = gguf.GGUFReader(path)
        skip = {
            "tokenizer.ggml.tokens",
            "tokenizer.ggml.token_type",
            "tokenizer.ggml.merges",
            "tokenizer.ggml.scores",
        }
        return {key: field.contents() for key, field in reader.fields.items() if key not in skip}

    return read
