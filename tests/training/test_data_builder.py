"""The data builder on the real FLORES-200 dev archive plus a small instruction file written here."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sft_helpers import flores_archive

from bayling_local.cli import cli
from bayling_local.errors import InputError, UsageError
from training.data import BuildConfig, build, build_dataset, example_from_json, format_summary
from training.data.build import allocate
from training.data.readers import read_instructions, read_parallel
from training.data.tasks import corrupt

FLORES_ARCHIVE = flores_archive()
LANGS = ["eng_Latn", "zho_Hans", "fra_Latn", "deu_Latn", "arb_Arab", "arz_Arab"]
MIX = {"instruction": 0.1, "translation": 0.5, "cross_lingual": 0.25, "multi_turn": 0.15}

needs_flores = pytest.mark.skipif(not FLORES_ARCHIVE.exists(), reason="FLORES archive not available")


@pytest.fixture
def instruction_file(tmp_path: Path) -> Path:
    """40 records in three formats and two languages."""
    lines: list[dict[str, Any]] = []
    for i in range(20):
        lines.append(
            {
                "instruction": f"Give me fact number {i} about rivers.",
                "input": "",
                "output": f"Fact {i}: rivers flow.",
            }
        )
    for i in range(10):
        lines.append(
            {
                "conversations": [
                    {"from": "human", "value": f"问题{i}：天空为什么是蓝色的？"},
                    {"from": "gpt", "value": f"回答{i}：因为瑞利散射。"},
                ],
                "lang": "zho_Hans",
            }
        )
    for i in range(10):
        lines.append(
            {
                "messages": [
                    {"role": "user", "content": f"What is {i} + {i}?"},
                    {"role": "assistant", "content": str(2 * i)},
                ]
            }
        )
    path = tmp_path / "instructions.jsonl"
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    return path


def _config(instruction_file: Path, **kw: object) -> BuildConfig:
    settings: dict = dict(
        parallel=[str(FLORES_ARCHIVE)],
        instructions=[f"{instruction_file}@eng_Latn"],
        languages=LANGS,
        total=300,
        heldout_fraction=0.1,
        mixture=dict(MIX),
        seed=7,
    )
    settings.update(kw)
    return BuildConfig(**settings)


@needs_flores
def test_flores_archive_mixture_has_expected_counts_and_no_leakage(instruction_file: Path) -> None:
    result = build_dataset(_config(instruction_file))
    assert (
        result.summary["train"]["by_task"]
        == allocate(300, MIX)
        == {"instruction": 30, "translation": 150, "cross_lingual": 75, "multi_turn": 45}
    )
    assert result.summary["heldout"]["by_task"] == allocate(30, MIX)
    assert result.summary["shortfall"] == {"train": {}, "heldout": {}}
    # Split by aligned sentence id: no id, and no sentence text in any language, on both sides.
    train_ids = {e.group for e in result.train}
    heldout_ids = {e.group for e in result.heldout}
    assert train_ids.isdisjoint(heldout_ids)
    rows = {row.id: row for row in read_parallel(str(FLORES_ARCHIVE), set(LANGS))}
    heldout_texts = {text for i in heldout_ids if i in rows for text in rows[i].texts.values()}
    assert len(heldout_texts) > 100
    train_contents = [t.content for e in result.train for t in e.messages]
    leaked = [text for text in heldout_texts if any(text in content for content in train_contents)]
    assert leaked == []


@needs_flores
def test_examples_follow_the_schema_and_task_definitions(instruction_file: Path) -> None:
    result = build_dataset(_config(instruction_file))
    kinds = set()
    for example in result.train:
        data = example.to_json()
        assert set(data) == {"messages", "metadata"}
        assert {"task", "source_lang", "target_lang", "origin"} <= set(data["metadata"])
        assert example_from_json(json.loads(json.dumps(data))) == example
        assert data["messages"][-1]["role"] == "assistant"
        if example.task == "cross_lingual":
            assert example.instruction_lang != example.target_lang
            assert example.source_lang != example.target_lang
        if example.task == "multi_turn":
            kinds.add(example.extra["follow_up"])
            assert [t.role for t in example.messages] == ["user", "assistant", "user", "assistant"]
            if example.extra["follow_up"] == "refine":
                assert example.messages[1].weight == 0
                assert example.messages[1].content != example.messages[3].content
            if example.extra["follow_up"] == "register":
                assert example.target_lang == "arz_Arab"
    assert kinds == {"third", "refine", "register"}
    # Instruction templates are written in several languages, not English only.
    assert len({e.instruction_lang for e in result.train if e.task != "instruction"}) >= 5


@needs_flores
def test_same_seed_same_files_other_seed_other_files(instruction_file: Path, tmp_path: Path) -> None:
    a, _ = build(_config(instruction_file, out=str(tmp_path / "a")))
    b, _ = build(_config(instruction_file, out=str(tmp_path / "b")))
    c, _ = build(_config(instruction_file, out=str(tmp_path / "c"), seed=8))
    read = lambda d: (tmp_path / d / "train.jsonl").read_bytes()  # noqa: E731
    assert read("a") == read("b")
    assert read("a") != read("c")
    assert (tmp_path / "a" / "build.config.json").exists()
    assert json.loads((tmp_path / "a" / "summary.json").read_text())["train"]["total"] == 300


def test_flores_folder_reader(flores_dir: Path) -> None:
    rows = read_parallel(str(flores_dir), {"eng_Latn", "zho_Hans"})
    assert len(rows) == 510
    assert set(rows[0].texts) == {"eng_Latn", "zho_Hans"}


def test_tsv_and_jsonl_bitext(tmp_path: Path) -> None:
    tsv = tmp_path / "pairs.tsv"
    tsv.write_text("eng_Latn\tfra_Latn\nGood morning.\tBonjour.\nThank you.\tMerci.\n", encoding="utf-8")
    rows = read_parallel(str(tsv))
    assert [r.texts for r in rows][1] == {"eng_Latn": "Thank you.", "fra_Latn": "Merci."}
    jsonl = tmp_path / "pairs.jsonl"
    jsonl.write_text(
        json.dumps(
            {"source_lang": "eng_Latn", "target_lang": "deu_Latn", "source": "Hi.", "target": "Hallo."}
        )
        + "\n"
        + json.dumps({"id": "x1", "eng_Latn": "Yes.", "spa_Latn": "Sí."})
        + "\n",
        encoding="utf-8",
    )
    rows = read_parallel(str(jsonl))
    assert rows[0].texts == {"eng_Latn": "Hi.", "deu_Latn": "Hallo."}
    assert rows[1].id == "x1"
    bad = tmp_path / "bad.tsv"
    bad.write_text("english\tfrench\na\tb\n", encoding="utf-8")
    with pytest.raises(InputError, match="first line"):
        read_parallel(str(bad))


def test_instruction_formats_and_errors(tmp_path: Path, instruction_file: Path) -> None:
    records = read_instructions(f"{instruction_file}@eng_Latn")
    assert len(records) == 40
    assert records[20].lang == "zho_Hans" and records[20].turns[0].role == "user"
    assert records[0].lang == "eng_Latn"
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"question": "x"}\n', encoding="utf-8")
    with pytest.raises(InputError, match="Alpaca"):
        read_instructions(str(broken))


def test_filters_and_dedup(tmp_path: Path) -> None:
    tsv = tmp_path / "p.tsv"
    pairs = [
        "Good morning to you all.\tBonjour à tous.",
        "Short.\tUne phrase beaucoup beaucoup trop longue pour être vraie.",
    ]
    tsv.write_text("eng_Latn\tfra_Latn\n" + "\n".join(pairs * 3) + "\n", encoding="utf-8")
    config = BuildConfig(
        parallel=[str(tsv)], total=20, heldout_fraction=0.0, mixture={"translation": 1.0}, pivots=["eng_Latn"]
    )
    result = build_dataset(config)
    answers = {e.messages[-1].content for e in result.train}
    assert "Une phrase beaucoup beaucoup trop longue pour être vraie." not in answers  # ratio filter
    keys = [json.dumps(e.to_json()["messages"]) for e in result.train]
    assert len(keys) == len(set(keys))  # duplicated lines give distinct examples only
    assert result.summary["shortfall"]["train"]["translation"] > 0
    assert "short of translation" in format_summary(result.summary)


def test_corrupt_makes_a_different_draft() -> None:
    import random

    rng = random.Random(0)
    assert corrupt("one two three four five", rng) not in (None, "one two three four five")
    assert corrupt("今天天气很好我们去公园散步吧", rng) not in (None, "今天天气很好我们去公园散步吧")
    assert corrupt("ok", rng) is None


def test_bad_mixture_is_a_usage_error(instruction_file: Path) -> None:
    with pytest.raises(UsageError, match="unknown task"):
        build_dataset(BuildConfig(instructions=[str(instruction_file)], mixture={"poetry": 1.0}))
    with pytest.raises(UsageError, match="cannot make"):
        build_dataset(BuildConfig(instructions=[str(instruction_file)], mixture={"translation": 1.0}))


def test_unknown_languages_and_an_empty_total_are_refused_all_at_once(
    instruction_file: Path, tmp_path: Path
) -> None:
    outcome = CliRunner().invoke(
        cli,
        [
            "data", "build", "--instructions", str(instruction_file), "--out", str(tmp_path / "out"),
            "--languages", "eng_Latn,klingon", "--pivots", "eng_Latn,zho_Hanz", "--total", "0",
        ],
    )  # fmt: skip
    assert outcome.exit_code == 2
    message = outcome.stderr
    assert "'klingon' is not a FLORES-200 code" in message
    assert "'zho_Hanz' is not a FLORES-200 code (closest: " in message and "zho_Hans" in message
    assert "--total must be at least 1" in message
    assert not (tmp_path / "out").exists()  # nothing written


@needs_flores
def test_cli_data_build_prints_the_summary(instruction_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "built"
    result = CliRunner().invoke(
        cli,
        [
            "data",
            "build",
            "--parallel",
            str(FLORES_ARCHIVE),
            "--instructions",
            f"{instruction_file}@eng_Latn",
            "--languages",
            ",".join(LANGS),
            "--total",
            "200",
            "--mix",
            "instruction=0.1,translation=0.5,cross_lingual=0.25,multi_turn=0.15",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "translation" in result.output and "cross_lingual" in result.output
    assert "total" in result.output and "200" in result.output
    assert "answer language" in result.output
    assert len((out / "train.jsonl").read_text(encoding="utf-8").splitlines()) == 200


def test_cli_error_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["data", "build", "--out", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "nothing to build from" in result.output


def test_aligned_instruction_sets_make_cross_lingual_instructions(tmp_path: Path) -> None:
    """The same instructions in two languages (aligned by id): ask in one, answer in the other."""
    en, zh = tmp_path / "en.jsonl", tmp_path / "zh.jsonl"
    en.write_text(
        "".join(
            json.dumps(
                {
                    "id": f"q{i}",
                    "instruction": f"Name a use of the number {i}.",
                    "output": f"Counting {i} apples.",
                }
            )
            + "\n"
            for i in range(30)
        ),
        encoding="utf-8",
    )
    zh.write_text(
        "".join(
            json.dumps(
                {"id": f"q{i}", "instruction": f"说出数字{i}的一个用途。", "output": f"数{i}个苹果。"},
                ensure_ascii=False,
            )
            + "\n"
            for i in range(30)
        ),
        encoding="utf-8",
    )
    config = BuildConfig(
        instructions=[f"{en}@eng_Latn", f"{zh}@zho_Hans"],
        total=20,
        heldout_examples=4,
        heldout_fraction=0.2,
        mixture={"cross_lingual": 1.0},
    )
    result = build_dataset(config)
    assert result.summary["train"]["by_task"] == {"cross_lingual": 20}
    for example in result.train:
        request, answer = example.messages[0].content, example.messages[1].content
        assert example.instruction_lang != example.target_lang
        if example.target_lang == "zho_Hans":
            assert "Name a use" in request and "Chinese" in request and answer.startswith("数")
        else:
            assert "说出" in request and "英语" in request and answer.startswith("Counting")
    train_ids = {e.group for e in result.train}
    assert train_ids.isdisjoint({e.group for e in result.heldout})
