"""The check-and-retry pipeline through a scripted engine: what is retried, how, what is kept and reported."""

from __future__ import annotations

import dataclasses
import json
from collections import deque
from collections.abc import Callable

import pytest
from sample_texts import FRENCH, SOURCE
from tui.fakes import FakeEngine  # tests/ is on sys.path (rootdir conftest): the fake every tier shares

from bayling_local.config import GenerationConfig
from bayling_local.engine.protocol import EngineLike
from bayling_local.engine.requests import GenerationResult, Handle, Request
from bayling_local.language.names import resolve_language
from bayling_local.llama.scheduler import enqueue
from bayling_local.prompts.formats import BAYLING, FEWSHOT, PromptFormat
from bayling_local.runs.setup import TranslationSettings
from bayling_local.runs.translate import TranslateJob, check_notices, run_translate
from bayling_local.translation.batch import translate_segments
from bayling_local.translation.translator import SegmentResult, Translator

Answer = Callable[[str, Request], str]


class ScriptedEngine(FakeEngine):
    """Answers each request with `answer(prompt text, request)` at once; remembers every prompt it was given."""

    def __init__(self, answer: Answer, format: PromptFormat = FEWSHOT) -> None:
        super().__init__(delay=0)
        self.script = answer
        self.format = format
        self.asked: list[str] = []
        self.requests: list[Request] = []

    def submit(self, request: Request) -> Handle:
        prompt = self.prompt_of(request)
        self.asked.append(prompt)
        self.requests.append(request)
        said = self.script(prompt, request)
        handle = Handle(request)
        handle.push(said)
        handle.finish(GenerationResult(said, len(request.tokens), len(said.split()), 0.01, 0.0, "stop"))
        return handle


def as_engine(engine: ScriptedEngine) -> EngineLike:
    """Never called for its value: mypy checks the fake against the real interface here."""
    return engine


def translate(engine: ScriptedEngine, lines: list[str], retries: int = 2) -> list[SegmentResult]:
    generation = dataclasses.replace(GenerationConfig(), max_retries=retries)
    translator = Translator(engine, resolve_language("fra_Latn"), resolve_language("eng_Latn"), generation)
    return translate_segments(translator, lines, progress=False)


def last_line(prompt: str) -> str:
    """The text a few-shot prompt asks for: its last `English: ...` line."""
    return [line for line in prompt.splitlines() if line.startswith("English:")][-1][len("English: ") :]


def test_an_echo_is_retried_with_the_stricter_prompt_and_the_translation_kept() -> None:
    engine = ScriptedEngine(lambda prompt, _: FRENCH if "never copy" in prompt else last_line(prompt))
    [result] = translate(engine, [SOURCE])
    assert result.translation == FRENCH
    assert result.check is None and result.retries == 1
    assert len(engine.asked) == 2
    assert engine.requests[1].priority > engine.requests[0].priority  # the retry goes ahead of queued work


def test_what_fails_every_attempt_keeps_the_best_and_is_marked() -> None:
    engine = ScriptedEngine(lambda prompt, _: last_line(prompt))
    [result] = translate(engine, [SOURCE])
    assert result.retries == 2 and len(engine.asked) == 3
    assert result.check == "echo" and result.as_json()["check"] == "echo"
    assert result.translation == SOURCE
    second, third = engine.requests[1:]
    assert second.sampling.temperature == 0 < third.sampling.temperature  # strict greedy, then sampled


def test_max_retries_zero_checks_and_reports_without_retrying() -> None:
    engine = ScriptedEngine(lambda prompt, _: last_line(prompt))
    [result] = translate(engine, [SOURCE], retries=0)
    assert len(engine.asked) == 1 and result.retries == 0 and result.check == "echo"


def test_the_best_attempt_is_the_mildest_problem_not_the_last() -> None:
    answers: deque[Callable[[str], str]] = deque(
        [
            lambda _: "Le comité s'est réuni mardi.",
            last_line,
            lambda _: "La bibliothèque ouvre à neuf heures du matin.",
        ]
    )

    def answer(prompt: str, _: Request) -> str:
        return answers.popleft()(prompt)

    [result] = translate(ScriptedEngine(answer), [SOURCE])
    assert result.translation == "Le comité s'est réuni mardi." and result.check == "low-coverage"


def test_a_chat_model_answering_a_paragraph_with_one_sentence_is_retried_sentence_by_sentence() -> None:
    sentences = [
        "The committee met on Tuesday.",
        "It discussed the new budget.",
        "Schools will get more money.",
    ]
    french = {
        "The committee met on Tuesday.": "Le comité s'est réuni mardi.",
        "It discussed the new budget.": "Il a discuté du nouveau budget.",
        "Schools will get more money.": "Les écoles recevront plus d'argent.",
    }

    def answer(prompt: str, _: Request) -> str:
        asked = [s for s in sentences if s in prompt]
        return french[asked[0]] if len(asked) == 1 else "Le comité s'est réuni."

    engine = ScriptedEngine(answer, BAYLING)
    [result] = translate(engine, [" ".join(sentences)])
    assert result.translation == " ".join(french.values())
    assert result.check is None and result.retries == 1 and len(engine.asked) == 4


def test_commentary_is_cleaned_without_a_retry() -> None:
    engine = ScriptedEngine(lambda *_: f"Here is the translation: « {FRENCH} »", BAYLING)
    [result] = translate(engine, [SOURCE])
    assert result.translation == FRENCH and result.retries == 0 and len(engine.asked) == 1


def test_a_retry_jumps_the_queue_but_not_other_retries() -> None:
    waiting: deque[Handle] = deque()
    first, second, retry, later_retry = (Handle(Request([1], 4, priority=p)) for p in (0, 0, 1, 1))
    for handle in (first, second, retry, later_retry):
        enqueue(waiting, handle)
    assert list(waiting) == [retry, later_retry, first, second]


def test_the_summary_counts_retried_and_failing_segments_and_names_them() -> None:
    engine = ScriptedEngine(
        lambda prompt, _: FRENCH if SOURCE in prompt and "never copy" in prompt else last_line(prompt)
    )
    results = translate(engine, [SOURCE, "", "It rained all day in the northern region of the country."])
    notices = check_notices(results)
    assert notices[0].startswith("Warning: line(s) 3 (echo) still fail the output checks")
    assert notices[1] == "Checks: 2 of 2 segment(s) retried, 1 still failing."


def test_translate_json_marks_the_failing_segment_and_stderr_names_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    engine = ScriptedEngine(lambda prompt, _: last_line(prompt))
    monkeypatch.setattr("bayling_local.store.opening.open_engine", lambda *a, **k: engine)
    notices: list[str] = []
    out: list[str] = []
    job = TranslateJob(
        lines=[SOURCE],
        settings=TranslationSettings(resolve_language("fra_Latn"), resolve_language("eng_Latn")),
        as_json=True,
        notify=notices.append,
    )
    run_translate(job, out.append)
    record = json.loads("".join(out))
    assert record["check"] == "echo" and record["retries"] == 2
    assert any("line(s) 1 (echo)" in line for line in notices)
