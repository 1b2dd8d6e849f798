"""Inputs that broke an early version: each format's corner cases, rendered with the stand-in translator."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bayling_local.documents.formats import read_document
from bayling_local.language.names import resolve_language
from bayling_local.translation.markers import markers_intact
from documents.flip import flip

FRENCH = resolve_language("fr")


def _flipped(data: bytes, name: str) -> bytes:
    document = read_document(data, Path("x"), name)
    return document.output([flip(segment.text) for segment in document.segments], FRENCH)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # a table cell's escaped pipe stays escaped, and the next cell is its own
        (
            "| Save \\| Load | Save |\n|---|---|\n| x `a\\|b` | y |\n",
            "| EVAS \\| DAOL | EVAS |\n|---|---|\n| X `a\\|b` | Y |\n",
        ),
        # a continuation line keeps its own indentation
        ("- item text\n    continued here\n", "- METI TXET\n    DEUNITNOC EREH\n"),
        # money is not math
        ("costs $5 and $10 each, math $x^2$ ok\n", "STSOC $5 DNA $10 HCAE, HTAM $x^2$ KO\n"),
        # code inside an image's text is kept, its words translated
        ("![a *big* `pump`](i.png)\n", "![A *GIB* `pump`](i.png)\n"),
        # a multi-line front-matter title becomes one quoted line
        ('---\ntitle: "A long\n  title"\n---\nBody.\n', '---\ntitle: "A GNOL ELTIT"\n---\nYDOB.\n'),
        # a UTF-8 byte-order mark is kept
        ("\ufeff# Title\n", "\ufeff# ELTIT\n"),
        ("Hard  \nbreak here\n", "DRAH  \nKAERB EREH\n"),
    ],
)
def test_markdown_corner_cases(source: str, expected: str) -> None:
    assert _flipped(source.encode(), "markdown").decode() == expected


def test_html_corner_cases() -> None:
    xhtml = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml"><body><p>Text here</p></body></html>\n'
    assert _flipped(xhtml.encode(), "html").decode() == xhtml.replace("Text here", "TXET EREH").replace(
        'xhtml">', 'xhtml" lang="fr">'
    )
    assert _flipped(b"<p>Jerry&nbsp;10&nbsp;km</p>", "html").decode() == "<p>YRREJ\xa010\xa0MK</p>"
    inline_svg = '<p>Some <svg><path d="M0"></path></svg> text</p>'
    assert _flipped(inline_svg.encode(), "html").decode() == inline_svg.replace("Some", "EMOS").replace(
        "text", "TXET"
    )
    assert "<!DOCTYPE" not in _flipped(b"<html><body><p>No doctype</p></body></html>", "html").decode()


def test_subtitle_files_keep_their_last_line_and_bom() -> None:
    data = "\ufeff1\r\n00:00:01,000 --> 00:00:02,000\r\nLast cue.".encode()
    assert _flipped(data, "srt") == "\ufeff1\r\n00:00:01,000 --> 00:00:02,000\r\nTSAL EUC.".encode()


def test_marker_like_junk_fails_the_check() -> None:
    assert not markers_intact("a <m1>b</m1> c", "x <m1>y</m1></m1/> z")
    assert not markers_intact("a <m1>b</m1> c", "x <m01>y</m1> z")


def _docx_with(build) -> bytes:  # type: ignore[no-untyped-def]
    import docx

    document = docx.Document()
    build(document)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_runs_with_tabs_breaks_fields_and_insertions() -> None:
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def build(document) -> None:  # type: ignore[no-untyped-def]
        bold = document.add_paragraph().add_run("Chapter one\tIntroduction")
        bold.bold = True
        paragraph = document.add_paragraph("Before ")
        inserted = OxmlElement("w:ins")
        inserted.set(qn("w:id"), "1")
        inserted.set(qn("w:author"), "me")
        run, text = OxmlElement("w:r"), OxmlElement("w:t")
        text.text = "inserted words"
        run.append(text)
        inserted.append(run)
        paragraph._p.append(inserted)
        paragraph.add_run(" after.")
        page = document.add_paragraph("Page ")
        for kind, inner in (
            ("begin", None),
            (None, " PAGE "),
            ("separate", None),
            (None, "1"),
            ("end", None),
        ):
            piece = OxmlElement("w:r")
            if kind:
                mark = OxmlElement("w:fldChar")
                mark.set(qn("w:fldCharType"), kind)
                piece.append(mark)
            else:
                child = OxmlElement("w:instrText" if inner == " PAGE " else "w:t")
                child.text = inner
                piece.append(child)
            page._p.append(piece)
        page.add_run(" of the report.")

    result = docx.Document(io.BytesIO(_flipped(_docx_with(build), "docx")))
    first, second, third = result.paragraphs
    assert [(run.text, run.bold) for run in first.runs] == [
        ("RETPAHC ENO", True),
        ("\t", True),
        ("NOITCUDORTNI", True),
    ]
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    assert "".join(t.text for t in second._p.iter(f"{w}t")) == "EROFEB DETRESNI SDROW RETFA."
    assert second._p.find(f"{w}ins") is not None
    assert third._p.find(f".//{w}instrText").text == " PAGE " and third.text.endswith("1 FO EHT TROPER.")
