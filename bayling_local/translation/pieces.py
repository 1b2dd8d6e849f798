"""One piece of a segment as a scheduler request: its prompt, shared prefix, token limit and stops.

The first attempt and every retry of a piece are built here, so a retried piece differs from its first attempt
only in what the retry changes (a stricter prompt, sampling) and batching never changes greedy output.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence

from ..engine.loops import text_loops
from ..engine.requests import Request, common_length
from ..language.names import Language
from .checks import length_band
from .translator import Translator

# An attempt may run this much past the longest correct translation (plus a few characters): far enough to
# be judged `too-long`, never much further.
ANSWER_ROOM = 1.5
ANSWER_SLACK = 24
# Probe texts: the prompt tokens two different segments have in common are the shared prefix.
_PROBES = ("A", "Z")


def chunk_request(
    translator: Translator,
    chunk: str,
    source: Language | None,
    *,
    seed_offset: int = 0,
    cancel: threading.Event | None = None,
    max_tokens: int | None = None,
    strict: bool = False,
    terms: Sequence[tuple[str, str]] | None = None,
) -> Request:
    """The scheduler request that translates one piece (`strict`: with the spelled-out prompt of a retry;
    `terms`: the glossary terms to name, None for all the piece holds). `seed_offset` is the segment's index
    in the run (its seed, and the key of its note)."""
    engine = translator.engine
    prompt, limit, stops = translator.chunk_request(chunk, source, strict, terms, seed_offset)
    tokens = engine.tokenize(prompt)
    return engine.request(
        tokens,
        translator.generation,
        max_tokens=min(limit, max_tokens or limit),
        stop_strings=stops,
        shared=common_length(tokens, shared_prefix(translator, source, strict)),
        seed_offset=seed_offset,
        cancel=cancel,
        stop_on_loop=not text_loops(chunk),  # a source that repeats itself may be translated so
        max_chars=answer_room(chunk, source, translator.target),
    )


def answer_room(chunk: str, source: Language | None, target: Language) -> int | None:
    """The most characters an attempt at `chunk` may take: `ANSWER_ROOM` times the longest a correct
    translation into `target` has (`checks.length_band`), so a weak model's rambling answer, or a retry's,
    costs at most about three good answers; None when the piece is too short to judge."""
    band = length_band(chunk, source, target)
    if band is None:
        return None
    return math.ceil(band[1] * len(chunk.strip()) * ANSWER_ROOM) + ANSWER_SLACK


def shared_prefix(translator: Translator, source: Language | None, strict: bool = False) -> list[int]:
    """Prompt tokens shared by every segment with this source language (few-shot examples, system text);
    worked out once per translator, source language and prompt kind."""
    key = (source.code if source else "") + (":strict" if strict else "")
    if key not in translator.prefixes:
        engine = translator.engine
        first, second = (engine.tokenize(translator.prompt(probe, source, strict)) for probe in _PROBES)
        translator.prefixes[key] = first[: common_length(first, second)]
    return translator.prefixes[key]
