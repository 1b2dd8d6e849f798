"""Reading segments from text, stdin or files, and writing them back, line for line."""

from __future__ import annotations

import codecs
from pathlib import Path

from .errors import InputError


def split_lines(text: str) -> list[str]:
    """One segment per line; blank lines stay; a final newline does not add an empty segment."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.endswith("\n"):
        text = text[:-1]
    return text.split("\n")


def decode_utf8(data: bytes, origin: str) -> str:
    """Decode UTF-8 (a BOM is allowed), or UTF-16 that starts with its byte-order mark (what Windows
    Notepad writes as "Unicode"), or say which line is broken."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"{origin} starts as UTF-16 but breaks off at byte {exc.start}") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"line {line} of {origin} is not valid UTF-8 (byte {exc.start}); save the file as UTF-8 and retry"
        ) from exc


def read_input_file(path: Path) -> list[str]:
    """Segments of a plain-text file, checked for existence, UTF-8 and emptiness."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(f"input file {path} does not exist") from exc
    except IsADirectoryError as exc:
        raise InputError(f"{path} is a folder; give a plain-text file with one segment per line") from exc
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from exc
    return checked_lines(decode_utf8(data, str(path)), str(path))


def checked_lines(text: str, origin: str) -> list[str]:
    """Split into lines, refusing input that has nothing to translate."""
    if not text.strip():
        raise InputError(f"{origin} is empty; give some text")
    return split_lines(text)
