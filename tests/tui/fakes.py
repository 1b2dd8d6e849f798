"""A fake engine with the surface the chat code uses (chat, generate, count_tokens, n_ctx, format, name).

It streams canned text word by word with tiny delays, honours the cancel event, and counts one token per word,
so tests can fill the context on purpose.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

from bayling_local.config import GenerationConfig, RuntimeConfig
from bayling_local.engine import GenerationResult
from bayling_local.errors import ModelError
from bayling_local.templates import FEWSHOT, Message, PromptFormat

DEFAULT_ANSWER = "Hello! **Bonjour** is French for *good morning*."


class FakeEngine:
    def __init__(
        self,
        answer: str = DEFAULT_ANSWER,
        n_ctx: int = 4096,
        delay: float = 0.002,
        translation: str = "Bonjour le monde",
        fixed_seconds: float | None = None,
    ) -> None:
        self.name = "fake-model"
        self.n_ctx = n_ctx
        self.format: PromptFormat = FEWSHOT
        self.answer = answer
        self.translation = translation
        self.delay = delay
        self.fixed_seconds = fixed_seconds
        """Report this duration instead of the real one (stable tokens/s for snapshots)."""
        self.prompts: list[list[Message]] = []
        self.closed = False

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def chat(
        self,
        messages: Sequence[Message],
        generation: GenerationConfig,
        *,
        on_text: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> GenerationResult:
        self.prompts.append(list(messages))
        prompt_tokens = self.count_tokens(self.format.render(list(messages), True))
        return self._stream(self.answer, prompt_tokens, generation.max_tokens, on_text, cancel)

    def generate(
        self,
        prompt: str,
        generation: GenerationConfig,
        *,
        on_text: Callable[[str], None] | None = None,
        stop_strings: Sequence[str] = (),
        max_tokens: int | None = None,
        cancel: threading.Event | None = None,
    ) -> GenerationResult:
        return self._stream(
            " " + self.translation, self.count_tokens(prompt), max_tokens or 512, on_text, cancel
        )

    def _stream(
        self,
        text: str,
        prompt_tokens: int,
        limit: int,
        on_text: Callable[[str], None] | None,
        cancel: threading.Event | None,
    ) -> GenerationResult:
        started = time.perf_counter()
        words = text.split(" ")
        produced: list[str] = []
        reason = "stop"
        for index, word in enumerate(words[:limit]):
            if cancel is not None and cancel.is_set():
                reason = "cancelled"
                break
            piece = word if index == 0 else " " + word
            produced.append(piece)
            if on_text is not None:
                on_text(piece)
            time.sleep(self.delay)
        seconds = self.fixed_seconds if self.fixed_seconds is not None else time.perf_counter() - started
        return GenerationResult("".join(produced), prompt_tokens, len(produced), seconds, 0.0, reason)

    def close(self) -> None:
        self.closed = True


class FakeLoader:
    """RuntimeConfig -> FakeEngine; remembers what it was asked to load, can be told to fail."""

    def __init__(self, engine: FakeEngine | None = None, fail: str | None = None) -> None:
        self.engine = engine or FakeEngine()
        self.fail = fail
        self.loaded: list[RuntimeConfig] = []

    def __call__(self, runtime: RuntimeConfig) -> FakeEngine:
        self.loaded.append(runtime)
        if self.fail:
            raise ModelError(self.fail)
        self.engine.n_ctx = runtime.ctx if runtime.ctx != 4096 else self.engine.n_ctx
        return self.engine
