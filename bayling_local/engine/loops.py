"""Repetition loops: a model that says the same token, word or phrase again and again ("I'm sorry, I'm sorry,
...", "re-re-re-re-") until its token limit. One definition serves the scheduler (stop a request as soon as
its answer ends in a loop, `LoopWatch`) and the output checks (`has_loop` on finished text).

A loop is a stretch of `items` (tokens, words or characters) with period `p` (each item equal to the one `p`
before it) covering at least `min_span(p)` items: three rounds of the phrase, and never fewer than
`MIN_SPAN` items, so "no, no, no" or a doubled word in ordinary text is not one.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Sequence

MAX_PERIOD = 24
"""The longest phrase (in items) whose repetition is looked for."""
MIN_SPAN = 16
"""Items a loop covers at least, whatever its period."""
ROUNDS = 3
"""Times a phrase must come round (its period times this) at least."""


def min_span(period: int, floor: int = MIN_SPAN) -> int:
    """Items a stretch of this period must cover to count as a loop."""
    return max(ROUNDS * period, floor)


# Scripts written without spaces between words loop character by character; others word by word.
_UNSPACED = "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff"
_UNITS = re.compile(rf"[{_UNSPACED}]|[^\W{_UNSPACED}]+|[^\w\s]")


def text_units(text: str) -> list[str]:
    """The items a text loops in: each character of a script written without spaces (Chinese, Japanese,
    Thai, ...), each word of the others, each punctuation mark."""
    return _UNITS.findall(text.casefold())


def text_loops(text: str) -> bool:
    """Whether `text` holds a repetition loop, counted in `text_units`."""
    return has_loop(text_units(text))


def has_loop(items: Sequence[Hashable], floor: int = MIN_SPAN, max_period: int = MAX_PERIOD) -> bool:
    """Whether any stretch of `items` is a loop (anywhere, not only at the end)."""
    for period in range(1, max_period + 1):
        needed = min_span(period, floor) - period  # positions equal to the one `period` before
        run = 0
        for position in range(period, len(items)):
            run = run + 1 if items[position] == items[position - period] else 0
            if run >= needed:
                return True
    return False


class LoopWatch:
    """Follows an answer token by token and says when its end has become a loop (the scheduler's stop)."""

    def __init__(self, floor: int = MIN_SPAN, max_period: int = MAX_PERIOD) -> None:
        self.floor = floor
        self.max_period = max_period
        self.tokens: list[int] = []
        self.runs = [0] * (max_period + 1)
        """For each period, how many of the latest tokens equal the token that many before them."""

    def add(self, token: int) -> bool:
        """Take the next token; True when the answer now ends in a loop."""
        tokens = self.tokens
        tokens.append(token)
        looped = False
        for period in range(1, min(self.max_period, len(tokens) - 1) + 1):
            if tokens[-1] == tokens[-1 - period]:
                self.runs[period] += 1
                looped = looped or self.runs[period] >= min_span(period, self.floor) - period
            else:
                self.runs[period] = 0
        return looped
