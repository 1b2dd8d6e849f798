"""The real built-in model through real llama.cpp on one small file of each localization format: whatever
the weak model writes, every output file validates (`msgfmt --check` where gettext is installed, the
format's own parser always) and every placeholder of every translated string survives."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from bayling_local.cli import cli
from bayling_local.documents.icu import is_icu, still_valid
from bayling_local.documents.placeholders import placeholders

pytestmark = pytest.mark.slow
SAMPLES = Path(__file__).parent / "samples"
FILES = ("app.po", "app12.xlf", "app20.xlf", "en.json", "app_en.arb", "en.yml")


@pytest.fixture(scope="module")
def translated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """All samples in one folder run (one model load), into Polish: three plural forms."""
    source, output = tmp_path_factory.mktemp("in"), tmp_path_factory.mktemp("out") / "pl"
    for name in FILES:
        shutil.copy(SAMPLES / name, source / name)
    # A module fixture runs before the per-test BAYLING_HOME: it gets a home of its own, so the translation
    # memory of other runs can neither answer for the model nor be written to.
    home = tmp_path_factory.mktemp("home")
    result = CliRunner().invoke(
        cli,
        ["translate", "-i", str(source), "-o", str(output), "--to", "pl", "--from", "en", "--ctx", "2048"],
        env={"BAYLING_HOME": str(home)},
    )
    assert result.exit_code == 0, result.stderr
    assert f"Files: {len(FILES)} translated." in result.stderr
    return output


def same_placeholders(source: str, translation: str) -> bool:
    if is_icu(source):
        return still_valid(source, translation)
    return Counter(placeholders(source)) == Counter(placeholders(translation))


def test_the_po_file_validates_and_keeps_every_placeholder(translated: Path) -> None:
    import polib

    out = translated / "app.po"
    if shutil.which("msgfmt"):
        check = subprocess.run(
            ["msgfmt", "--check", "--use-fuzzy", "-o", "/dev/null", str(out)], capture_output=True, text=True
        )
        assert check.returncode == 0, check.stderr
    po = polib.pofile(str(out))
    assert po.metadata["Language"] == "pl"
    for entry in po:
        if entry.obsolete or not entry.msgid:
            continue
        forms = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for form in forms:
            if form:
                assert same_placeholders(entry.msgid_plural or entry.msgid, form) or same_placeholders(
                    entry.msgid, form
                )
    plural = po.find("One file deleted")
    assert plural is not None and len(plural.msgstr_plural) == 3


def test_both_xliff_versions_validate_and_keep_their_inline_codes(translated: Path) -> None:
    import lxml.etree

    for name in ("app12.xlf", "app20.xlf"):
        root = lxml.etree.parse(str(translated / name)).getroot()
        ns = root.nsmap[None]
        for source in root.iter(f"{{{ns}}}source"):
            target = source.getnext()
            if target is None or target.tag != f"{{{ns}}}target":
                continue

            def codes(element: lxml.etree._Element) -> Counter[tuple[str, str | None]]:
                return Counter((e.tag, e.get("id")) for e in element.iter() if e is not element)

            assert codes(source) == codes(target)
            assert same_placeholders("".join(source.itertext()), "".join(target.itertext()))


def test_resource_files_parse_and_keep_their_placeholders(translated: Path) -> None:
    from ruamel.yaml import YAML

    pairs = [
        (json.loads((SAMPLES / "en.json").read_text()), json.loads((translated / "en.json").read_text())),
        (
            json.loads((SAMPLES / "app_en.arb").read_text()),
            json.loads((translated / "app_en.arb").read_text()),
        ),
        (
            YAML().load((SAMPLES / "en.yml").read_text())["en"],
            YAML().load((translated / "en.yml").read_text())["pl"],
        ),
    ]
    for before, after in pairs:
        for source, translation in _strings(before, after):
            assert same_placeholders(source, translation), (source, translation)
    home = json.loads((translated / "en.json").read_text())["home"]
    assert {"items_one", "items_few", "items_many", "items_other"} <= set(home)
    assert json.loads((translated / "app_en.arb").read_text())["@@locale"] == "pl"


def _strings(before: object, after: object) -> list[tuple[str, str]]:
    """(source, translation) for every string found at the same key in both (plural keys aside)."""
    if isinstance(before, str) and isinstance(after, str):
        return [(before, after)]
    if isinstance(before, dict) and isinstance(after, dict):
        return [
            pair
            for key in before
            if key in after and not str(key).startswith("@")
            for pair in _strings(before[key], after[key])
        ]
    if isinstance(before, list) and isinstance(after, list):
        return [pair for b, a in zip(before, after, strict=False) for pair in _strings(b, a)]
    return []
