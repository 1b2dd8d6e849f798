"""Conversations into token ids and labels, with the loss on assistant tokens only.

The text comes from the BayLing templates of `bayling_local.prompts.formats` (the one source of truth). To know
which characters belong to the assistant, each trained assistant message k is located by rendering prefixes:
it starts where `render(messages[:k], add_generation_prompt=True)` ends and stops where
`render(messages[:k+1], add_generation_prompt=False)` ends - so the closing `</s>` / `<|eot_id|>` the template
appends is part of the span and is trained (the model learns to stop). The whole text is then tokenized in one
pass, as the runtime will tokenize it, and a token is labelled when it starts inside a span. (A token that
straddles a span start stays unlabelled; Llama tokenizers never merge the template's final newline with
the answer's first word, so this does not happen with them.)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bayling_local.errors import TrainingError
from bayling_local.prompts.formats import BAYLING, BAYLING3, FEWSHOT, Message, PromptFormat

from ..data.schema import Turn

IGNORE = -100


def render_completion(messages: Sequence[Message], add_generation_prompt: bool = True) -> str:
    """A completion model's own text: each user message as written (e.g. the few-shot translation prompt
    that `translate` sends a base model, ending in `French:`), each answer after a space and ended by the
    newline that ends a completion. Tuning a base model in this form tunes it the way it is run."""
    parts = [m.content if m.role != "assistant" else f" {m.content.strip()}\n" for m in messages]
    return "".join(parts)


COMPLETION = PromptFormat("completion", render_completion, stop_strings=("\n",), is_chat=False)
FORMATS = {"bayling": BAYLING, "bayling3": BAYLING3, "fewshot": FEWSHOT, "completion": COMPLETION}


@dataclass(frozen=True)
class Encoded:
    """One tokenized conversation."""

    input_ids: list[int]
    labels: list[int]
    """input_ids where trained, IGNORE elsewhere (not shifted: the loss shifts)."""


def prompt_format(name: str) -> PromptFormat:
    try:
        return FORMATS[name]
    except KeyError:
        raise TrainingError(f"unknown template {name!r}; use {', '.join(FORMATS)}") from None


def assistant_spans(turns: Sequence[Turn], fmt: PromptFormat) -> tuple[str, list[tuple[int, int]]]:
    """The rendered text and the [start, end) character spans of the trained assistant messages."""
    messages = [Message(t.role, t.content) for t in turns]
    text = fmt.render(messages, False)
    spans = []
    for k, turn in enumerate(turns):
        if turn.role != "assistant" or turn.weight == 0:
            continue
        before = fmt.render(messages[:k], True)
        through = fmt.render(messages[: k + 1], False)
        if not text.startswith(before) or not text.startswith(through) or len(through) <= len(before):
            raise TrainingError(f"template {fmt.name} does not render conversations prefix by prefix")
        spans.append((len(before), len(through)))
    return text, spans


def encode(turns: Sequence[Turn], tokenizer: Any, fmt: PromptFormat, max_length: int) -> Encoded | None:
    """Tokenize one conversation; None when nothing trainable is left after truncation."""
    text, spans = assistant_spans(turns, fmt)
    enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    ids: list[int] = list(enc["input_ids"])
    offsets: list[tuple[int, int]] = [tuple(o) for o in enc["offset_mapping"]]
    labels = [
        token if _inside(start, spans) else IGNORE for token, (start, _) in zip(ids, offsets, strict=True)
    ]
    if tokenizer.bos_token_id is not None:
        ids, labels = [tokenizer.bos_token_id, *ids], [IGNORE, *labels]
    ids, labels = ids[:max_length], labels[:max_length]
    if all(label == IGNORE for label in labels[1:]):  # the first label is never predicted
        return None
    return Encoded(ids, labels)


def _inside(start: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= start < b for a, b in spans)


def encode_all(
    examples: Sequence[Sequence[Turn]], tokenizer: Any, fmt: PromptFormat, max_length: int
) -> list[Encoded]:
    """Encode many; conversations with nothing trainable are dropped."""
    out = []
    for turns in examples:
        item = encode(turns, tokenizer, fmt, max_length)
        if item is not None:
            out.append(item)
    if not out:
        raise TrainingError("no trainable example: every conversation was empty or cut away by max_length")
    return out
