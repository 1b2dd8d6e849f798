"""Each format through the whole document job with a deterministic stand-in translator: the output is the
input with exactly the translatable spans replaced (golden files written from the samples and checked by
hand), and re-parsed with the format's own library it has the same structure."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bayling_local.config import GenerationConfig
from bayling_local.engine.requests import Request
from bayling_local.language.names import resolve_language
from bayling_local.runs.documents import DocumentJob, run_document_job
from bayling_local.runs.setup import TranslationSettings
from documents.conftest import SAMPLES
from documents.flip import FlipEngine


def _translate(source: Path, tmp_path: Path, **extra: object) -> tuple[bytes, list[str]]:
    output = tmp_path / ("out" + source.suffix)
    notices: list[str] = []
    generation = extra.pop("generation", GenerationConfig(max_retries=0))
    settings = TranslationSettings(
        resolve_language("fra_Latn"),
        resolve_language("eng_Latn"),
        generation=generation,  # type: ignore[arg-type]
    )
    job = DocumentJob(
        input=source,
        settings=settings,
        output=output,
        notify=notices.append,
        **extra,  # type: ignore[arg-type]
    )
    run_document_job(job, lambda _text: None, lambda _data: None)
    return output.read_bytes(), notices


@pytest.mark.parametrize("name", ["guide.md", "page.html", "show.srt", "show.vtt"])
def test_output_is_the_input_with_only_the_text_replaced(
    name: str, tmp_path: Path, flip_engine: FlipEngine
) -> None:
    source = SAMPLES / name
    out, _ = _translate(source, tmp_path)
    golden = SAMPLES / f"{source.stem}.flipped{source.suffix}"
    assert out.decode() == golden.read_text(encoding="utf-8")


def _markdown_structure(text: str) -> list[tuple[str, str, tuple[tuple[str, object], ...]]]:
    from bayling_local.documents.markdown import _parser

    tokens = _parser().parse(text, {})
    out = []
    for token in tokens:
        kept = token.content if token.type in ("fence", "code_block", "html_block", "math_block") else ""
        out.append((token.type, kept, tuple(sorted(token.attrs.items()))))
        for child in token.children or []:
            kept = child.content if child.type in ("code_inline", "html_inline", "math_inline") else ""
            attrs = {k: v for k, v in child.attrs.items() if k != "title" or child.type != "link_open"}
            out.append((child.type, kept, tuple(sorted(attrs.items()))))
    return out


def test_markdown_keeps_every_block_link_and_code(tmp_path: Path, flip_engine: FlipEngine) -> None:
    source = SAMPLES / "guide.md"
    out, _ = _translate(source, tmp_path)
    assert _markdown_structure(out.decode()) == _markdown_structure(source.read_text())
    assert "tags: [pump, manual]" in out.decode() and "pump --start --speed 3" in out.decode()
    assert not any("pump" in s and "--start" not in s for s in flip_engine.sources if "images/" in s)


def _html_tree(data: bytes) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    import lxml.html

    root = lxml.html.document_fromstring(data)
    translated = {"alt", "title", "placeholder", "aria-label", "lang"}
    return [
        (element.tag, tuple((k, v) for k, v in element.attrib.items() if k not in translated))
        for element in root.iter()
        if isinstance(element.tag, str)
    ]


def test_html_has_the_same_element_tree_and_skips_code(tmp_path: Path, flip_engine: FlipEngine) -> None:
    source = SAMPLES / "page.html"
    out, _ = _translate(source, tmp_path)
    assert _html_tree(out) == _html_tree(source.read_bytes())
    text = out.decode()
    assert '<html lang="fr">' in text and 'var greeting = "Hello there"' in text and "PumpCo Ultra" in text
    assert not any("Hello there" in s or "keep" in s for s in flip_engine.sources)


def test_html_structure_survives_a_model_that_drops_markers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = FlipEngine(drop_markers=True)
    monkeypatch.setattr("bayling_local.store.opening.open_engine", lambda *a, **k: engine)
    source = SAMPLES / "page.html"
    out, notices = _translate(source, tmp_path)
    assert _html_tree(out) == _html_tree(source.read_bytes())
    assert "<b>DER</b>" in out.decode()  # the run between the markers, translated alone
    assert any("translated between their markers" in n for n in notices)


def test_subtitles_keep_cues_timings_and_settings(tmp_path: Path, flip_engine: FlipEngine) -> None:
    import srt
    import webvtt

    out, _ = _translate(SAMPLES / "show.srt", tmp_path)
    before, after = list(srt.parse((SAMPLES / "show.srt").read_text())), list(srt.parse(out.decode()))
    assert [(c.index, c.start, c.end) for c in after] == [(c.index, c.start, c.end) for c in before]
    assert [c.content.count("\n") for c in after] == [c.content.count("\n") for c in before]
    # "Today we talk about / the new water pump." is one sentence over cues 2 and 3: translated once
    assert "<m1/>Today we talk about the new water pump." in flip_engine.sources
    vtt_out, _ = _translate(SAMPLES / "show.vtt", tmp_path)
    cues = webvtt.from_string(vtt_out.decode()).captions
    assert [(c.start, c.end, c.identifier) for c in cues] == [
        ("00:00:01.000", "00:00:03.000", "intro"),
        ("00:00:03.500", "00:00:05.000", None),
        ("00:00:05.000", "00:00:07.000", None),
    ]
    assert "align:start position:10%" in vtt_out.decode() and "<v Anna>" in vtt_out.decode()


def test_a_long_one_line_cue_becomes_two_lines_never_three(tmp_path: Path, flip_engine: FlipEngine) -> None:
    source = tmp_path / "long.srt"
    source.write_text(
        "1\n00:00:01,000 --> 00:00:04,000\n" + "This subtitle line is far too long for one row on a screen.\n"
    )
    out, _ = _translate(source, tmp_path)
    lines = out.decode().splitlines()[2:]
    assert len(lines) == 2 and all(len(line) <= 42 for line in lines)


def _make_docx(path: Path) -> None:
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    document.add_heading("Pump manual", level=1)
    paragraph = document.add_paragraph("Press the ")
    paragraph.add_run("red").bold = True
    paragraph.add_run(" button, then read ")
    rel = document.part.relate_to(
        "https://example.com/help",
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink",
        is_external=True,
    )
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "the help page"
    run.append(text)
    link.append(run)
    paragraph._p.append(link)
    paragraph.add_run(" for details.")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Small valve"
    table.cell(0, 1).text = "12"
    document.sections[0].header.paragraphs[0].text = "Company confidential"
    document.save(str(path))


def test_docx_keeps_bold_links_tables_and_headers(tmp_path: Path, flip_engine: FlipEngine) -> None:
    import docx

    source = tmp_path / "manual.docx"
    _make_docx(source)
    out, _ = _translate(source, tmp_path)
    (tmp_path / "check.docx").write_bytes(out)
    translated = docx.Document(str(tmp_path / "check.docx"))
    heading, body = translated.paragraphs[0], translated.paragraphs[1]
    assert heading.text == "PMUP LAUNAM" and heading.style.name == "Heading 1"
    assert [(run.text, bool(run.bold)) for run in body.runs] == [
        ("SSERP EHT ", False),
        ("DER", True),
        (" NOTTUB, NEHT DAER ", False),
        (" ROF SLIATED.", False),
    ]
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    links = body._p.findall(f".//{w}hyperlink")
    assert len(links) == 1 and "".join(t.text for t in links[0].iter(f"{w}t")) == "EHT PLEH EGAP"
    rel = links[0].get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
    assert translated.part.rels[rel].target_ref == "https://example.com/help"
    assert (
        translated.tables[0].cell(0, 0).text == "LLAMS EVLAV" and translated.tables[0].cell(0, 1).text == "12"
    )
    assert translated.sections[0].header.paragraphs[0].text == "YNAPMOC LAITNEDIFNOC"


def test_report_and_json_records_name_file_format_and_place(tmp_path: Path, flip_engine: FlipEngine) -> None:
    report = tmp_path / "report.jsonl"
    _translate(SAMPLES / "show.srt", tmp_path, report=report)
    records = [json.loads(line) for line in report.read_text().splitlines()]
    assert [r["location"] for r in records] == ["cue 1", "cues 2-3", "cue 4"]
    assert records[0]["format"] == "srt" and records[0]["file"].endswith("show.srt")
    assert records[1]["source"] == "<m1/>Today we talk about the new water pump."


def test_same_source_and_target_copies_the_text(tmp_path: Path, flip_engine: FlipEngine) -> None:
    source = tmp_path / "same.md"
    shutil.copy(SAMPLES / "guide.md", source)
    english = resolve_language("en")
    job = DocumentJob(
        input=source, settings=TranslationSettings(english, english), output=tmp_path / "same.out.md",
        notify=lambda _l: None,
    )  # fmt: skip
    run_document_job(job, lambda _t: None, lambda _d: None)
    assert (tmp_path / "same.out.md").read_bytes() == source.read_bytes()


class _PromptSpy(FlipEngine):
    def __init__(self) -> None:
        super().__init__()
        self.prompts: list[str] = []  # type: ignore[assignment]

    def reply(self, prompt: str, request: Request) -> str:
        self.prompts.append(prompt)
        return super().reply(prompt, request)


def test_context_shows_the_documents_earlier_segments_and_their_translations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = _PromptSpy()
    monkeypatch.setattr("bayling_local.store.opening.open_engine", lambda *a, **k: engine)
    source = tmp_path / "story.md"
    source.write_text("# The pump\n\nIt starts slowly.\n\nThen it runs fast.\n")
    out, _ = _translate(source, tmp_path, generation=GenerationConfig(max_retries=0, context=1))
    assert out.decode() == "# EHT PMUP\n\nTI STRATS YLWOLS.\n\nNEHT TI SNUR TSAF.\n"
    last = engine.prompts[-1]
    # one earlier segment (context 1), as the last example before the line asked for
    assert last.endswith(
        "English: It starts slowly.\nFrench: TI STRATS YLWOLS.\nEnglish: Then it runs fast.\nFrench:"
    )
    assert "The pump" not in last
    assert engine.prompts[1].endswith(
        "English: The pump\nFrench: EHT PMUP\nEnglish: It starts slowly.\nFrench:"
    )
