"""Edge cases of the localization formats, found by a review: what is already translated is never lost,
plural forms that cover more than 1, contexts, ICU quoting, JSON written with escapes, YAML roots, XLIFF's
protected spans and element order. Driven through the formats directly with made-up translations."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from documents.flip import flip

from bayling_local.cli import cli
from bayling_local.documents.formats import read_document
from bayling_local.documents.model import Document
from bayling_local.errors import DocumentError
from bayling_local.language.names import BY_CODE, Language
from bayling_local.translation.markers import strip_markers

POLISH, RUSSIAN, JAPANESE = BY_CODE["pol_Latn"], BY_CODE["rus_Cyrl"], BY_CODE["jpn_Jpan"]
HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'


def msgfmt_accepts(path: Path, text: str) -> None:
    """gettext's own check of a PO, fuzzy entries included (where gettext is installed; CI installs it)."""
    if shutil.which("msgfmt"):
        path.write_text(text, encoding="utf-8")
        check = subprocess.run(
            ["msgfmt", "--check", "--use-fuzzy", "-o", "/dev/null", str(path)], capture_output=True, text=True
        )
        assert check.returncode == 0, check.stderr


def run(
    text: str,
    name: str,
    target: Language = POLISH,
    translate: Callable[[str], str] = flip,
    overwrite: bool = False,
) -> tuple[Document, str]:
    from bayling_local.documents.formats import ReadOptions, chosen_format

    path = Path(name)
    document = read_document(text.encode(), path, chosen_format(path, None), ReadOptions(overwrite=overwrite))
    document.prepare(target)
    out = document.output([translate(segment.text) for segment in document.segments], target)
    return document, out.decode()


def test_translations_already_in_a_po_are_never_emptied_by_the_final_check() -> None:
    text = HEADER + (
        '\n"Language: pl\\n"\n"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"\n'
        '\n#, c-format\nmsgid "%d file"\nmsgid_plural "%d files"\nmsgstr[0] "Jeden plik"\nmsgstr[1] ""\nmsgstr[2] ""\n'
        '\nmsgid "Line one\\nLine two"\nmsgstr "Linia pierwsza, linia druga"\n\nmsgid "New"\nmsgstr ""\n'
    )
    text = text.replace(HEADER + "\n", HEADER, 1)
    document, out = run(text, "pl.po")
    po = polib.pofile(out)
    assert po.find("%d file").msgstr_plural[0] == "Jeden plik"  # a human's partial plural: kept
    assert po.find("Line one\nLine two").msgstr == "Linia pierwsza, linia druga"
    assert po.find("New").msgstr == "WEN"
    assert document.summary() == "1 translated, 2 kept, 0 skipped, 0 placeholder failures"


def test_overwrite_keeps_the_old_translation_when_the_new_one_loses_a_placeholder() -> None:
    text = HEADER + '"Language: pl\\n"\n\n#, c-format\nmsgid "Save %s"\nmsgstr "Zapisz %s"\n'
    document, out = run(text, "pl.po", translate=strip_markers, overwrite=True)
    assert polib.pofile(out).find("Save %s").msgstr == "Zapisz %s"
    assert document.failures == ["line 6: '%s' not kept"]


def test_a_po_in_another_language_is_refused_unless_overwritten_then_gets_the_targets_plural_forms(
    tmp_path: Path,
) -> None:
    text = HEADER + (
        '"Language: fr\\n"\n"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n#, c-format\n'
        'msgid "%d file"\nmsgid_plural "%d files"\nmsgstr[0] "%d fichier"\nmsgstr[1] "%d fichiers"\n'
    )
    with pytest.raises(
        DocumentError, match=r"fr.po: is a French translation \(Language: fr\); translating it into Polish"
    ):
        run(text, "fr.po")
    _document, out = run(text, "fr.po", overwrite=True)
    po = polib.pofile(out)
    assert po.metadata["Plural-Forms"].startswith("nplurals=3;") and po.metadata["Language"] == "pl"
    assert len(po.find("%d file").msgstr_plural) == 3
    msgfmt_accepts(tmp_path / "pl.po", out)


@pytest.mark.parametrize(("target", "forms"), [(JAPANESE, 1), (RUSSIAN, 3)])
def test_plural_forms_that_also_cover_other_numbers_are_made_from_the_plural(
    tmp_path: Path, target: Language, forms: int
) -> None:
    text = (
        HEADER
        + '\n#, c-format\nmsgid "One file deleted"\nmsgid_plural "%d files deleted"\nmsgstr[0] ""\nmsgstr[1] ""\n'
    )
    document, out = run(text.replace(HEADER + "\n", HEADER), "app.pot", target=target)
    entry = polib.pofile(out).find("One file deleted")
    assert len(entry.msgstr_plural) == forms
    assert all("%d" in form for form in entry.msgstr_plural.values())  # Russian form 0 is also 21, 31 ...
    assert "One file deleted" not in [segment.text for segment in document.segments]
    msgfmt_accepts(tmp_path / "out.po", out)


