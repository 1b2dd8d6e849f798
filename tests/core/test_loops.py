"""Repetition loops: found in text and in tokens, and the stop condition ends a looping answer at the loop,
long before its token limit; an answer past the characters it may have is ended too."""

from __future__ import annotations

from bayling_local.engine.loops import LoopWatch, has_loop, text_loops, text_units
from bayling_local.llama.stops import StopCondition


def test_a_phrase_said_again_and_again_is_a_loop_in_any_script() -> None:
    assert text_loops("I'm sorry, " * 28)
    assert text_loops("re-" * 40)
    assert text_loops("对不起，" * 10)
    assert text_loops("Bonne journée. " + "Merci beaucoup pour tout. " * 4)


def test_ordinary_text_with_some_repetition_is_not_a_loop() -> None:
    assert not text_loops("No, no, no, I will not come tomorrow, and that is final.")
    assert not text_loops("The very very old house stood by the river, very quiet in the morning.")
    assert not text_loops("第一章，第二章，第三章都很好看。")
    assert not text_loops("1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18")


def test_text_units_are_words_and_marks_or_characters_for_unspaced_scripts() -> None:
    assert text_units("Hello, world!") == ["hello", ",", "world", "!"]
    assert text_units("你好，世界") == ["你", "好", "，", "世", "界"]


def test_the_watch_says_loop_as_soon_as_the_tail_has_come_round_three_times() -> None:
    watch = LoopWatch()
    phrase = [11, 12, 13, 14, 15, 16]  # a six-token phrase: three rounds are 18 tokens
    seen = [watch.add(token) for token in [1, 2, 3] + phrase * 5]
    assert seen.index(True) == 3 + 3 * len(phrase) - 1
    assert has_loop([7] * 16) and not has_loop([7] * 15)


def _run(condition: StopCondition, tokens: list[int]) -> tuple[int, str]:
    """Feed tokens until the condition ends the answer: (how many it took, why)."""
    for count, token in enumerate(tokens, start=1):
        reason = condition.take(token)
        if reason:
            return count, reason
    raise AssertionError("the answer never stopped")


def _condition(stop_on_loop: bool, max_chars: int | None = None) -> StopCondition:
    return StopCondition(
        is_end=lambda token: False,
        token_bytes=lambda token: f"w{token} ".encode(),
        stop_strings=(),
        max_tokens=500,
        stop_on_loop=stop_on_loop,
        max_chars=max_chars,
    )


def test_a_looping_answer_stops_at_the_loop_not_at_its_token_limit() -> None:
    tokens = [1, 2, 3] + [4, 5] * 300
    assert _run(_condition(stop_on_loop=True), tokens) == (3 + 16, "loop")
    assert _run(_condition(stop_on_loop=False), tokens) == (500, "length")


def test_an_answer_longer_than_its_room_stops_as_too_long() -> None:
    capped = _condition(stop_on_loop=False, max_chars=30)
    assert _run(capped, list(range(100, 200))) == (7, "too-long")  # "w100 " is five characters
