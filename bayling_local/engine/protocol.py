"""The surface front-ends use of a loaded model, as a Protocol. Every engine (`llama.engine.Engine`,
`remote.engine.RemoteEngine`) and every test fake is a `base.BaseEngine`, and mypy checks the fakes against
this Protocol (tests/tui/fakes.py)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Protocol

from ..config import GenerationConfig
from ..prompts.formats import Message, PromptFormat
from .requests import GenerationResult, Handle, Request, TextCallback


class EngineLike(Protocol):
    """A loaded model with its prompt format, decoding through a scheduler."""

    name: str
    n_ctx: int
    """KV cells one request may use (prompt plus answer)."""
    format: PromptFormat
    notice: str | None
    """What to tell the user about how this model was chosen, if anything."""

    @property
    def slots(self) -> int:
        """Requests the scheduler decodes at once."""
        ...

    def tokenize(self, text: str, add_bos: bool | None = None) -> list[int]: ...

    def count_tokens(self, text: str) -> int: ...

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
    ) -> Request: ...

    def submit(self, request: Request) -> Handle: ...

    def generate(
        self,
        prompt: str,
        generation: GenerationConfig,
        *,
        on_text: TextCallback | None = None,
        stop_strings: Sequence[str] = (),
        max_tokens: int | None = None,
        cancel: threading.Event | None = None,
    ) -> GenerationResult: ...

    def chat(
        self,
        messages: Sequence[Message],
        generation: GenerationConfig,
        *,
        on_text: TextCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> GenerationResult: ...

    def close(self) -> None: ...
