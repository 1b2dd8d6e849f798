"""A stand-in translator for the glossary tests that honours the prompt's glossary line or not, as told.

It answers like `documents.flip` (each word reversed and upper-cased, markers kept), except for the terms
the prompt names in its `Glossary (...)` line, which it writes as their target terms when it honours them."""

from __future__ import annotations

import re

from documents.flip import FlipEngine, flip

from bayling_local.engine.requests import Request
from bayling_local.translation.markers import strip_markers


class TermEngine(FlipEngine):
    def __init__(self, honours: str = "always", keeps_markers: bool = True) -> None:
        super().__init__()
        self.honours = honours
        """`always`, `retry` (only a strict retry's prompt), or `never`."""
        self.keeps_markers = keeps_markers
        self.prompts: list[str] = []  # type: ignore[assignment]

    def reply(self, prompt: str, request: Request) -> str:
        self.prompts.append(prompt)
        lines = prompt.split("\n")
        source = lines[-2].split(": ", 1)[1]
        pairs: list[tuple[str, str]] = []
        if lines[-3].startswith("Glossary ("):
            pairs = [tuple(p.split(" = ", 1)) for p in lines[-3].split("): ", 1)[1].split("; ")]  # type: ignore[misc]
        strict = "never copy it" in lines[0]
        honour = self.honours == "always" or self.honours == "retry" and strict
        answer = _translate(source, pairs if honour else [])
        return answer if self.keeps_markers else strip_markers(answer)


def _translate(source: str, pairs: list[tuple[str, str]]) -> str:
    kept: list[str] = []
    for before, after in pairs:
        pattern = re.compile(re.escape(before), re.IGNORECASE)
        if pattern.search(source):
            source = pattern.sub(f"\x00{len(kept)}\x00", source)
            kept.append(after)
    out = flip(source)
    for number, after in enumerate(kept):
        out = out.replace(f"\x00{number}\x00", after)
    return out
