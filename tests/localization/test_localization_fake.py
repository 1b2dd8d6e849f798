"""Localization files through `translate -i` with the stand-in translator (each word reversed and
upper-cased, placeholders untouched): exact structure, every placeholder kept, plural forms of the target
language, existing translations kept, bad files refused in one line."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from documents.flip import FlipEngine

from bayling_local.cli import cli
from bayling_local.translation.markers import strip_markers

SAMPLES = Path(__file__).parent / "samples"


def translate(tmp_path: Path, name: str, *flags: str, target: str = "pl") -> tuple[Result, Path]:
    output = tmp_path / ("out_" + name.replace(".pot", ".po"))
    source = tmp_path / name
    shutil.copy(SAMPLES / name, source)
    result = CliRunner().invoke(
        cli, ["translate", "-i", str(source), "-o", str(output), "--to", target, "--from", "en", *flags]
    )
    return result, output


def entries(text: str) -> list[str]:
    """A PO file's entries, the header's revision date left out (it is the time of the run)."""
    text = re.sub(r'"PO-Revision-Date: [^"]*"\n', "", text)
    return text.strip().split("\n\n")


def test_a_po_file_gets_polish_plurals_fuzzy_flags_and_keeps_what_is_translated(
    tmp_path: Path, flip_engine: FlipEngine
) -> None:
    result, output = translate(tmp_path, "app.po")
    assert result.exit_code == 0, result.stderr
    assert "app.po: 4 translated, 1 kept, 0 skipped, 0 placeholder failures" in result.stderr
    assert entries(output.read_text(encoding="utf-8")) == [
        "# Polish translations for app.\n"
        'msgid ""\n'
        'msgstr ""\n'
        '"Project-Id-Version: app 1.0\\n"\n'
        '"Last-Translator: bayling-local (fake-model), machine translation\\n"\n'
        '"Language-Team: Polish\\n"\n'
        '"Language: pl\\n"\n'
        '"MIME-Version: 1.0\\n"\n'
        '"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Content-Transfer-Encoding: 8bit\\n"\n'
        '"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"',
        "#. Shown on the main menu\n#. bayling-local: fake-model\n#: src/menu.c:12\n#, fuzzy, c-format\n"
        'msgctxt "menu"\nmsgid "Open %s"\nmsgstr "NEPO %s"',
        "#. bayling-local: fake-model\n#: src/files.c:40\n#, fuzzy, c-format\n"
        'msgid "One file deleted"\nmsgid_plural "%d files deleted"\n'
        'msgstr[0] "ENO ELIF DETELED"\nmsgstr[1] "%d SELIF DETELED"\nmsgstr[2] "%d SELIF DETELED"',
        '#: src/hello.py:3\n#, python-format\nmsgid "Hello %(name)s, welcome back!"\n'
        'msgstr "Witaj %(name)s, miło cię znowu widzieć!"',
        '# Translator: keep it short\n#. bayling-local: fake-model\n#: src/quit.c:7\n#, fuzzy\nmsgid "Quit"\nmsgstr "TIUQ"',
        "#. bayling-local: fake-model\n#: src/progress.c:9\n#, fuzzy, c-format\n"
        'msgid "%1$s of %2$s done (%3$d%%)"\nmsgstr "%1$s FO %2$s ENOD (%3$d%%)"',
        '#~ msgid "Old string"\n#~ msgstr "Stary napis"',
    ]
    # Each plural form was asked for with a number of its own form, so a language can inflect.
    assert {"2 files deleted", "5 files deleted"} <= set(flip_engine.sources)


def test_a_pot_becomes_a_po_with_babels_plural_forms_and_no_fuzzy_when_asked(
    tmp_path: Path, flip_engine: FlipEngine
) -> None:
    import polib

    result, output = translate(tmp_path, "app.pot", "--no-fuzzy")
    assert result.exit_code == 0, result.stderr
    po = polib.pofile(output.read_text(encoding="utf-8"))
    assert po.metadata["Language"] == "pl"
    assert po.metadata["Plural-Forms"] == (
        "nplurals=3; plural=n == 1 ? 0 : n % 10 >= 2 && n % 10 <= 4 && (n % 100 < 12 || n % 100 > 14) ? 1 : 2;"
    )
    plural = po.find("%d day left")
    assert plural is not None and plural.msgstr_plural == {
        0: "%d YAD TFEL",
        1: "%d SYAD TFEL",
        2: "%d SYAD TFEL",
    }
    assert all("fuzzy" not in entry.flags for entry in po)
    french, _ = translate(tmp_path, "app.pot", target="fr")
    assert "nplurals=3" in (tmp_path / "out_app.po").read_text()  # Babel's CLDR rule: French `many`
    assert french.exit_code == 0


def test_overwrite_translates_entries_that_already_have_a_translation(
    tmp_path: Path, flip_engine: FlipEngine
) -> None:
    import polib

    result, output = translate(tmp_path, "app.po", "--overwrite")
    assert result.exit_code == 0, result.stderr
    entry = polib.pofile(output.read_text(encoding="utf-8")).find("Hello %(name)s, welcome back!")
    assert entry is not None and entry.msgstr == "OLLEH %(name)s, EMOCLEW KCAB!" and "fuzzy" in entry.flags


def test_po_context_and_comments_reach_the_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from glossary.terms_fake import TermEngine

    engine = TermEngine("never")
    monkeypatch.setattr("bayling_local.store.opening.open_engine", lambda *a, **k: engine)
    result, _output = translate(tmp_path, "app.po")
    assert result.exit_code == 0, result.stderr
    prompt = next(p for p in engine.prompts if p.endswith("Open <m1/>\nPolish:"))
    assert "Note (not to translate): context: menu; Shown on the main menu\n" in prompt
    assert any("Note (not to translate): Translator: keep it short" in p for p in engine.prompts)
    result, _output = translate(tmp_path, "app12.xlf")
    assert any("Note (not to translate): Shown at login\n" in p for p in engine.prompts)


def test_xliff_12_gets_targets_for_review_with_its_inline_codes(
    tmp_path: Path, flip_engine: FlipEngine
) -> None:
    result, output = translate(tmp_path, "app12.xlf")
    assert result.exit_code == 0, result.stderr
    assert "app12.xlf: 1 translated, 1 kept, 0 skipped, 0 placeholder failures" in result.stderr
    expected = (SAMPLES / "app12.xlf").read_text()
    expected = expected.replace(
        'original="app.properties">', 'original="app.properties" target-language="pl">'
    ).replace(
        '<x id="2"/></source>\n',
        '<x id="2"/></source>\n        <target state="needs-review-translation">OLLEH <g id="1">RAED</g> RESU, '
        'UOY EVAH %d SEGASSEM.<x id="2"/></target>\n',
    )
    # lxml writes the namespace declaration first; everything else is as it was, the trailing newline too.
    expected = expected.replace(
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">',
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">',
    )
    assert output.read_text() == expected


def test_xliff_20_targets_and_segment_state(tmp_path: Path, flip_engine: FlipEngine) -> None:
    result, output = translate(tmp_path, "app20.xlf")
    assert result.exit_code == 0, result.stderr
    text = output.read_text()
    assert 'srcLang="en" trgLang="pl"' in text
    assert (
        '<segment state="translated">\n        <source>Click <pc id="1">here</pc> to open {file}.<ph id="2"/></source>\n'
        '        <target>KCILC <pc id="1">EREH</pc> OT NEPO {file}.<ph id="2"/></target>\n      </segment>'
    ) in text
    assert "<target>EYBDOOG</target>" in text


def test_i18next_json_keeps_its_layout_and_gets_polish_plural_keys(
    tmp_path: Path, flip_engine: FlipEngine
) -> None:
    result, output = translate(tmp_path, "en.json")
    assert result.exit_code == 0, result.stderr
    assert output.read_text() == (
        "{\n"
        '  "home": {\n'
        '    "title": "EMOCLEW, {{name}}!",\n'
        '    "items_one": "{{count}} METI",\n'
        '    "items_few": "{{count}} SMETI",\n'
        '    "items_many": "{{count}} SMETI",\n'
        '    "items_other": "{{count}} SMETI",\n'
        '    "empty": ""\n'
        "  },\n"
        '  "version": 3,\n'
        '  "buttons": ["EVAS", "LECNAC"],\n'
        '  "nested": {"deep": {"link": "DAER <1>EHT EDIUG</1>."}}\n'
        "}\n"
    )


def test_arb_metadata_is_untouched_the_locale_set_and_icu_plurals_get_polish_categories(
    tmp_path: Path, flip_engine: FlipEngine
) -> None:
    result, output = translate(tmp_path, "app_en.arb")
    assert result.exit_code == 0, result.stderr
    before, after = json.loads((SAMPLES / "app_en.arb").read_text()), json.loads(output.read_text())
    assert after["@@locale"] == "pl"
    assert {k: v for k, v in after.items() if k.startswith("@") and k != "@@locale"} == {
        k: v for k, v in before.items() if k.startswith("@") and k != "@@locale"
    }
    assert after["hello"] == "OLLEH {name}"
    assert after["files"] == (
        "{count, plural, =0 {ON SELIF} one {ENO ELIF} few {{count} SELIF} many {{count} SELIF} other {{count} SELIF}}"
    )


def test_rails_yaml_renames_the_locale_and_keeps_comments_and_quotes(
    tmp_path: Path, flip_engine: FlipEngine
) -> None:
    result, output = translate(tmp_path, "en.yml")
    assert result.exit_code == 0, result.stderr
    assert output.read_text() == (
        "# Rails locale\n"
        "pl:\n"
        '  greeting: "OLLEH %{name}"\n'
        "  messages:\n"
        '    one: "%{count} EGASSEM"\n'
        '    few: "%{count} SEGASSEM"\n'
        '    many: "%{count} SEGASSEM"\n'
        '    other: "%{count} SEGASSEM"\n'
        "  farewell: EYBDOOG\n"
    )


def test_a_model_that_drops_placeholders_is_mended_between_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import polib

    engine = FlipEngine(drop_markers=True)
    monkeypatch.setattr("bayling_local.store.opening.open_engine", lambda *a, **k: engine)
    result, output = translate(tmp_path, "app.po")
    assert result.exit_code == 0, result.stderr
    po = polib.pofile(output.read_text(encoding="utf-8"))
    assert po.find("Open %s", msgctxt="menu").msgstr == "NEPO %s"  # translated around the placeholder
    assert "translated between their markers" in result.stderr


def test_strings_whose_placeholders_cannot_be_kept_stay_untranslated_and_are_named() -> None:
    import polib

    from bayling_local.documents.formats import read_document
    from bayling_local.language.names import BY_CODE

    polish = BY_CODE["pol_Latn"]
    document = read_document((SAMPLES / "app.po").read_bytes(), Path("app.po"), "po")
    document.prepare(polish)
    broken = [strip_markers(segment.text) + " ?" for segment in document.segments]  # every marker lost
    po = polib.pofile(document.output(broken, polish).decode())
    assert po.find("Open %s", msgctxt="menu").msgstr == ""  # left for a translator
    assert po.find("Quit").msgstr == "Quit ?"  # nothing to lose: used
    assert (
        document.summary() == "2 translated, 1 kept, 0 skipped, 2 placeholder failures"
    )  # plurals: by number
    assert document.failures[0] == "line 9 (menu): '%s' not kept"
    resource = read_document((SAMPLES / "en.json").read_bytes(), Path("en.json"), "json")
    resource.prepare(polish)
    out = json.loads(resource.output([strip_markers(s.text) for s in resource.segments], polish))
    assert out["home"]["title"] == "Welcome, {{name}}!" and out["buttons"] == ["Save", "Cancel"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("bad.po", 'msgid "a"\nmsgstr "b"\nmsgid "c\nmsgstr ""\n', "bad.po: line 3: not PO syntax"),
        ("dup.po", 'msgid "a"\nmsgstr ""\n\nmsgid "a"\nmsgstr ""\n', "dup.po: line 4: duplicate entry 'a'"),
        (
            "bad.xlf",
            '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">\n<file><body>'
            "<trans-unit><source>Hi</trans-unit></body></file></xliff>\n",
            "bad.xlf: line 2, column",
        ),
        (
            "dup.json",
            '{\n  "a": "x",\n  "b": {"c": "y",\n  "c": "z"}\n}\n',
            "dup.json: line 4: duplicate key 'c'",
        ),
        ("bad.json", '{\n  "a": "x",\n}\n', "bad.json: line 3, column 1: not valid JSON"),
        ("loop.yml", "en:\n  a: &x\n    b: *x\n", "loop.yml: line 2: an anchor contains an alias of itself"),
        ("bad.yaml", 'en:\n  a: "x\n', "bad.yaml: line 3, column 1: not valid YAML"),
        (
            "app_en.arb",
            '{\n  "@@locale": "en",\n  "n": "{count, plural, one{# item} other{# items}"\n}\n',
            "app_en.arb: line 3: key n is not a valid ICU message",
        ),
    ],
)
def test_a_broken_file_is_one_line_with_its_place_exit_2_and_no_output(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    source, output = tmp_path / name, tmp_path / ("out_" + name)
    source.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(cli, ["translate", "-i", str(source), "-o", str(output), "--to", "pl"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {tmp_path / message}") and result.stderr.count("\n") == 1
    assert not output.exists()


def test_a_folder_of_resource_files_is_translated_file_by_file(
    tmp_path: Path, flip_engine: FlipEngine
) -> None:
    source = tmp_path / "locales"
    source.mkdir()
    for name in ("en.json", "app.po", "en.yml"):
        shutil.copy(SAMPLES / name, source / name)
    shutil.copy(SAMPLES / "app.pot", source / "messages.pot")
    result = CliRunner().invoke(
        cli, ["translate", "-i", str(source), "-o", str(tmp_path / "pl"), "--to", "pl", "--from", "en"]
    )
    assert result.exit_code == 0, result.stderr
    assert "Files: 4 translated." in result.stderr
    assert "(po: 4 translated, 1 kept, 0 skipped, 0 placeholder failures)" in result.stderr
    # A template in, a translation out.
    assert sorted(p.name for p in (tmp_path / "pl").iterdir()) == [
        "app.po",
        "en.json",
        "en.yml",
        "messages.po",
    ]


def test_plural_keys_scattered_among_others_still_give_a_valid_file(
    tmp_path: Path, flip_engine: FlipEngine
) -> None:
    (tmp_path / "odd.json").write_text(
        '{\n    "a_one": "{{count}} apple",\n    "title": "Fruit",\n    "a_other": "{{count}} apples"\n}\n'
    )
    result = CliRunner().invoke(
        cli,
        [
            "translate",
            "-i",
            str(tmp_path / "odd.json"),
            "-o",
            str(tmp_path / "pl.json"),
            "--to",
            "pl",
            "--from",
            "en",
        ],
    )
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "pl.json").read_text() == (
        "{\n"
        '    "a_one": "{{count}} ELPPA",\n'
        '    "a_few": "{{count}} SELPPA",\n'
        '    "a_many": "{{count}} SELPPA",\n'
        '    "a_other": "{{count}} SELPPA",\n'
        '    "title": "TIURF"\n'
        "}\n"
    )
