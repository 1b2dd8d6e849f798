"""One conversation with a model, shared by the TUI and the plain REPL.

The whole conversation is rendered and sent each turn; the engine keeps the longest common prefix of its KV
cache, so only the new turn is read. When the conversation outgrows the context, the oldest turns are left out
(`FittedPrompt.dropped`) and the caller shows a notice.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..config import GenerationConfig, RuntimeConfig
from ..prompts.formats import Message
from .context import FittedPrompt, fit_conversation
from .settings import ChatSettings

if TYPE_CHECKING:
    from ..engine.protocol import EngineLike
    from ..engine.requests import GenerationResult

EngineLoader = Callable[[RuntimeConfig], "EngineLike"]


# Requests a chat's model decodes at once: a chat answer and the translation pane's lines. Every slot's KV
# stream grows to the chat's context, so more slots would multiply the cache for a 7B model.
CHAT_SLOTS = 2


def default_loader(runtime: RuntimeConfig) -> EngineLike:
    """Load models like `translate` does (store name, path, installed BayLing, else the built-in)."""
    from ..store.opening import open_engine

    return open_engine(runtime, slots=CHAT_SLOTS)


class EngineHolder:
    """Keeps one loaded model; loads another only when a chat asks for a different model or context size."""

    def __init__(self, loader: EngineLoader) -> None:
        self.loader = loader
        self._lock = threading.Lock()
        self._key: tuple[Any, ...] | None = None
        self._engine: EngineLike | None = None
        self._notice: str | None = None

    @staticmethod
    def key(runtime: RuntimeConfig) -> tuple[Any, ...]:
        return (runtime.model, runtime.ctx, runtime.template, runtime.threads, runtime.n_gpu_layers)

    def loaded(self, runtime: RuntimeConfig) -> EngineLike | None:
        """The engine for `runtime` if it is already loaded."""
        return self._engine if self._key == self.key(runtime) else None

    def get(self, runtime: RuntimeConfig) -> EngineLike:
        """The engine for `runtime`, loading it (in the calling thread) if needed."""
        with self._lock:
            if self._engine is not None and self._key == self.key(runtime):
                return self._engine
            old, self._engine, self._key = self._engine, None, None
            if old is not None:
                old.close()  # free the old model's memory before loading another
            engine = self.loader(runtime)
            self._engine, self._key, self._notice = engine, self.key(runtime), engine.notice
            return engine

    def take_notice(self) -> str | None:
        """The loaded model's notice ("using the built-in model ..."), once per load."""
        notice, self._notice = self._notice, None
        return notice

    def close(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.close()
            self._engine, self._key = None, None


@dataclass
class ChatSession:
    """The turns of one chat and where its context was last cut."""

    settings: ChatSettings
    history: list[Message] = field(default_factory=list)
    dropped: int = 0
    """Oldest turns currently left out of the prompt (kept while they stay out, so the prefix is stable)."""

    def conversation(self) -> list[Message]:
        system = (
            [Message("system", self.settings.system_prompt)] if self.settings.system_prompt.strip() else []
        )
        return system + list(self.history)

    def fit(self, engine: EngineLike, generation: GenerationConfig) -> FittedPrompt:
        """The prompt messages for the next answer; raises ContextOverflowError if even the last turn won't fit."""

        def count(messages: Sequence[Message]) -> int:
            return engine.count_tokens(engine.format.render(list(messages), True))

        reserve = min(generation.max_tokens, engine.n_ctx // 2)
        fitted = fit_conversation(self.conversation(), count, engine.n_ctx, reserve, self.dropped)
        self.dropped = fitted.dropped
        return fitted

    def answer(
        self,
        engine: EngineLike,
        generation: GenerationConfig,
        on_text: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> tuple[GenerationResult, FittedPrompt]:
        """Answer the last user turn; the answer is appended to the history (also when stopped early)."""
        fitted = self.fit(engine, generation)
        result = engine.chat(fitted.messages, generation, on_text=on_text, cancel=cancel)
        self.history.append(Message("assistant", result.text.strip()))
        return result, fitted

    def clear(self) -> None:
        self.history.clear()
        self.dropped = 0


def drop_notice(dropped: int, n_ctx: int) -> str:
    return (
        f"The conversation outgrew the {n_ctx}-token context: the oldest {dropped} message(s) are no longer "
        "sent to the model (they stay in the chat). Raise the context size in the settings to keep more."
    )
