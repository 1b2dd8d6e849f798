"""`BaseEngine`: how a prompt becomes a request and a request an answer, written once for every engine.

An engine says how it tokenizes and counts, how it decodes a submitted request, and how it closes; the
requests themselves (the prompt format's stop strings and end tokens added, the token limit applied) and
the blocking `generate` and `chat` are the same for the local llama.cpp engine, a remote server and the test
fakes, so a fake is asked exactly what the real engine is asked.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections.abc import Sequence

from ..config import GenerationConfig
from ..prompts.formats import Message, PromptFormat
from .requests import GenerationResult, Handle, Request, TextCallback


class BaseEngine(ABC):
    """A model with its prompt format, decoding submitted requests (see `protocol.EngineLike`)."""

    name: str
    """What the model is called (a store name, a file name, the server's model id)."""
    n_ctx: int
    """KV cells one request may use: its prompt plus its answer."""
    format: PromptFormat
    """How conversations and translation requests are written for this model."""
    notice: str | None = None
    """What to tell the user about how this model was chosen, if anything."""
    end_tokens: frozenset[int] = frozenset()
    """Token ids that end an answer besides the vocabulary's own end-of-generation tokens (the format's
    stop tokens, such as `<|eot_id|>`, where the vocabulary has them)."""

    @property
    @abstractmethod
    def slots(self) -> int:
        """Requests decoded at once."""

    @abstractmethod
    def tokenize(self, text: str, add_bos: bool | None = None) -> list[int]:
        """The tokens of `text` (special-token texts as their tokens); `add_bos` None: as the model wants."""

    @abstractmethod
    def count_tokens(self, text: str) -> int:
        """How many tokens `text` is, without BOS."""

    @abstractmethod
    def submit(self, request: Request) -> Handle:
        """Queue `request` for decoding; the handle streams its text and gives its result."""

    @abstractmethod
    def close(self) -> None:
        """Stop decoding (cancelling what is left) and free what the engine holds."""

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
        stop_on_loop: bool = False,
        max_chars: int | None = None,
    ) -> Request:
        """A request for this model: sampled as `generation` says, its format's stop strings and end tokens
        added, limited to `max_tokens` (and the generation's own limit). `shared`: leading tokens many
        requests have in common (an engine without a prefix cache ignores it). `stop_on_loop`: end the
        answer as soon as it loops (`engine.loops`); `max_chars`: end it once its text is longer."""
        return Request.for_generation(
            tokens,
            generation,
            max_tokens=max_tokens,
            stop_strings=tuple(stop_strings) + self.format.stop_strings,
            shared=shared,
            seed_offset=seed_offset,
            cancel=cancel,
            end_tokens=self.end_tokens,
            stop_on_loop=stop_on_loop,
            max_chars=max_chars,
        )

    def generate(
        self,
        prompt: str,
        generation: GenerationConfig,
        *,
        on_text: TextCallback | None = None,
        stop_strings: Sequence[str] = (),
        max_tokens: int | None = None,
        cancel: threading.Event | None = None,
    ) -> GenerationResult:
        """Continue `prompt` (rendered, without BOS), streaming text to `on_text`; blocks until done."""
        request = self.request(
            self.tokenize(prompt), generation, max_tokens=max_tokens, stop_strings=stop_strings, cancel=cancel
        )
        return self.submit(request).stream(on_text)

    def chat(
        self,
        messages: Sequence[Message],
        generation: GenerationConfig,
        *,
        on_text: TextCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> GenerationResult:
        """Answer the conversation in this model's prompt format; blocks until done."""
        return self.generate(
            self.format.render(list(messages), True), generation, on_text=on_text, cancel=cancel
        )
