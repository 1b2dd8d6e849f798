"""Choices the tool makes for the user are said, not silent: ambiguous names, a direction into itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bayling_local.cli import cli
from bayling_local.language.names import ambiguity_notice


@pytest.mark.parametrize(
    ("name", "taken", "other"),
    [
        ("chinese", "zho_Hans", "zho_Hant"),
        ("norwegian", "nob_Latn", "nno_Latn"),
        ("kurdish", "kmr_Latn", "ckb_Arab"),
    ],
)
def test_an_ambiguous_name_says_which_language_it_took_and_how_to_get_another(
    name: str, taken: str, other: str
) -> None:
    notice = ambiguity_notice(name)
    assert notice is not None and taken in notice and other in notice


def test_an_unambiguous_name_says_nothing() -> None:
    assert ambiguity_notice("french") is None
    assert ambiguity_notice("fra_Latn") is None


def test_to_equal_to_from_copies_the_text_through_without_a_model(tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text("Bonjour.\n\nMerci.\n", encoding="utf-8")
    outcome = CliRunner().invoke(
        cli, ["translate", "-i", str(source), "--from", "fr", "--to", "fra_Latn", "--json"]
    )
    assert outcome.exit_code == 0, outcome.output
    rows = [json.loads(line) for line in outcome.stdout.splitlines()]
    assert [row["translation"] for row in rows] == ["Bonjour.", "", "Merci."]
    assert "copied through unchanged" in outcome.stderr
    assert "built-in" not in outcome.stderr  # no model was loaded


def test_eval_refuses_a_direction_from_a_language_to_itself() -> None:
    from bayling_local.errors import UsageError
    from bayling_local.runs.evaluate import parse_pairs

    with pytest.raises(UsageError, match="into itself"):
        parse_pairs("eng_Latn-eng_Latn", ["eng_Latn", "fra_Latn"])
    assert parse_pairs("eng_Latn-fra_Latn", ["eng_Latn", "fra_Latn"]) == [("eng_Latn", "fra_Latn")]
