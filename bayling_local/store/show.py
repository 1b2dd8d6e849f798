"""`show`: what a GGUF holds, read from its header with the `gguf` package (no model is loaded)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ModelError
from ..gguf_check import check_gguf_file


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


def human_count(n: float) -> str:
    """1234567 -> 1.23M; 8.03e9 -> 8.03B."""
    for unit, scale in (("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if n >= scale:
            return f"{n / scale:.2f}{unit}"
    return str(int(n))


def human_bytes(n: float) -> str:
    """Bytes in B, KB, MB or GB (powers of 1000, as disk tools show them)."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{int(n)} B"


def format_info(info: GGUFInfo, manifest: dict[str, Any] | None = None, template: bool = True) -> str:
    """The text `show` prints: one `key: value` per line, the chat template last."""
    manifest = manifest or {}
    source = manifest.get("source") or {}
    origin = source.get("repo") or source.get("path")
    revision = (source.get("revision") or "")[:12]
    rows = [
        ("file", str(info.path)),
        ("size", human_bytes(info.size)),
        ("architecture", info.architecture or "unknown"),
        ("name", info.model_name or "-"),
        ("parameters", human_count(info.parameters)),
        ("context length", str(info.context_length or "unknown")),
        ("quantization", manifest.get("quantization") or info.file_type or "unknown"),
        ("file type", info.file_type or "unknown"),
        ("tensor types", ", ".join(f"{k} x{v}" for k, v in info.tensor_types.items())),
        ("vocabulary", str(info.vocab_size or "unknown")),
        ("prompt format", manifest.get("template") or "from the GGUF"),
    ]
    if origin:
        rows.append(("source", f"{origin}@{revision}" if revision else origin))
    if manifest.get("sha256"):
        rows.append(("sha256", manifest["sha256"]))
    if manifest.get("created"):
        rows.append(("added", manifest["created"]))
    width = max(len(k) for k, _ in rows)
    lines = [f"{key.ljust(width)}  {value}" for key, value in rows]
    if template:
        lines.append("chat template:" if info.chat_template else "chat template: none")
        if info.chat_template:
            lines.extend("  " + line for line in info.chat_template.splitlines())
    return "\n".join(lines)
