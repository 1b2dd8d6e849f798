"""The GGUF header reader: cheap checks before llama.cpp sees a file, what its header holds (`show`), and plain
words when llama.cpp refuses it. Reads the header with the `gguf` package; no model is loaded."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ModelError, ModelNotFoundError

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


def read_architecture(path: Path) -> str | None:
    """The `general.architecture` of a GGUF, or None if the header cannot be parsed."""
    try:
        from gguf import GGUFReader

        reader = GGUFReader(str(path), "r")
        field = reader.get_field("general.architecture")
        return None if field is None else str(field.contents())
    except Exception:  # noqa: BLE001 - any parse failure means "damaged", which the caller reports
        return None


def describe_load_failure(path: Path, error: Exception) -> str:
    """One line saying why llama.cpp could not load `path`, and what to do."""
    architecture = read_architecture(path)
    if architecture is None:
        return (
            f"{path} is a damaged or truncated GGUF file (its header or tensor table cannot be read); "
            "download or convert it again"
        )
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


def _field(reader: Any, key: str) -> Any:
    item = reader.get_field(key)
    if item is None:
        return None
    try:
        return item.contents()
    except Exception:  # noqa: BLE001 - an odd value type is shown as unknown, not a crash
        return None


def read_info(path: Path) -> GGUFInfo:
    """Read `path`'s header; ModelError when it is not a readable GGUF."""
    check_gguf_file(path)
    from gguf import GGUFReader, LlamaFileType

    try:
        reader = GGUFReader(str(path), "r")
    except Exception as exc:  # noqa: BLE001 - any parse failure means a damaged file
        raise ModelError(f"{path} is a damaged GGUF ({exc}); download or convert it again") from None
    arch = _field(reader, "general.architecture")
    file_type = _field(reader, "general.file_type")
    try:
        type_name = (
            LlamaFileType(int(file_type)).name.removeprefix("MOSTLY_") if file_type is not None else None
        )
    except ValueError:
        type_name = str(file_type)
    tokens = reader.get_field("tokenizer.ggml.tokens")
    return GGUFInfo(
        path=path,
        size=path.stat().st_size,
        architecture=arch,
        model_name=_field(reader, "general.name"),
        parameters=sum(int(t.n_elements) for t in reader.tensors),
        tensor_count=len(reader.tensors),
        context_length=_field(reader, f"{arch}.context_length") if arch else None,
        file_type=type_name,
        tensor_types=dict(Counter(t.tensor_type.name for t in reader.tensors).most_common()),
        chat_template=_field(reader, "tokenizer.chat_template"),
        vocab_size=len(tokens.data) if tokens is not None else None,
    )