def test_the_same_words_in_two_contexts_reach_the_model_with_their_own_context(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from glossary.terms_fake import TermEngine

    engine = TermEngine("never")
    monkeypatch.setattr("bayling_local.store.opening.open_engine", lambda *a, **k: engine)
    (tmp_path / "app.pot").write_text(
        HEADER
        + '\nmsgctxt "verb"\nmsgid "Open"\nmsgstr ""\n\nmsgctxt "adjective, a shop"\nmsgid "Open"\nmsgstr ""\n'
    )
    result = CliRunner().invoke(
        cli,
        [
            "translate",
            "-i",
            str(tmp_path / "app.pot"),
            "-o",
            str(tmp_path / "pl.po"),
            "--to",
            "pl",
            "--from",
            "en",
        ],
    )
    assert result.exit_code == 0, result.stderr
    notes = {line for prompt in engine.prompts for line in prompt.split("\n") if line.startswith("Note")}
    assert notes == {
        "Note (not to translate): context: verb",
        "Note (not to translate): context: adjective, a shop",
    }


def test_a_bad_plural_forms_header_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "pl.po").write_text(
        HEADER
        + '"Language: pl\\n"\n"Plural-Forms: nplurals=3; plural=(n==1 ? 0 : ((2);\\n"\n\nmsgid "a"\nmsgid_plural "b"\nmsgstr[0] ""\n'
    )
    result = CliRunner().invoke(
        cli, ["translate", "-i", str(tmp_path / "pl.po"), "-o", str(tmp_path / "o.po"), "--to", "pl"]
    )
    assert result.exit_code == 2 and "its Plural-Forms cannot be read" in result.stderr
    assert result.stderr.count("\n") == 1


def test_icu_hash_is_quoted_only_where_it_would_be_the_number() -> None:
    source = {
        "a": "{g, select, other {Room #5 is {who}'s}}",
        "b": "{n, plural, one {# item '#'1} other {# items}}",
    }
    _document, out = run(json.dumps(source), "en.json", translate=lambda text: text)
    written = json.loads(out)
    assert written["a"] == source["a"]  # `#` outside a plural is text; `'s` needs no quoting
    assert written["b"].startswith("{n, plural, one {# item '#'1} few {# items}")


def test_json_written_with_escapes_an_empty_arb_and_a_lone_other_key() -> None:
    escaped = '{"caf\\u00e9_one": "{{count}} coffee", "caf\\u00e9_other": "{{count}} coffees"}'
    _document, out = run(escaped, "en.json")
    assert list(json.loads(out)) == ["café_one", "café_few", "café_many", "café_other"]
    _document, out = run("{}", "app_en.arb")
    assert json.loads(out) == {"@@locale": "pl"}
    _document, out = run('{"reason_other": "Other reason"}', "en.json")
    assert json.loads(out) == {"reason_other": "REHTO NOSAER"}


def test_yaml_keeps_an_apps_root_keeps_zero_and_leaves_an_empty_file_alone() -> None:
    _document, out = run("app:\n  title: Hello\n", "messages.yml")
    assert out == "app:\n  title: OLLEH\n"
    _document, out = run(
        "en:\n  inbox:\n    zero: No messages\n    one: '%{count} message'\n    other: '%{count} messages'\n",
        "en.yml",
        target=RUSSIAN,
    )
    assert out.startswith("ru:\n  inbox:\n    zero: ON SEGASSEM\n    one: '%{count} SEGASSEM'\n    few:")
    _document, out = run("# nothing yet\n", "en.yml")
    assert out == "# nothing yet\n"


def test_xliff_protected_spans_stay_seg_source_order_and_a_prefixed_root() -> None:
    text = (
        '<x:xliff xmlns:x="urn:oasis:names:tc:xliff:document:1.2" version="1.2"><x:file source-language="en">'
        '<x:body><x:trans-unit id="1"><x:source>Use <x:mrk mtype="protected">Acme Cloud</x:mrk> now</x:source>'
        "<x:seg-source>Use it now</x:seg-source></x:trans-unit></x:body></x:file></x:xliff>"
    )
    _document, out = run(text, "app.xlf")
    assert '<x:mrk mtype="protected">Acme Cloud</x:mrk>' in out.split("<x:target")[1]
    assert out.index("<x:seg-source>") < out.index("<x:target")
    assert "ESU" in out and "WON" in out


def test_a_translation_that_fails_a_check_is_left_for_a_translator_not_written() -> None:
    from bayling_local.documents.formats import ReadOptions

    text = (
        HEADER
        + '\n#, c-format\nmsgid "%d file"\nmsgid_plural "%d files"\nmsgstr[0] ""\nmsgstr[1] ""\n\nmsgid "Order"\nmsgstr ""\n'
    )
    document = read_document(
        text.replace(HEADER + "\n", HEADER).encode(), Path("app.pot"), "po", ReadOptions()
    )
    document.prepare(POLISH)
    sources = [segment.text for segment in document.segments]
    # The model gave "Order" back unchanged (echo); each numbered plural attempt echoed too, the plain ones not.
    document.checks = [
        "echo" if text == "Order" or "(n=" in seg.location else None
        for text, seg in zip(sources, document.segments, strict=True)
    ]
    po = polib.pofile(document.output([flip(t) for t in sources], POLISH).decode())
    assert po.find("Order").msgstr == ""
    assert po.find("%d file").msgstr_plural[1] == "%d SELIF"  # the plain attempt, which passed
    assert (
        document.summary()
        == "1 translated, 0 kept, 0 skipped, 0 placeholder failures, 1 left untranslated by the checks"
    )
    assert document.rejections == ["line 10: the model gave it back untranslated"]


