"""How `show` and `rm` present a GGUF header and sizes (the header itself is read by `llama.gguf`)."""

from __future__ import annotations

from typing import Any

from ..llama.gguf import GGUFInfo, read_info

__all__ = ["GGUFInfo", "detected_format", "format_info", "human_bytes", "human_count", "read_info"]


def detected_format(info: GGUFInfo, recorded: str | None = None) -> str:
    """The prompt format's name bayling-local uses for this file (what `translate` and `chat` would pick)."""
    from ..prompts.formats import ModelFacts, choose_format

    facts = ModelFacts(
        file_name=info.path.name,
        architecture=info.architecture,
        model_name=info.model_name,
        chat_template=info.chat_template,
        vocab_size=info.vocab_size,
    )
    return choose_format(facts, recorded).name


def format_used(info: GGUFInfo, recorded: str | None = None) -> str:
    """`detected_format`, with where it comes from, for `show`."""
    chosen = detected_format(info, recorded)
    how = "recorded in the store" if recorded else "chosen from the GGUF"
    note = ", completion prompts for a base model" if chosen == "fewshot" else ""
    return f"{chosen} ({how}{note})"


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
        ("prompt format", format_used(info, manifest.get("template"))),
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
