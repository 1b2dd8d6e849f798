"""The scheduler and the translation core on the real built-in model through real llama.cpp."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bayling_local.config import GenerationConfig, RuntimeConfig
from bayling_local.language.names import resolve_language
from bayling_local.llama.engine import Engine
from bayling_local.runs.setup import TranslationSettings
from bayling_local.translation.batch import translate_segments, translate_text
from bayling_local.translation.translator import Translator

pytestmark = pytest.mark.slow

SENTENCES = ["Good morning.", "The cat is black.", "Where is the station?", "I like tea.", "It is raining."]


@pytest.fixture(scope="module")
def engine(builtin_model_path: Path) -> Iterator[Engine]:
    loaded = Engine(builtin_model_path, RuntimeConfig(ctx=1024), slots=8)
    yield loaded
    loaded.close()


@pytest.fixture
def translator(engine: Engine) -> Translator:
    return Translator(
        engine, resolve_language("fra_Latn"), resolve_language("eng_Latn"), GenerationConfig(max_tokens=16)
    )


def alone(translator: Translator, lines: list[str]) -> list[str]:
    """Each line submitted only after the one before it finished: a batch of one, every time."""
    return [translate_text(translator, line).translation for line in lines]


def test_batched_greedy_matches_one_at_a_time_and_keeps_order(translator: Translator) -> None:
    expected = alone(translator, SENTENCES)
    streamed: list[str] = []
    results = translate_segments(translator, SENTENCES, on_result=lambda r: streamed.append(r.source))
    assert [r.source for r in results] == SENTENCES
    assert streamed == SENTENCES
    assert [r.translation for r in results] == expected


def test_prefix_is_decoded_once_and_copied(engine: Engine, translator: Translator) -> None:
    from bayling_local.engine.requests import common_length
    from bayling_local.translation.pieces import shared_prefix

    source = resolve_language("eng_Latn")
    prompt, limit, stops = translator.chunk_request("I like tea.", source)
    tokens = engine.tokenize(prompt)
    shared = common_length(tokens, shared_prefix(translator, source))
    assert 0 < shared < len(tokens)
    request = engine.request(
        tokens, translator.generation, max_tokens=limit, stop_strings=stops, shared=shared
    )
    result = engine.submit(request).result()
    assert result.reused_tokens == shared  # the rest of the prompt only was evaluated in this sequence
    assert result.text.strip()


def test_a_wide_batch_gives_the_one_at_a_time_lines(engine: Engine, flores_dir: Path) -> None:
    """Eight and more rows per call switch llama.cpp to other kernels unless the engine keeps them
    batch-invariant; before that, about 60% of these lines changed."""
    lines = (flores_dir / "eng_Latn.txt").read_text(encoding="utf-8").splitlines()[:16]
    translator = Translator(
        engine, resolve_language("fra_Latn"), resolve_language("eng_Latn"), GenerationConfig(max_tokens=24)
    )
    expected = alone(translator, lines)
    batched = [r.translation for r in translate_segments(translator, lines)]
    assert batched == expected


def test_requests_from_three_threads_at_staggered_times_give_their_lines_alone(
    translator: Translator, flores_dir: Path
) -> None:
    """Each thread's lines join a batch already running (arriving mid-batch) and still come out as alone."""
    lines = (flores_dir / "eng_Latn.txt").read_text(encoding="utf-8").splitlines()[20:29]
    groups = [lines[0:3], lines[3:6], lines[6:9]]
    expected = [alone(translator, group) for group in groups]
    got: dict[int, list[str]] = {}

    def run(number: int) -> None:
        time.sleep(0.15 * number)  # the second and third arrive while the first is generating
        got[number] = [r.translation for r in translate_segments(translator, groups[number])]

    threads = [threading.Thread(target=run, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [got[n] for n in range(3)] == expected


def test_a_cancelled_request_frees_its_slot_and_the_others_finish(engine: Engine) -> None:
    story = GenerationConfig(max_tokens=400)
    scheduler = engine.scheduler
    long_ones = [
        engine.submit(engine.request(engine.tokenize(f"Chapter {n}. Once upon a time"), story))
        for n in range(engine.slots)
    ]
    short = engine.submit(
        engine.request(engine.tokenize("The capital of France is"), GenerationConfig(max_tokens=6))
    )
    # Every slot is busy with a long story: the short request waits until one is cancelled.
    next(long_ones[0].pieces())
    assert not short.done()
    long_ones[0].cancel()
    cancelled = long_ones[0].result(timeout=30)
    assert cancelled.stop_reason == "cancelled"
    assert cancelled.completion_tokens < 400
    finished = short.result(timeout=60)
    assert finished.stop_reason in {"stop", "length"} and finished.completion_tokens > 0
    for handle in long_ones[1:]:
        handle.cancel()
    assert all(h.result(timeout=30).stop_reason == "cancelled" for h in long_ones[1:])
    assert scheduler.active_count() == 0


def test_a_chats_second_turn_evaluates_only_the_new_tokens(engine: Engine) -> None:
    from bayling_local.prompts.formats import Message

    history = [Message("user", "Name a color.")]
    first = engine.chat(history, GenerationConfig(max_tokens=8))
    history += [Message("assistant", first.text), Message("user", "Name another one.")]
    before = engine.scheduler.llama_prompt_tokens()
    second = engine.chat(history, GenerationConfig(max_tokens=8))
    evaluated = engine.scheduler.llama_prompt_tokens() - before  # llama.cpp's own count of prompt tokens
    assert second.reused_tokens >= first.prompt_tokens - 2
    assert evaluated == second.prompt_tokens - second.reused_tokens
    assert evaluated < second.prompt_tokens - first.prompt_tokens + 8  # not the whole conversation again
    assert second.text


def test_a_longer_request_grows_the_context_and_the_short_ones_keep_their_lines(
    engine: Engine, translator: Translator
) -> None:
    expected = alone(translator, SENTENCES[:2])
    long = engine.submit(
        engine.request(engine.tokenize("Once upon a time"), GenerationConfig(max_tokens=700))
    )
    assert long.result(timeout=120).completion_tokens > 0
    assert engine.scheduler.sequence_cells >= 700  # rebuilt larger: 512 cells per sequence could not hold it
    assert alone(translator, SENTENCES[:2]) == expected


def test_sampling_is_repeatable_with_a_seed(engine: Engine) -> None:
    sampled = GenerationConfig(temperature=0.8, max_tokens=12, seed=7)
    translator = Translator(engine, resolve_language("fra_Latn"), resolve_language("eng_Latn"), sampled)
    first = [r.translation for r in translate_segments(translator, SENTENCES[:3])]
    second = [r.translation for r in translate_segments(translator, SENTENCES[:3])]
    assert first == second
    assert all(first)


def test_translate_command_batches_a_file_keeping_lines_and_blanks(builtin_model_path: Path) -> None:
    from bayling_local.runs.translate import TranslateJob, run_translate

    lines = ["Good morning.", "", "The cat is black.", "I like tea.", "   ", "It is raining."]
    job = TranslateJob(
        lines=lines,
        settings=TranslationSettings(
            resolve_language("fra_Latn"),
            resolve_language("eng_Latn"),
            runtime=RuntimeConfig(model=str(builtin_model_path), ctx=1024),
            generation=GenerationConfig(max_tokens=16),
            parallel=2,
        ),
        as_json=True,
    )
    printed: list[str] = []
    run_translate(job, printed.append)
    rows = [json.loads(line) for line in "".join(printed).splitlines()]
    assert [row["source"] for row in rows] == lines
    assert [bool(row["translation"]) for row in rows] == [bool(line.strip()) for line in lines]


def test_long_line_is_translated_in_pieces_inside_a_batch(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    translator = Translator(
        engine, resolve_language("fra_Latn"), resolve_language("eng_Latn"), GenerationConfig(max_tokens=12)
    )
    long_line = " ".join(["The weather is nice today and we walk to the park."] * 22)
    results = translate_segments(translator, ["Good morning.", long_line, "I like tea."], progress=True)
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


def test_a_paragraph_comes_back_whole_sentence_by_sentence(engine: Engine, flores_dir: Path) -> None:
    """Six FLORES sentences on one line used to come back as one short sentence (47 of 890 characters)."""
    sentences = (flores_dir / "eng_Latn.txt").read_text(encoding="utf-8").splitlines()[40:46]
    paragraph = " ".join(sentences)
    translator = Translator(
        engine, resolve_language("fra_Latn"), resolve_language("eng_Latn"), GenerationConfig(max_tokens=96)
    )
    result = translate_segments(translator, [paragraph])[0]
    assert result.pieces == 6
    assert len(result.translation) > 0.5 * len(paragraph)
    assert "\n" not in result.translation
