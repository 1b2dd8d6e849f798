"""Software localization files, by format: which reader takes which."""

from __future__ import annotations

from pathlib import Path

from .strings import StringsDocument


def read_localization(
    data: bytes, path: Path | None, name: str, overwrite: bool, fuzzy: bool
) -> StringsDocument:
    if name == "po":
        from .po import read_po

        return read_po(data, path, overwrite, fuzzy)
    if name == "xliff":
        from .xliff import read_xliff

        return read_xliff(data, path, overwrite)
    from .resources import read_resource

    return read_resource(data, path, name)
