"""The real built-in model through real llama.cpp: what a user sees from `translate`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from bayling_local.cli import cli
from bayling_local.config import GenerationConfig, RuntimeConfig
from bayling_local.llama.engine import Engine
from bayling_local.prompts.formats import Message

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def engine(builtin_model_path: Path) -> Iterator[Engine]:
    loaded = Engine(builtin_model_path, RuntimeConfig(ctx=2048))
    yield loaded
    loaded.close()


def translate(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["translate", *args], input=input)


def test_english_sentence_to_french() -> None:
    result = translate("The weather is nice today.", "--to", "fra_Latn")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    assert lines[0].strip() and lines[0].strip() != "The weather is nice today."
    assert "built-in Gemma-3-270M" in result.stderr  # the user is told which model ran, once
    assert result.stderr.count("built-in") == 1


def test_file_with_blank_line_keeps_five_lines(tmp_path: Path) -> None:
    source = tmp_path / "in.txt"
    source.write_text("Good morning.\nI like tea.\n\nThe cat sleeps.\nThank you.\n", encoding="utf-8")
    out = tmp_path / "out.txt"
    result = translate("--to", "de", "--from", "en", "-i", str(source), "-o", str(out))
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == ""  # file ends with a newline
    lines = lines[:-1]
    assert len(lines) == 5
    assert lines[2] == ""
    assert all(line.strip() for i, line in enumerate(lines) if i != 2)
    assert result.stdout == ""


def test_stdin_and_json_output() -> None:
    result = translate("--to", "english", "--json", input="Guten Morgen\n")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout.strip())
    assert record["source"] == "Guten Morgen"
    assert record["target_language"] == "eng_Latn"
    assert record["translation"]
    assert record["completion_tokens"] > 0 and record["prompt_tokens"] > 0
    assert record["seconds"] > 0
    assert record["model"]


def test_engine_streams_the_same_text_it_returns(engine: Engine) -> None:
    pieces: list[str] = []
    result = engine.generate(
        "The capital of France is", GenerationConfig(max_tokens=12), on_text=pieces.append
    )
    assert "".join(pieces) == result.text
    assert result.completion_tokens <= 12
    assert result.stop_reason in {"stop", "length"}


def test_stop_string_ends_generation(engine: Engine) -> None:
    prompt = "English: Hello\nFrench: Bonjour\nEnglish: Thank you\nFrench:"
    result = engine.generate(prompt, GenerationConfig(max_tokens=40), stop_strings=("\n",))
    assert "\n" not in result.text.strip()
    assert result.stop_reason == "stop"


def test_chat_turns_reuse_the_cache(engine: Engine) -> None:
    history = [Message("user", "Name a color.")]
    first = engine.chat(history, GenerationConfig(max_tokens=8))
    history += [Message("assistant", first.text), Message("user", "Name another one.")]
    before = engine.scheduler.prompt_tokens_read
    second = engine.chat(history, GenerationConfig(max_tokens=8))
    evaluated = engine.scheduler.prompt_tokens_read - before
    # Only the part after the shared prefix is read again, not the whole conversation.
    assert evaluated < second.prompt_tokens - first.prompt_tokens + 2
    assert second.text


def test_greedy_translation_is_deterministic(engine: Engine) -> None:
    from bayling_local.language.names import resolve_language
    from bayling_local.translation.batch import translate_text
    from bayling_local.translation.translator import Translator

    translator = Translator(engine, resolve_language("fr"), resolve_language("en"))
    first = translate_text(translator, "I have two brothers.")
    again = translate_text(translator, "I have two brothers.")
    assert first.translation == again.translation != ""


def test_long_segment_is_split_to_fit_a_small_context() -> None:
    sentence = "The old library in the centre of the town opens every morning at nine o'clock. "
    text = (sentence * 12).strip()
    result = translate(text, "--to", "fr", "--from", "en", "--ctx", "384", "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["pieces"] > 1  # split at sentence boundaries instead of overflowing or cutting
    assert len(record["translation"]) > len(sentence)


def test_the_base_model_answers_a_chat_instead_of_echoing_it(engine: Engine) -> None:
    request = "Write one short sentence about the sea."
    answer = engine.chat([Message("user", request)], GenerationConfig(max_tokens=32)).text.strip()
    assert answer and answer.rstrip(".").casefold() != request.rstrip(".").casefold()
    assert request.casefold() not in answer.casefold()
