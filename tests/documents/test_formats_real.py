"""The real built-in model through real llama.cpp on a small file of each format: whatever the model says,
the structure survives (markers restored or the fallback used, same tree, same cues and timings)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bayling_local.cli import cli
from documents.conftest import SAMPLES
from documents.test_formats_fake import _html_tree, _make_docx, _markdown_structure

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def translated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four samples and a DOCX in one folder run (one model load), into French."""
    source, output = tmp_path_factory.mktemp("in"), tmp_path_factory.mktemp("out") / "fr"
    for name in ("guide.md", "page.html", "show.srt", "show.vtt"):
        shutil.copy(SAMPLES / name, source / name)
    _make_docx(source / "manual.docx")
    # A module fixture runs before the per-test BAYLING_HOME: it gets a home of its own, so the translation
    # memory of other runs can neither answer for the model nor be written to.
    home = tmp_path_factory.mktemp("home")
    result = CliRunner().invoke(
        cli,
        ["translate", "-i", str(source), "-o", str(output), "--to", "fr", "--from", "en", "--ctx", "2048"],
        env={"BAYLING_HOME": str(home)},
    )
    assert result.exit_code == 0, result.stderr
    assert "Files: 5 translated." in result.stderr
    return output


def test_markdown_structure_survives_the_real_model(translated: Path) -> None:
    out = (translated / "guide.md").read_text()
    source = (SAMPLES / "guide.md").read_text()
    assert _markdown_structure(out) == _markdown_structure(source)
    assert "pump --start --speed 3" in out and "[man]: https://example.com/manual" in out


def test_html_tree_survives_the_real_model(translated: Path) -> None:
    out = (translated / "page.html").read_bytes()
    assert _html_tree(out) == _html_tree((SAMPLES / "page.html").read_bytes())


def test_subtitle_cues_and_timings_survive_the_real_model(translated: Path) -> None:
    import srt
    import webvtt

    before = list(srt.parse((SAMPLES / "show.srt").read_text()))
    after = list(srt.parse((translated / "show.srt").read_text()))
    assert [(c.index, c.start, c.end) for c in after] == [(c.index, c.start, c.end) for c in before]
    vtt = webvtt.from_string((translated / "show.vtt").read_text())
    assert [(c.start, c.end) for c in vtt.captions] == [
        ("00:00:01.000", "00:00:03.000"),
        ("00:00:03.500", "00:00:05.000"),
        ("00:00:05.000", "00:00:07.000"),
    ]


def test_docx_survives_the_real_model(translated: Path) -> None:
    import docx

    document = docx.Document(str(translated / "manual.docx"))
    assert document.paragraphs[0].style.name == "Heading 1"
    assert any(run.bold for run in document.paragraphs[1].runs)
    assert len(document.tables) == 1 and document.sections[0].header.paragraphs[0].text
