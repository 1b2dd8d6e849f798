"""A fake engine: a `BaseEngine` like the real ones (mypy checks it against `EngineLike`, see `as_engine`).

It implements only what every engine implements (tokenize, count, submit, close): requests are built by the
base class exactly as for the llama.cpp engine (the format's stop strings and end tokens added, the limits
applied) and come back as real `Handle`s, fed by a small thread that pushes a canned answer word by word
with a delay and stops when the request's cancel event is set, as the scheduler does within a decode step.
One token per word, so tests can fill the context on purpose; the tokens read back as the exact prompt text
(`prompt_of`), so a fake can answer from what it was asked.
"""

from __future__ import annotations

import dataclasses
import re
import threading
import time
from collections.abc import Sequence

from bayling_local.config import GenerationConfig, RuntimeConfig
from bayling_local.engine.base import BaseEngine
from bayling_local.engine.protocol import EngineLike
from bayling_local.engine.requests import GenerationResult, Handle, Request, TextCallback
from bayling_local.errors import ModelError
from bayling_local.prompts.formats import (
    FEWSHOT,
    PLAIN_CHAT_EXAMPLES,
    Message,
    PromptFormat,
    render_plain_chat,
)

DEFAULT_ANSWER = "Hello! **Bonjour** is French for *good morning*."
_WORD = re.compile(r"\s*\S+")


def _bare_chat(messages: Sequence[Message], add_generation_prompt: bool = True) -> str:
    """FEWSHOT's chat without its example exchanges: the context-filling tests count the words of a prompt
    made only of the conversation (their numbers were chosen for that)."""
    return render_plain_chat(messages, add_generation_prompt).replace(PLAIN_CHAT_EXAMPLES, "", 1)


BARE_FEWSHOT = dataclasses.replace(FEWSHOT, render=_bare_chat)


class FakeEngine(BaseEngine):
    """Conversations (`chat`) are answered `answer`; every other request (translation) `translation`."""

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
        self.gate: threading.Event | None = None
        """When set to an event: every answer stops after its first `gate_after` words until it is set."""
        self.gate_after = 1
        self._slots = slots
        self.prompts: list[list[Message]] = []
        """The messages of every chat request."""
        self.results: list[GenerationResult] = []
        """What every request produced, in the order they finished."""
        self.closed = False
        self._vocabulary: dict[str, int] = {}
        self._pieces: list[str] = []
        self._chatting = threading.local()
        self._lock = threading.Lock()

    @property
    def slots(self) -> int:
        return self._slots

    def tokenize(self, text: str, add_bos: bool | None = None) -> list[int]:
        """One token per word (with the white space before it): the same word always gets the same id, so
        shared prefixes are found, and the tokens join back into the text."""
        pieces = _WORD.findall(text)
        rest = text[sum(len(piece) for piece in pieces) :]
        if rest:
            pieces = [*pieces[:-1], pieces[-1] + rest] if pieces else [rest]
        return [self._token(piece) for piece in pieces]

    def _token(self, piece: str) -> int:
        with self._lock:  # translations tokenize from many threads
            token = self._vocabulary.get(piece)
            if token is None:
                token = self._vocabulary[piece] = len(self._pieces)
                self._pieces.append(piece)
            return token

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def prompt_of(self, request: Request) -> str:
        """The prompt text `request` was made from."""
        return "".join(self._pieces[token] for token in request.tokens)

    def reply(self, prompt: str, request: Request) -> str:
        """What the model says to `prompt`: the canned answer in a conversation, else the translation."""
        return self.answer if getattr(self._chatting, "active", False) else " " + self.translation

    def submit(self, request: Request) -> Handle:
        """Start producing the reply to `request` in a thread."""
        return self.produce(request, self.reply(self.prompt_of(request), request))

    def produce(self, request: Request, text: str) -> Handle:
        """A handle streaming `text` word by word, as the scheduler streams tokens."""
        handle = Handle(request)
        threading.Thread(target=self._produce, args=(handle, text), daemon=True).start()
        return handle

    def _produce(self, handle: Handle, text: str) -> None:
        request = handle.request
        started = time.perf_counter()
        produced: list[str] = []
        words = text.split(" ")
        reason = "length" if len(words) > request.max_tokens else "stop"
        for index, word in enumerate(words[: request.max_tokens]):
            if index == self.gate_after and self.gate is not None:
                self.gate.wait()
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
        on_text: TextCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> GenerationResult:
        """The base class's chat, remembering the conversation (and answering it with `answer`)."""
        self.prompts.append(list(messages))
        self._chatting.active = True
        try:
            return super().chat(messages, generation, on_text=on_text, cancel=cancel)
        finally:
            self._chatting.active = False

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
