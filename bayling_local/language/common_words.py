"""Everyday words as evidence on a few words of text: the words people commonly write in 39 widely used
languages (`data/common_words.json.gz`, from wordfreq's lists by `scripts/make_common_words.py`).

Character n-grams learnt from FLORES's news prose know "morgon" and "dia" only as pieces of words, and a
small neighbour's n-grams often fit a greeting as well as the big language's ("God morgon" came out Luo,
"Bom dia" Malagasy). When every word of a short text is a common word of a language, that language gets
evidence in proportion to how common its words are; a language that lacks any of them gets none, so a
sentence of a small language that happens to share a word with a big one is not pulled towards it.
"""

from __future__ import annotations

import functools
import gzip
import json
import math
import unicodedata
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

FLOOR_ZIPF = 2.0
"""Zipf value a word is compared with: one in ten million words (evidence = how far above it a word is)."""


@functools.cache
def _lists() -> dict[str, dict[str, float]]:
    source = resources.files(__package__).joinpath("data", "common_words.json.gz")
    with source.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as handle:
        words: dict[str, dict[str, float]] = json.load(handle)["words"]
    return words


def words_of(text: str) -> list[str]:
    """The words of `text` as the lists hold them: runs of letters and the marks that go with them (an
    Indic vowel sign is part of its word), case folded; numbers and punctuation left out."""
    words, current = [], []
    for char in text.casefold():
        if unicodedata.category(char)[0] in "LM":
            current.append(char)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


def evidence(text: str, codes: tuple[str, ...]) -> np.ndarray:
    """For each of `codes`, the natural-log evidence that `text` is in it: the mean of its words' Zipf
    values above `FLOOR_ZIPF`, when every word is one of its common words; 0 otherwise (and for languages
    without a list)."""
    import numpy as np

    found = np.zeros(len(codes))
    words = words_of(text)
    if not words:
        return found
    lists = _lists()
    for position, code in enumerate(codes):
        common = lists.get(code)
        if common is None:
            continue
        zipfs = [common.get(word) for word in words]
        if all(zipf is not None for zipf in zipfs):
            found[position] = math.log(10) * sum(z - FLOOR_ZIPF for z in zipfs if z is not None) / len(words)
    return found
