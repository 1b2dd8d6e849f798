"""Messages that worker threads post to the app (post_message is thread-safe)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.message import Message

if TYPE_CHECKING:
    from ..chats.context import FittedPrompt
    from ..engine import GenerationResult
    from ..translate import SegmentResult


class ModelLoading(Message):
    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label


class ModelReady(Message):
    def __init__(self, name: str, n_ctx: int, seconds: float, notices: list[str]) -> None:
        super().__init__()
        self.name, self.n_ctx, self.seconds, self.notices = name, n_ctx, seconds, notices


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
    def __init__(self, results: list[SegmentResult], stats: dict[str, Any]) -> None:
        super().__init__()
        self.results, self.stats = results, stats
