"""A fake engine implementing `EngineLike` (mypy checks it against the Protocol, see `as_engine`).

Requests are real `Request`s and come back as real `Handle`s, fed by a small thread that pushes canned text
word by word with a delay and stops when the request's cancel event is set, like the scheduler does within a
decode step. One token per word, so tests can fill the context on purpose.
"""

from __future__ import annotations

import dataclasses
import threading
import time
import zlib
from collections.abc import Callable, Sequence

from bayling_local.config import GenerationConfig, RuntimeConfig
from bayling_local.errors import ModelError
from bayling_local.llama.protocol import EngineLike, PromptMethods
from bayling_local.llama.requests import GenerationResult, Handle, Request
from bayling_local.templates import FEWSHOT, Message, PromptFormat, render_plain_chat

DEFAULT_ANSWER = "Hello! **Bonjour** is French for *good morning*."


def _bare_chat(messages: Sequence[Message], add_generation_prompt: bool = True) -> str:
    """FEWSHOT's chat without its example exchanges: the context-filling tests count the words of a prompt
    made only of the conversation (their numbers were chosen for that)."""
    from bayling_local.templates import PLAIN_CHAT_EXAMPLES

    return render_plain_chat(messages, add_generation_prompt).replace(PLAIN_CHAT_EXAMPLES, "", 1)


BARE_FEWSHOT = dataclasses.replace(FEWSHOT, render=_bare_chat)


class FakeEngine(PromptMethods):
    """Chat requests answer `answer`; every other request (translation) answers `translation`."""

    def __init__(
        self,
        answer: str = DEFAULT_ANSWER,
        n_ctx: int = 4096,
        delay: float = 0.002,
        translation: str = "Bonjour le monde",
        fixed_seconds: float | None = None,
        slots: int = 4,
    ) -> None:
        self.name = "fake-model"
        self.n_ctx = n_ctx
        self.format: PromptFormat = BARE_FEWSHOT
        self.notice: str | None = None
        self.answer = answer
        self.translation = translation
        self.delay = delay
        """Seconds between two words."""
        self.fixed_seconds = fixed_seconds
        """Report this duration instead of the real one (stable tokens/s for snapshots)."""
        self._slots = slots
        self.prompts: list[list[Message]] = []
        """The messages of every chat request."""
        self.results: list[GenerationResult] = []
        """What every request produced, in the order they finished."""
        self.closed = False

    @property
    def slots(self) -> int:
        return self._slots

    def tokenize(self, text: str, add_bos: bool | None = None) -> list[int]:
        """One token per word: the same word always gets the same id, so shared prefixes are found."""
        return [zlib.crc32(word.encode()) for word in text.split()]

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def request(
        self,
        tokens: list[int],
        generation: GenerationConfig,
        *,
        max_tokens: int | None = None,
        stop_strings: Sequence[str] = (),
        shared: int = 0,
        seed_offset: int = 0,
        cancel: threading.Event | None = None,
    ) -> Request:
        return Request.for_generation(
            tokens,
            generation,
            max_tokens=max_tokens,
            stop_strings=stop_strings,
            shared=shared,
            seed_offset=seed_offset,
            cancel=cancel,
        )

    def submit(self, request: Request, text: str | None = None) -> Handle:
        """Start producing `text` (default: the canned translation) for `request` in a thread."""
        handle = Handle(request)
        canned = " " + self.translation if text is None else text
        threading.Thread(target=self._produce, args=(handle, canned), daemon=True).start()
        return handle

    def _produce(self, handle: Handle, text: str) -> None:
        request = handle.request
        started = time.perf_counter()
        produced: list[str] = []
        reason = "stop"
        for index, word in enumerate(text.split(" ")[: request.max_tokens]):
            if request.cancel.is_set():
                reason = "cancelled"
                break
            piece = word if index == 0 else " " + word
            produced.append(piece)
            handle.push(piece)
            time.sleep(self.delay)
        seconds = self.fixed_seconds if self.fixed_seconds is not None else time.perf_counter() - started
        result = GenerationResult("".join(produced), len(request.tokens), len(produced), seconds, 0.0, reason)
        self.results.append(result)
        handle.finish(result)

    def chat(
        self,
        messages: Sequence[Message],
        generation: GenerationConfig,
        *,
        on_text: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> GenerationResult:
        self.prompts.append(list(messages))
        tokens = self.tokenize(self.format.render(list(messages), True))
        request = self.request(tokens, generation, cancel=cancel)
        return self.submit(request, self.answer).stream(on_text)

    def close(self) -> None:
        self.closed = True


def as_engine(engine: FakeEngine) -> EngineLike:
    """Never called for its value: mypy checks here that FakeEngine matches the real interface."""
    return engine


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
