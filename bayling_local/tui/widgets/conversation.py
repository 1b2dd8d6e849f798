"""The scrolling conversation: message views and notices, kept scrolled to the newest text."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets import Static

from .message_view import MessageView


class Conversation(VerticalScroll):
    """All turns of the open chat."""

    def on_mount(self) -> None:
        self.anchor()  # follow new text until the user scrolls up

    async def add_message(self, role: str, text: str = "") -> MessageView:
        view = MessageView(role, text)
        await self.mount(view)
        self.anchor()
        return view

    async def add_notice(self, text: str) -> Static:
        notice = Static(text, classes="notice")
        await self.mount(notice)
        self.anchor()
        return notice

    async def clear(self) -> None:
        await self.remove_children()

    def last_answer(self) -> str:
        answers = [view.text for view in self.query(MessageView) if view.role == "assistant" and view.text]
        return answers[-1] if answers else ""
