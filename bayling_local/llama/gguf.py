"""The GGUF header reader: cheap checks before llama.cpp loads a file (is it a GGUF, is it whole), what its
header holds (`show`, `import`), and plain words when llama.cpp refuses it. No tensor data is read."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ModelError, ModelNotFoundError
from .gguf_header import ARCH_CONTEXT_LENGTH, Header, read_header

GGUF_MAGIC = b"GGUF"


def check_gguf_file(path: Path) -> None:
    """Raise a ModelError that names the problem unless `path` starts like a GGUF file."""
    if not path.exists():
        raise ModelNotFoundError(
            f"model file {path} does not exist; check the path or see `bayling-local models`"
        )
    if not path.is_file():
        raise ModelError(f"{path} is not a file; give the path of a .gguf model file")
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise ModelError(f"cannot read {path}: {exc.strerror}") from exc
    if len(head) < 8 or head[:4] != GGUF_MAGIC:
        raise ModelError(
            f"{path} is not a GGUF model file; convert a Hugging Face checkpoint with `bayling-local convert` "
            "or download a .gguf file"
        )


def check_complete(path: Path) -> None:
    """Raise a ModelError naming the shortfall when the header promises more tensor data than the file has,
    before llama.cpp reads (and misreads) any of it."""
    _whole_header(path, (), (), ())


def _whole_header(
    path: Path, strings: tuple[str, ...], numbers: tuple[str, ...], arrays: tuple[str, ...]
) -> Header:
    """`read_header`, or a ModelError when the header cannot be read or the file is shorter than it says."""
    header = read_header(path, strings, numbers, arrays)
    size = path.stat().st_size
    if header is None:
        raise ModelError(
            f"{path} is a damaged GGUF file (llama.cpp cannot read its header or tensor table); "
            "download or convert it again"
        )
    if header.data_end > size:
        raise ModelError(
            f"{path} is a damaged or truncated GGUF (expected {header.data_end} bytes, file has {size}); "
            "download or convert it again"
        )
    return header


def describe_load_failure(path: Path, error: Exception) -> str:
    """One line saying why llama.cpp could not load `path`, and what to do."""
    header = read_header(path, ("general.architecture",), (), ())
    if header is None or header.data_end > path.stat().st_size:
        return (
            f"{path} is a damaged or truncated GGUF file (its header or tensor table cannot be read); "
            "download or convert it again"
        )
    architecture = header.strings.get("general.architecture")
    return (
        f"llama.cpp could not load {path} (architecture {architecture!r}): the architecture is not supported by "
        "this llama.cpp build or the file's data is truncated; update llama-cpp-python or re-create the file "
        "(run with --verbose to see llama.cpp's own log)"
    )


@dataclass
class GGUFInfo:
    """Facts from a GGUF header."""

    path: Path
    """The file."""
    size: int
    """File size in bytes."""
    architecture: str | None
    """`general.architecture` (llama, gemma3, ...)."""
    model_name: str | None
    """`general.name`."""
    parameters: int
    """Number of weights (sum of the tensors' elements)."""
    tensor_count: int
    """Number of tensors."""
    context_length: int | None
    """Training context length (`<arch>.context_length`)."""
    file_type: str | None
    """`general.file_type` as llama.cpp names it (Q4_K_M, F16, ...)."""
    tensor_types: dict[str, int] = field(default_factory=dict)
    """How many tensors of each type (Q4_K: 120, F32: 65, ...)."""
    chat_template: str | None = None
    """`tokenizer.chat_template`, if embedded."""
    vocab_size: int | None = None
    """Number of tokens."""


def read_info(path: Path) -> GGUFInfo:
    """Read `path`'s header (no tensor data); ModelError when it is not a whole, readable GGUF."""
    from gguf import GGMLQuantizationType, LlamaFileType

    check_gguf_file(path)
    header = _whole_header(
        path,
        ("general.architecture", "general.name", "tokenizer.chat_template"),
        ("general.file_type", ARCH_CONTEXT_LENGTH),
        ("tokenizer.ggml.tokens",),
    )
    arch = header.strings.get("general.architecture")
    file_type = header.numbers.get("general.file_type")
    try:
        type_name = LlamaFileType(file_type).name.removeprefix("MOSTLY_") if file_type is not None else None
    except ValueError:
        type_name = str(file_type)
    kinds = Counter(_type_name(GGMLQuantizationType, kind) for kind in header.tensor_types)
    return GGUFInfo(
        path=path,
        size=path.stat().st_size,
        architecture=arch,
        model_name=header.strings.get("general.name"),
        parameters=sum(header.tensor_elements),
        tensor_count=len(header.tensor_types),
        context_length=header.numbers.get(ARCH_CONTEXT_LENGTH),
        file_type=type_name,
        tensor_types=dict(kinds.most_common()),
        chat_template=header.strings.get("tokenizer.chat_template"),
        vocab_size=header.array_lengths.get("tokenizer.ggml.tokens"),
    )


def _type_name(types: Any, kind: int) -> str:
    try:
        return str(types(kind).name)
    except ValueError:
        return str(kind)


def kv_bytes_per_cell(path: Path) -> int | None:
    """Bytes one KV cache cell takes for this model (f16 keys and values over all layers), from the header;
    None when the header lacks the attention sizes."""
    arch = _whole_header(path, ("general.architecture",), (), ()).strings.get("general.architecture")
    if not arch:
        return None
    keys = ("block_count", "embedding_length", "attention.head_count", "attention.head_count_kv")
    sizes = ("attention.key_length", "attention.value_length")
    numbers = _whole_header(path, (), tuple(f"{arch}.{k}" for k in keys + sizes), ()).numbers
    layers, width, heads = (numbers.get(f"{arch}.{k}") for k in keys[:3])
    if not (layers and width and heads):
        return None
    kv_heads = numbers.get(f"{arch}.attention.head_count_kv") or heads
    key = numbers.get(f"{arch}.attention.key_length") or width // heads
    value = numbers.get(f"{arch}.attention.value_length") or width // heads
    return layers * kv_heads * (key + value) * 2
