"""`eval flores`: data reading (folder and archive), direction parsing, scoring, reports."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path

import pytest

from bayling_local.errors import InputError, UsageError
from bayling_local.runs.evaluate import (
    bleu_tokenizer,
    evaluate_model,
    flores_folder,
    parse_pairs,
    score,
    write_reports,
)

ENG = ["The cat sleeps on the sofa.", "It rains in the city today.", "We eat bread and cheese."]
FRA = [
    "Le chat dort sur le canapé.",
    "Il pleut en ville aujourd'hui.",
    "Nous mangeons du pain et du fromage.",
]
DEU = ["Die Katze schläft auf dem Sofa.", "Heute regnet es in der Stadt.", "Wir essen Brot und Käse."]


@pytest.fixture
def tiny_flores(tmp_path: Path) -> Path:
    folder = tmp_path / "tiny" / "dev"
    folder.mkdir(parents=True)
    for code, lines in {"eng_Latn": ENG, "fra_Latn": FRA, "deu_Latn": DEU}.items():
        (folder / f"{code}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path / "tiny"


def test_tokenizers_follow_the_target_script() -> None:
    assert bleu_tokenizer("fra_Latn") == "13a"
    assert bleu_tokenizer("zho_Hans") == "zh"
    assert bleu_tokenizer("jpn_Jpan") == "char"


def test_pairs_expand_all_to_target_and_reject_unknown() -> None:
    codes = ["deu_Latn", "eng_Latn", "fra_Latn"]
    assert parse_pairs("all-to-eng_Latn", codes) == [("deu_Latn", "eng_Latn"), ("fra_Latn", "eng_Latn")]
    assert parse_pairs("eng_Latn-fra_Latn, fra_Latn-deu_Latn", codes) == [
        ("eng_Latn", "fra_Latn"),
        ("fra_Latn", "deu_Latn"),
    ]
    with pytest.raises(UsageError, match="no data for"):
        parse_pairs("eng_Latn-zho_Hans", codes)
    with pytest.raises(UsageError, match="SOURCE-TARGET"):
        parse_pairs("eng_Latn", codes)


def test_archive_is_read_like_the_folder(tiny_flores: Path, tmp_path: Path) -> None:
    archive = tmp_path / "tiny.tar.xz"
    with tarfile.open(archive, "w:xz") as handle:
        handle.add(tiny_flores, arcname="tiny")
    with flores_folder(archive) as folder:
        assert (folder / "eng_Latn.txt").read_text(encoding="utf-8").splitlines() == ENG
        extracted = folder
    assert not extracted.exists()  # the temporary copy is gone after the run
    with pytest.raises(InputError), flores_folder(tmp_path / "missing"):
        pass


def test_perfect_translation_scores_100_and_reports_side_by_side(tiny_flores: Path, tmp_path: Path) -> None:
    assert score(FRA, FRA, "fra_Latn") == (100.0, 100.0)
    references = {"fra_Latn": FRA, "deu_Latn": DEU}
    with flores_folder(tiny_flores) as folder:
        perfect = evaluate_model(
            "oracle",
            lambda s, src, tgt: references[tgt][: len(s)],
            folder,
            [("eng_Latn", "fra_Latn"), ("eng_Latn", "deu_Latn")],
            2,
        )
        copier = evaluate_model(
            "copier",
            lambda s, src, tgt: list(s),
            folder,
            [("eng_Latn", "fra_Latn"), ("eng_Latn", "deu_Latn")],
            2,
        )
    assert perfect.bleu == 100.0 and perfect.chrf_pp == 100.0
    assert copier.chrf_pp < 50
    md, js = write_reports(tmp_path / "out" / "report", [perfect, copier], {"data": "tiny"})
    table = md.read_text(encoding="utf-8")
    assert "| eng_Latn → fra_Latn | 13a | 100.00 | 100.00 |" in table
    assert "oracle BLEU" in table and "copier chrF++" in table
    data = json.loads(js.read_text(encoding="utf-8"))
    assert [m["model"] for m in data["models"]] == ["oracle", "copier"]
    assert data["models"][0]["directions"][0]["sentences"] == 2


@pytest.mark.slow
def test_eval_command_scores_the_builtin_model(
    tiny_flores: Path, tmp_path: Path, builtin_model_path: Path
) -> None:
    from click.testing import CliRunner

    from bayling_local.cli import cli

    stem = tmp_path / "report"
    outcome = CliRunner().invoke(
        cli,
        [
            "eval",
            "flores",
            "--data",
            str(tiny_flores),
            "--pairs",
            "eng_Latn-fra_Latn",
            "--limit",
            "2",
            "-m",
            str(builtin_model_path),
            "--max-tokens",
            "24",
            "--ctx",
            "1024",
            "-o",
            str(stem),
        ],
    )
    assert outcome.exit_code == 0, outcome.output
    assert "average BLEU" in outcome.output
    data = json.loads(stem.with_suffix(".json").read_text(encoding="utf-8"))
    direction = data["models"][0]["directions"][0]
    assert direction["sentences"] == 2 and direction["bleu_tokenizer"] == "13a"
    assert 0 < direction["chrf_pp"] <= 100
