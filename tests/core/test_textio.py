"""Input files: one segment a line, blank lines kept, bad bytes named by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from bayling_local.errors import InputError
from bayling_local.textio import read_input_file, split_lines


def test_lines_are_kept_one_for_one() -> None:
    assert split_lines("a\n\nb\n") == ["a", "", "b"]
    assert split_lines("a\r\nb") == ["a", "b"]
    assert split_lines("\n\n") == ["", ""]


def test_invalid_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "in.txt"
    path.write_bytes(b"good\nstill good\nbad \xff byte\n")
    with pytest.raises(InputError, match="line 3 of .*in.txt is not valid UTF-8"):
        read_input_file(path)


def test_empty_and_missing_files_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("\n \n", encoding="utf-8")
    with pytest.raises(InputError, match="empty"):
        read_input_file(empty)
    with pytest.raises(InputError, match="does not exist"):
        read_input_file(tmp_path / "nope.txt")


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffHallo\n".encode())
    assert read_input_file(path) == ["Hallo"]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_utf16_with_its_byte_order_mark_is_read(tmp_path: Path, encoding: str) -> None:
    # What Windows Notepad saves as "Unicode": once "line 1 is not valid UTF-8 (byte 0)".
    path = tmp_path / "notepad.txt"
    text = "Bonjour\r\n你好\r\n"
    data = text.encode(encoding)
    path.write_bytes(data if data.startswith((b"\xff\xfe", b"\xfe\xff")) else b"\xfe\xff" + data)
    assert read_input_file(path) == ["Bonjour", "你好"]
