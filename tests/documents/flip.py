"""A deterministic stand-in translator for the document tests: every word between markers comes back
reversed and upper-cased ("Hello" -> "OLLEH"), markers untouched, so a test can write the expected document
by hand. It reads the segment back from the few-shot prompt it was given."""

from __future__ import annotations

import re

from tui.fakes import FakeEngine

from bayling_local.engine.requests import Request
from bayling_local.translation.markers import strip_markers, unmarked_runs

_WORD = re.compile(r"[^\W\d_]+")


def flip(text: str) -> str:
    """The stand-in translation of one marked segment."""
    runs = unmarked_runs(text)
    return "".join(
        run if i % 2 else _WORD.sub(lambda m: m.group(0)[::-1].upper(), run) for i, run in enumerate(runs)
    )


class FlipEngine(FakeEngine):
    def __init__(self, drop_markers: bool = False) -> None:
        super().__init__(delay=0.0)
        self.drop_markers = drop_markers
        """Answer without the markers (a model that loses inline markup), to test the fallback."""
        self.sources: list[str] = []

    def reply(self, prompt: str, request: Request) -> str:
        source = prompt.split("\n")[-2].split(": ", 1)[1]
        self.sources.append(source)
        answer = flip(source)
        return strip_markers(answer) if self.drop_markers else answer
