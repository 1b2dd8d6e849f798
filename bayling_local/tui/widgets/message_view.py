"""One turn of the conversation: who spoke, and the text rendered as Markdown (streamed while it arrives)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Markdown
from textual.widgets._markdown import MarkdownStream

ROLE_TITLES = {"user": "You", "assistant": "Assistant", "system": "System", "notice": "Notice"}


class MessageView(Vertical):
    """A role label over a Markdown body."""

    def __init__(self, role: str, text: str = "", **kwargs: object) -> None:
        super().__init__(classes=f"message {role}", **kwargs)  # type: ignore[arg-type]
        self.role = role
        self.text = text
        self._stream: MarkdownStream | None = None

    def compose(self) -> ComposeResult:
        yield Label(ROLE_TITLES.get(self.role, self.role), classes="role")
        yield Markdown(self.text, classes="body")

    @property
    def body(self) -> Markdown:
        return self.query_one(Markdown)

    async def append(self, piece: str) -> None:
        """Add streamed text. MarkdownStream coalesces pieces that arrive faster than they render."""
        if self._stream is None:
            self._stream = Markdown.get_stream(self.body)
        if not self.text:
            piece = piece.lstrip()  # completion models start with a blank; don't show it
        self.text += piece
        await self._stream.write(piece)

    async def finish(self, text: str, suffix: str = "") -> None:
        """Show the final text (what the store keeps) once the stream ends."""
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None
        self.text = text
        await self.body.update(text + suffix)
