"""Split long text at sentence boundaries so every piece fits the context window.

Nothing is ever dropped: pieces are joined back in order, and a sentence longer than the budget is split
further at clause marks, then at spaces, then by characters.
"""

from __future__ import annotations

import re
from collections.abc import Callable

# Sentence ends in many scripts: Latin/Cyrillic/Greek punctuation, CJK full stops, Devanagari danda,
# Arabic/Urdu question mark, Ethiopic full stop, Myanmar and Khmer sentence marks, Armenian full stop.
_SENTENCE_END = re.compile(r"(?<=[.!?;。！？；।॥؟۔።။។։])[\"'”’»)\]]*\s+|(?<=[。！？])")
_CLAUSE_END = re.compile(r"(?<=[,，、;:：])\s*")


def split_sentences(text: str) -> list[str]:
    """Split into sentences, keeping each sentence's trailing punctuation and whitespace."""
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        if end > start:
            pieces.append(text[start:end])
            start = end
    if start < len(text):
        pieces.append(text[start:])
    return [p for p in pieces if p]


def fit_chunks(text: str, count_tokens: Callable[[str], int], budget: int) -> list[str]:
    """Group sentences into chunks of at most `budget` tokens; ''.join(chunks) == text."""
    if budget < 1:
        raise ValueError("token budget must be positive")
    if count_tokens(text) <= budget:
        return [text]
    chunks: list[str] = []
    current = ""
    for sentence in _split_to_budget(text, count_tokens, budget):
        candidate = current + sentence
        if current and count_tokens(candidate) > budget:
            chunks.append(current)
            current = sentence
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks


def _split_to_budget(text: str, count_tokens: Callable[[str], int], budget: int) -> list[str]:
    """Sentences, each broken further (clauses, words, characters) until it fits the budget."""
    out: list[str] = []
    for sentence in split_sentences(text):
        out.extend(_break_down(sentence, count_tokens, budget, level=0))
    return out


_WORD_START = re.compile(r"(?<=\s)(?=\S)")


def _break_down(piece: str, count_tokens: Callable[[str], int], budget: int, level: int) -> list[str]:
    """Split finer and finer (clauses, then words, then character halves) until every part fits."""
    if count_tokens(piece) <= budget or len(piece) <= 1:
        return [piece]
    for finer in range(level, 3):
        parts = _split_level(piece, finer)
        if len(parts) > 1:
            return [out for part in parts for out in _break_down(part, count_tokens, budget, finer)]
    return [piece]


def _split_level(piece: str, level: int) -> list[str]:
    if level == 0:
        return _split_keep(piece, _CLAUSE_END)
    if level == 1:
        return _split_keep(piece, _WORD_START)
    half = len(piece) // 2
    return [piece[:half], piece[half:]]


def _split_keep(text: str, pattern: re.Pattern[str]) -> list[str]:
    """Split at the pattern's match ends, keeping every character."""
    cuts = sorted({m.end() for m in pattern.finditer(text) if 0 < m.end() < len(text)})
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