def test_strftime_formats_are_placeholders_so_a_date_format_is_left_alone() -> None:
    from bayling_local.documents.placeholders import placeholders

    assert placeholders("%Y-%m-%d %H:%M, %-d %B") == ["%Y", "%m", "%d", "%H", "%M", "%-d", "%B"]
    document, out = run("en:\n  date:\n    default: '%Y-%m-%d'\n    long: '%B %-d, %Y'\n", "en.yml")
    assert [segment.text for segment in document.segments] == []  # nothing but placeholders and punctuation
    assert out == "pl:\n  date:\n    default: '%Y-%m-%d'\n    long: '%B %-d, %Y'\n"


def test_an_icu_message_in_xliff_gets_the_targets_categories_and_one_with_inline_codes_is_left() -> None:
    text = (
        '<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file source-language="en"><body>'
        '<trans-unit id="a"><source>{VAR_PLURAL, plural, =0 {no items} one {one item} other {# items}}</source></trans-unit>'
        '<trans-unit id="b"><source>{VAR_PLURAL, plural, other {<x id="INTERPOLATION"/> items}}</source></trans-unit>'
        "</body></file></xliff>"
    )
    document, out = run(text, "messages.xlf", target=RUSSIAN)
    target = out.split('<target state="needs-review-translation">')[1].split("</target>")[0]
    assert target.startswith(
        "{VAR_PLURAL, plural, =0 {ON SMETI} one {# SMETI} few {# SMETI} many {# SMETI} other"
    )
    assert out.count("<target") == 1
    assert document.rejections == [
        "line 1 (unit b): an ICU message with inline codes is left for a translator"
    ]


def test_an_xliff_already_in_another_language_is_refused_unless_overwritten() -> None:
    text = (
        '<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="fr"><file id="f">'
        '<unit id="1"><segment><source>Hello</source><target>Bonjour</target></segment></unit>'
        '<unit id="2"><segment><source>Bye</source></segment></unit></file></xliff>'
    )
    with pytest.raises(
        DocumentError, match="holds French translations; translating it into Polish would mix"
    ):
        run(text, "app.xlf")
    _document, out = run(text, "app.xlf", overwrite=True)
    assert "<target>OLLEH</target>" in out and 'trgLang="pl"' in out


def test_a_template_beside_its_own_po_in_a_folder_is_skipped_not_overwritten(
    tmp_path: Path, flip_engine: object
) -> None:
    source = tmp_path / "po"
    source.mkdir()
    shutil.copy(Path(__file__).parent / "samples" / "app.po", source / "app.po")
    shutil.copy(Path(__file__).parent / "samples" / "app.pot", source / "app.pot")
    result = CliRunner().invoke(
        cli, ["translate", "-i", str(source), "-o", str(tmp_path / "pl"), "--to", "pl", "--from", "en"]
    )
    assert result.exit_code == 0, result.stderr
    assert (
        "skipped: " in result.stderr
        and "its translation would be app.po, which app.po makes too" in result.stderr
    )
    assert "Witaj %(name)s" in (tmp_path / "pl" / "app.po").read_text()  # the PO's own translation, kept


@pytest.mark.parametrize("name", ["en.yml", "en.json"])
def test_a_value_the_final_check_rejects_goes_back_to_its_source_and_the_rest_stays_written(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bayling_local.documents.resources import ResourceDocument

    calls: list[int] = []

    def reject_the_first(self: ResourceDocument, data: bytes, changes: list, target: Language) -> list:  # type: ignore[type-arg]
        calls.append(1)
        return [changes[0][0]] if len(calls) == 1 else []

    monkeypatch.setattr(ResourceDocument, "_verify", reject_the_first)
    text = (
        "en:\n  greeting: 'Hello %{name}'\n  farewell: Goodbye\n  inbox:\n    one: '%{count} message'\n    other: '%{count} messages'\n"
        if name == "en.yml"
        else '{\n  "greeting": "Hello {{name}}",\n  "farewell": "Goodbye",\n  "n_one": "{{count}} message",\n  "n_other": "{{count}} messages"\n}\n'
    )
    document, out = run(text, name)
    assert (
        "Hello" in out and "EYBDOOG" in out and "SEGASSEM" in out
    )  # the rejected one as written, the rest translated
    assert document.failures == [
        "key "
        + ("en.greeting" if name == "en.yml" else "greeting")
        + ": placeholders changed in the file as written"
    ]
