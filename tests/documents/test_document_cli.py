"""`translate -i FILE|DIR` for documents as a user runs it: bad input is one line and exit 2 with no output
file, folders are mirrored with a line per file, DOCX never goes to a terminal."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bayling_local.cli.main import cli
from documents.conftest import SAMPLES
from documents.flip import FlipEngine


def _run(*args: str) -> object:
    return CliRunner().invoke(cli, ["translate", "--to", "fr", "--from", "en", *args])


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("broken.html", b"<html><body><p>Hi <b>there</p></body></html>", "line 1, column 22: broken HTML"),
        (
            "bad.srt",
            b"1\n00:00:01,000 --> 00:00:02,000\nHi\n\n2\n00:00:0x,000 --> 00:00:04,000\nYo\n",
            "line 5",
        ),
        (
            "bad.vtt",
            b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi\n\n00:0x:03.000 --> 00:00:04.000\nYo\n",
            "line 6",
        ),
        ("fake.docx", b"this is not a zip archive", "not a DOCX file"),
        ("front.md", b"---\ntitle: [unclosed\n---\n\nText\n", "front matter is not valid YAML"),
    ],
)
def test_a_malformed_file_is_one_line_exit_2_and_no_output(
    name: str, content: bytes, expected: str, tmp_path: Path, flip_engine: FlipEngine
) -> None:
    source, output = tmp_path / name, tmp_path / ("out-" + name)
    source.write_bytes(content)
    result = _run("-i", str(source), "-o", str(output))
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(source) in lines[0] and expected in lines[0]
    assert not output.exists() and not flip_engine.sources


def test_an_unknown_extension_lists_the_supported_ones(tmp_path: Path) -> None:
    source = tmp_path / "table.csv"
    source.write_text("a,b\n")
    result = _run("-i", str(source))
    assert result.exit_code == 2 and ".md, .markdown, .html" in result.stderr and "--format" in result.stderr


def test_format_overrides_the_extension_and_documents_go_to_stdout(
    tmp_path: Path, flip_engine: FlipEngine
) -> None:
    source = tmp_path / "notes.txt"
    source.write_text("# Title here\n\nSome `code` text.\n")
    result = _run("-i", str(source), "--format", "markdown")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "# ELTIT EREH\n\nEMOS `code` TXET.\n"


def test_docx_refuses_stdout(tmp_path: Path) -> None:
    source = tmp_path / "a.docx"
    shutil.copy(SAMPLES / "guide.md", tmp_path / "x.md")
    import docx

    docx.Document().save(str(source))
    result = _run("-i", str(source))
    assert result.exit_code == 2 and "give -o OUT.docx" in result.stderr


def test_json_prints_records_while_the_document_goes_to_o(tmp_path: Path, flip_engine: FlipEngine) -> None:
    import json

    output = tmp_path / "out.srt"
    result = _run("-i", str(SAMPLES / "show.srt"), "-o", str(output), "--json")
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["location"] for r in records] == ["cue 1", "cues 2-3", "cue 4"] and output.exists()


def _tree(root: Path) -> None:
    (root / "docs" / "deep").mkdir(parents=True)
    shutil.copy(SAMPLES / "guide.md", root / "docs" / "guide.md")
    shutil.copy(SAMPLES / "page.html", root / "docs" / "deep" / "page.html")
    shutil.copy(SAMPLES / "show.srt", root / "show.srt")
    (root / "notes.txt").write_text("First line.\n\nSecond line.\n")
    (root / "data.csv").write_text("a,b\n1,2\n")
    (root / "logo.md").write_bytes(b"\x89PNG\x00\x00binary")
    (root / "docs" / "broken.html").write_text("<div><p>text</span></div>")
    (root / ".hidden.md").write_text("# secret\n")


def test_a_folder_is_mirrored_and_a_broken_file_does_not_stop_the_rest(
    tmp_path: Path, flip_engine: FlipEngine
) -> None:
    source, output = tmp_path / "in", tmp_path / "out"
    _tree(source)
    result = _run("-i", str(source), "-o", str(output), "--copy-other")
    assert result.exit_code == 1
    assert (output / "docs" / "guide.md").read_bytes() == (SAMPLES / "guide.flipped.md").read_bytes()
    assert (output / "docs" / "deep" / "page.html").read_bytes() == (
        SAMPLES / "page.flipped.html"
    ).read_bytes()
    assert (output / "notes.txt").read_text() == "TSRIF ENIL.\n\nDNOCES ENIL.\n"
    assert (output / "data.csv").read_text() == "a,b\n1,2\n"  # copied unchanged
    assert not (output / "docs" / "broken.html").exists() and not (output / "logo.md").exists()
    assert not (output / ".hidden.md").exists()
    err = result.stderr
    assert f"failed: {source / 'docs' / 'broken.html'}" in err and "Unexpected end tag : span" in err
    assert f"skipped: {source / 'logo.md'} (binary file)" in err and "copied: " in err
    assert "Files: 4 translated, 1 copied, 1 skipped, 1 failed." in err
    assert err.strip().splitlines()[-1] == "Error: 1 of 7 file(s) failed (named above)"


def test_a_folder_run_never_overwrites_without_overwrite(tmp_path: Path, flip_engine: FlipEngine) -> None:
    source, output = tmp_path / "in", tmp_path / "out"
    source.mkdir()
    output.mkdir()
    shutil.copy(SAMPLES / "show.srt", source / "show.srt")
    (output / "show.srt").write_text("mine\n")
    result = _run("-i", str(source), "-o", str(output))
    assert result.exit_code == 0 and (output / "show.srt").read_text() == "mine\n"
    assert "output exists (--overwrite replaces it)" in result.stderr
    result = _run("-i", str(source), "-o", str(output), "--overwrite")
    assert (
        result.exit_code == 0
        and (output / "show.srt").read_bytes() == (SAMPLES / "show.flipped.srt").read_bytes()
    )


def test_a_folder_needs_an_output_folder_outside_it(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    assert "give -o DIR" in _run("-i", str(tmp_path / "in")).stderr
    assert "inside" in _run("-i", str(tmp_path / "in"), "-o", str(tmp_path / "in" / "out")).stderr


def test_a_document_with_nothing_to_translate_loads_no_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_a: object, **_k: object) -> None:
        raise AssertionError("the model was loaded")

    monkeypatch.setattr("bayling_local.store.opening.open_engine", refuse)
    source = tmp_path / "code.md"
    source.write_text("```python\nprint('hi')\n```\n\n    indented\n")
    result = _run("-i", str(source), "-o", str(tmp_path / "out.md"))
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out.md").read_bytes() == source.read_bytes()
