"""The batch engine on the real built-in model through real llama.cpp (small numbers of short segments)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bayling_local.batch import BatchDecoder, sequence_context
from bayling_local.config import GenerationConfig, RuntimeConfig
from bayling_local.engine import Engine
from bayling_local.languages import resolve_language
from bayling_local.translate import Translator

pytestmark = pytest.mark.slow

SENTENCES = ["Good morning.", "The cat is black.", "Where is the station?", "I like tea.", "It is raining."]


@pytest.fixture(scope="module")
def engine(builtin_model_path: Path) -> Engine:
    loaded = Engine(builtin_model_path, RuntimeConfig(ctx=1024))
    yield loaded
    loaded.close()


@pytest.fixture
def translator(engine: Engine) -> Translator:
    return Translator(
        engine, resolve_language("fra_Latn"), resolve_language("eng_Latn"), GenerationConfig(max_tokens=16)
    )


def test_one_slot_with_copied_prefix_equals_one_at_a_time(translator: Translator) -> None:
    from bayling_local.batch_translate import _plan

    expected = [translator.translate(s).translation for s in SENTENCES[:3]]
    plan = _plan(translator, SENTENCES[:3])
    assert all(0 < r.shared < len(r.tokens) for r in plan.requests)
    outputs: dict[int, str] = {}
    with BatchDecoder(
        translator.engine, 1, sequence_context(plan.requests), translator.generation
    ) as decoder:
        decoder.run(plan.requests, lambda out: outputs.__setitem__(out.index, out.text))
    from bayling_local.translate import one_line

    assert [one_line(outputs[i]).strip() for i in range(3)] == expected


def test_batched_greedy_matches_sequential_and_keeps_order(translator: Translator) -> None:
    from bayling_local.batch_translate import translate_batched

    expected = [translator.translate(s).translation for s in SENTENCES]
    streamed: list[str] = []
    results = translate_batched(translator, SENTENCES, 3, lambda r: streamed.append(r.source), progress=False)
    assert [r.source for r in results] == SENTENCES
    assert streamed == SENTENCES
    assert [r.translation for r in results] == expected


def test_a_wide_batch_gives_the_one_at_a_time_lines(engine: Engine, flores_dir: Path) -> None:
    """Eight and more rows per call switch llama.cpp to other kernels unless the engine keeps them
    batch-invariant; before that, about 60% of these lines changed."""
    from bayling_local.batch_translate import translate_batched

    lines = (flores_dir / "eng_Latn.txt").read_text(encoding="utf-8").splitlines()[:16]
    translator = Translator(
        engine, resolve_language("fra_Latn"), resolve_language("eng_Latn"), GenerationConfig(max_tokens=24)
    )
    expected = [translator.translate(line).translation for line in lines]
    batched = [r.translation for r in translate_batched(translator, lines, 8, progress=False)]
    # 1 of 200 FLORES lines still differed in benchmarks/batch_vs_sequential.py; allow that rate, no more.
    assert sum(b != e for b, e in zip(batched, expected, strict=True)) <= 1


def test_sampling_is_repeatable_with_a_seed(engine: Engine) -> None:
    from bayling_local.batch_translate import translate_batched

    sampled = GenerationConfig(temperature=0.8, max_tokens=12, seed=7)
    translator = Translator(engine, resolve_language("fra_Latn"), resolve_language("eng_Latn"), sampled)
    first = [r.translation for r in translate_batched(translator, SENTENCES[:3], 3, progress=False)]
    second = [r.translation for r in translate_batched(translator, SENTENCES[:3], 3, progress=False)]
    assert first == second
    assert all(first)


def test_translate_command_batches_a_file_keeping_lines_and_blanks(
    builtin_model_path: Path, tmp_path: Path
) -> None:
    from bayling_local.translate_cmd import TranslateJob, run_translate

    lines = ["Good morning.", "", "The cat is black.", "I like tea.", "   ", "It is raining."]
    job = TranslateJob(
        lines=lines,
        target=resolve_language("fra_Latn"),
        source=resolve_language("eng_Latn"),
        runtime=RuntimeConfig(model=str(builtin_model_path), ctx=1024),
        generation=GenerationConfig(max_tokens=16),
        as_json=True,
        parallel=2,
    )
    printed: list[str] = []
    run_translate(job, printed.append)
    rows = [json.loads(line) for line in "".join(printed).splitlines()]
    assert [row["source"] for row in rows] == lines
    assert [bool(row["translation"]) for row in rows] == [bool(line.strip()) for line in lines]


def test_long_line_falls_back_to_pieces_inside_a_batch(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    from bayling_local.batch_translate import translate_batched

    translator = Translator(
        engine, resolve_language("fra_Latn"), resolve_language("eng_Latn"), GenerationConfig(max_tokens=12)
    )
    long_line = " ".join(["The weather is nice today and we walk to the park."] * 22)
    results = translate_batched(translator, ["Good morning.", long_line, "I like tea."], 2, progress=True)
    assert [r.source for r in results] == ["Good morning.", long_line, "I like tea."]
    assert results[1].pieces > 1
    assert "\n" not in results[1].translation
    assert (
        "Translating" in capsys.readouterr().err
    )  # the progress bar, forced on (stderr is no terminal here)


def test_parallel_must_be_positive() -> None:
    from click.testing import CliRunner

    from bayling_local.cli import cli

    outcome = CliRunner().invoke(cli, ["translate", "hello", "--to", "fra_Latn", "--parallel", "0"])
    assert outcome.exit_code == 2
    assert "--parallel" in outcome.output
