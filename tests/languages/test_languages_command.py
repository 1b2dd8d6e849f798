"""`bayling-local languages` through the real click group."""

from __future__ import annotations

import json

from click.testing import CliRunner

from bayling_local.cli import cli


def test_lists_every_language_as_a_table() -> None:
    result = CliRunner().invoke(cli, ["languages"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["Code", "English", "name", "Native", "name", "ISO", "639-1", "ISO", "639-3"]
    assert any(line.startswith("zho_Hans") and "简体中文" in line and " zh " in line for line in lines)
    assert "205 languages." in result.output


def test_filter_keeps_matching_rows_and_states_defaults() -> None:
    result = CliRunner().invoke(cli, ["languages", "chinese"])
    assert result.exit_code == 0, result.output
    codes = [line.split()[0] for line in result.output.splitlines()[1:] if line[:1].islower()]
    assert codes == ["yue_Hant", "zho_Hans", "zho_Hant"]
    assert "chinese -> zho_Hans" in result.output and "zh -> zho_Hans" in result.output
    assert "3 languages." in result.output


def test_json_output() -> None:
    result = CliRunner().invoke(cli, ["languages", "--json", "fra"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {"code": "fra_Latn", "name": "French", "native": "Français", "iso3": "fra", "iso1": "fr",
            "script": "Latn"} in rows  # fmt: skip


def test_no_match_says_so_and_fails() -> None:
    result = CliRunner().invoke(cli, ["languages", "klingon"])
    assert result.exit_code == 1
    assert "No language matches 'klingon'" in result.output
