"""Cheap checks on a model file before llama.cpp sees it, and plain words when llama.cpp refuses it."""

from __future__ import annotations

from pathlib import Path

from .errors import ModelError, ModelNotFoundError

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
