"""Fitting a conversation into the context window: the oldest turns go first, and the caller is told."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..errors import ContextOverflowError
from ..prompts.formats import Message

# After trimming, leave the prompt at most this share of its budget, so the next turns append to a stable
# prefix (and reuse the KV cache) instead of dropping one more turn, and re-reading everything, every turn.
REFILL_SHARE = 0.6


@dataclass(frozen=True)
class FittedPrompt:
    """The messages to send and how many stored turns were left out."""

    messages: list[Message]
    dropped: int
    """How many of the oldest non-system messages are left out (0: the whole conversation fits)."""
    prompt_tokens: int


def fit_conversation(
    messages: Sequence[Message],
    count_prompt_tokens: Callable[[Sequence[Message]], int],
    n_ctx: int,
    reserve: int,
    already_dropped: int = 0,
) -> FittedPrompt:
    """Drop the oldest turns (never the system prompt, never the newest message) until prompt + reserve fit.

    `already_dropped` keeps an earlier cut: the prompt prefix stays the same from turn to turn.
    """
    system = [m for m in messages[:1] if m.role == "system"]
    turns = list(messages[len(system) :])
    budget = n_ctx - reserve
    dropped = min(already_dropped, max(0, len(turns) - 1))
    tokens = count_prompt_tokens(system + turns[dropped:])
    if tokens <= budget:
        return FittedPrompt(system + turns[dropped:], dropped, tokens)
    target = int(budget * REFILL_SHARE)
    while dropped < len(turns) - 1 and tokens > target:
        dropped += 1
        # A conversation should start with a user turn: drop an assistant turn left at the front too.
        while dropped < len(turns) - 1 and turns[dropped].role != "user":
            dropped += 1
        tokens = count_prompt_tokens(system + turns[dropped:])
    if tokens > budget:
        raise ContextOverflowError(
            f"the last message alone needs {tokens} tokens but only {budget} of the {n_ctx}-token context are "
            "free for the prompt; shorten it or raise the context size in the chat settings"
        )
    return FittedPrompt(system + turns[dropped:], dropped, tokens)
