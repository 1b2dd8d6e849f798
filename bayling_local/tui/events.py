"""Messages between the parts of the app: worker threads post them (post_message is thread-safe), and the
panes post `UsageChanged` to the app, which owns the status bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from ..chats.context import FittedPrompt
    from ..engine.requests import GenerationResult
    from ..translation.translator import SegmentResult


class ModelLoading(Message):
    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label


class ModelReady(Message):
    def __init__(self, name: str, n_ctx: int, seconds: float, notice: str | None) -> None:
        super().__init__()
        self.name, self.n_ctx, self.seconds, self.notice = name, n_ctx, seconds, notice


class ModelFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class AnswerChunk(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class AnswerDone(Message):
    def __init__(
        self, chat_id: int, result: GenerationResult, fitted: FittedPrompt, dropped_before: int
    ) -> None:
        super().__init__()
        self.chat_id, self.result, self.fitted, self.dropped_before = chat_id, result, fitted, dropped_before


class TaskFailed(Message):
    """A generation or translation failed; `kind` is `answer` or `translation`."""

    def __init__(self, kind: str, error: str) -> None:
        super().__init__()
        self.kind, self.error = kind, error


class TranslationChunk(Message):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class TranslationDone(Message):
    """Every released segment (with `stopped`, the interrupted one last, its partial text kept)."""

    def __init__(
        self, results: list[SegmentResult], tokens: int, seconds: float, prompt_tokens: int, stopped: bool
    ) -> None:
        super().__init__()
        self.results, self.tokens, self.seconds = results, tokens, seconds
        self.prompt_tokens, self.stopped = prompt_tokens, stopped


class UsageChanged(Message):
    """A pane finished generating: its speed and how much of the context it used, for the status bar."""

    def __init__(self, tokens_per_second: float | None, used: int | None, mode: str) -> None:
        super().__init__()
        self.tokens_per_second, self.used, self.mode = tokens_per_second, used, mode
        """`mode`: `Chat` or `Translate`, the status bar shows each mode's own figures."""
