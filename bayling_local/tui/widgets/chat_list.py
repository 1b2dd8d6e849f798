"""Sidebar: the saved chats, most recent first; selecting one resumes it."""

from __future__ import annotations

from textual.widgets import Label, ListItem, ListView

from ...chats.store import Chat


class ChatItem(ListItem):
    """One chat in the list."""

    def __init__(self, chat: Chat) -> None:
        super().__init__(Label(chat.title, markup=False))
        self.chat_id = chat.id


class ChatList(ListView):
    """The saved chats."""

    BORDER_TITLE = "Chats"

    async def show(self, chats: list[Chat], current: int | None) -> None:
        await self.clear()
        await self.extend([ChatItem(chat) for chat in chats])
        ids = [chat.id for chat in chats]
        self.index = ids.index(current) if current in ids else None

    def on_focus(self) -> None:
        # Arriving with Tab on a list with nothing highlighted: highlight the newest chat so Enter opens it.
        if self.index is None and len(self):
            self.index = 0
