"""Chat mode: sending, streaming answers, and managing chats (new, resume, rename, delete, export, settings).

A mixin of BaylingApp (methods annotate `self`), kept apart so each module stays small.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work

from ..chats import ChatSession, ChatSettings, drop_notice, export_chat
from ..errors import BaylingError
from ..templates import Message
from . import events, workers
from .base import AppState
from .widgets.chat_list import ChatItem, ChatList
from .widgets.conversation import Conversation
from .widgets.message_view import MessageView
from .widgets.prompt_input import PromptInput
from .widgets.status_bar import StatusBar

if TYPE_CHECKING:
    from textual.widgets import ListView


TITLE_LENGTH = 40


class ChatActions(AppState):
    """Chat-mode behaviour of the app."""

    async def on_prompt_input_submitted(self, message: PromptInput.Submitted) -> None:
        if message.prompt_input.id == "prompt":
            await self.send(message.text)
        else:
            self.translate_text(message.text)

    async def send(self, text: str) -> None:
        """Save the user's turn, show it, and start answering in a worker thread."""
        if not text.strip():
            return
        cancel = self.start_task()
        if cancel is None:
            return
        if self.chat is None:
            title = " ".join(text.split())[:TITLE_LENGTH] or "New chat"
            self.chat = self.store.create_chat(title, self.session.settings.as_dict())
            self.sub_title = self.chat.title
            await self.refresh_chats()
        self.store.add_message(self.chat.id, "user", text)
        self.session.history.append(Message("user", text))
        self.query_one("#prompt", PromptInput).clear()
        conversation = self.query_one(Conversation)
        await conversation.add_message("user", text)
        self.answer_view = await conversation.add_message("assistant")
        self.generate(self.chat.id, cancel)

    @work(thread=True, group="task", exit_on_error=False)
    def generate(self, chat_id: int, cancel: threading.Event) -> None:
        engine = workers.load_model(self.engines, self.runtime(), self.post_message, self.load_notices)
        if engine is None:
            self.post_message(events.TaskFailed("answer", "no model is loaded; pick another model with F2"))
            if self.session.history and self.session.history[-1].role == "user":
                self.session.history.pop()
            return
        generation = self.session.settings.generation(self.options.generation)
        workers.answer(chat_id, self.session, engine, generation, cancel, self.post_message)

    async def on_answer_chunk(self, message: events.AnswerChunk) -> None:
        if isinstance(self.answer_view, MessageView):
            await self.answer_view.append(message.text)

    async def on_answer_done(self, message: events.AnswerDone) -> None:
        self.busy = False
        result, fitted = message.result, message.fitted
        text = result.text.strip()
        stopped = result.stop_reason == "cancelled"
        if isinstance(self.answer_view, MessageView):
            await self.answer_view.finish(text, "\n\n*(stopped)*" if stopped else "")
        self.answer_view = None
        self.store.add_message(message.chat_id, "assistant", text, result.completion_tokens, result.seconds)
        self.query_one(StatusBar).set_usage(
            result.tokens_per_second, fitted.prompt_tokens + result.completion_tokens
        )
        if fitted.dropped > message.dropped_before:
            notice = drop_notice(fitted.dropped, self.engines_n_ctx())
            await self.query_one(Conversation).add_notice(notice)
            self.notify(notice, title="Context full", severity="warning", timeout=10)
        if stopped:
            self.notify("Stopped.", timeout=3)

    def engines_n_ctx(self) -> int:
        engine = self.engines.loaded(self.runtime())
        return engine.n_ctx if engine is not None else self.session.settings.ctx

    async def task_failed(self, message: events.TaskFailed) -> None:
        if message.kind == "answer" and isinstance(self.answer_view, MessageView):
            await self.answer_view.finish("", "*(no answer: see the notification)*")
            self.answer_view = None
        title = "Answer failed" if message.kind == "answer" else "Translation failed"
        self.notify(message.error, title=title, severity="error", timeout=15)

    # Chat management

    async def refresh_chats(self) -> None:
        await self.query_one(ChatList).show(self.store.list_chats(), self.chat.id if self.chat else None)

    async def action_new_chat(self) -> None:
        if self.refuse_while_busy():
            return
        self.chat = None
        self.session = ChatSession(ChatSettings.from_dict({}, self.defaults))
        await self.query_one(Conversation).clear()
        self.sub_title = "New chat"
        await self.refresh_chats()
        if self.in_translate_mode():
            self.action_toggle_mode()
        self.query_one("#prompt", PromptInput).focus()
        self.load_current_model()

    def refuse_while_busy(self) -> bool:
        if self.busy:
            self.notify("Still generating; press Esc to stop it first.", severity="warning")
        return self.busy

    async def on_list_view_selected(self, message: ListView.Selected) -> None:
        if isinstance(message.item, ChatItem):
            await self.open_chat(message.item.chat_id)

    async def open_chat(self, chat_id: int) -> None:
        """Resume a saved chat: its settings, its turns, and (if needed) its model."""
        if self.refuse_while_busy() or (self.chat is not None and self.chat.id == chat_id):
            return
        chat = self.store.get_chat(chat_id)
        if chat is None:
            self.notify("That chat no longer exists (deleted by another window?).", severity="warning")
            await self.refresh_chats()
            return
        self.chat = chat
        stored = self.store.messages(chat.id)
        settings = ChatSettings.from_dict(chat.settings, self.defaults)
        self.session = ChatSession(settings, [Message(m.role, m.content) for m in stored])
        conversation = self.query_one(Conversation)
        await conversation.clear()
        for turn in stored:
            await conversation.add_message(turn.role, turn.content)
        conversation.scroll_end(animate=False)
        self.sub_title = chat.title
        if self.in_translate_mode():
            self.action_toggle_mode()
        self.query_one("#prompt", PromptInput).focus()
        self.load_current_model()

    def action_rename_chat(self) -> None:
        from .screens.text_prompt import TextPromptScreen

        chat = self.chat
        if chat is None:
            self.notify(
                "Send a message first: new chats are saved with their first message.", severity="warning"
            )
            return

        async def rename(title: str | None) -> None:
            if title and title.strip():
                self.store.rename_chat(chat.id, title)
                self.chat = self.store.get_chat(chat.id)
                self.sub_title = title.strip()
                await self.refresh_chats()

        self.push_screen(TextPromptScreen("Rename chat", chat.title), rename)

    def action_delete_chat(self) -> None:
        from .screens.confirm import ConfirmScreen

        chat = self.chat
        if chat is None or self.refuse_while_busy():
            return

        async def delete(confirmed: bool | None) -> None:
            if confirmed:
                self.store.delete_chat(chat.id)
                self.chat = None
                await self.action_new_chat()
                self.notify(f"Deleted “{chat.title}”.", timeout=4)

        self.push_screen(ConfirmScreen(f"Delete the chat “{chat.title}”?"), delete)

    def action_export_chat(self) -> None:
        from .screens.text_prompt import TextPromptScreen

        chat = self.chat
        if chat is None:
            self.notify("Nothing to export yet.", severity="warning")
            return
        default = Path.cwd() / f"{_slug(chat.title)}.md"

        def export(target: str | None) -> None:
            if not target:
                return
            try:
                written = export_chat(chat, self.store.messages(chat.id), Path(target))
            except BaylingError as exc:
                self.notify(str(exc), title="Export failed", severity="error")
                return
            self.notify(f"Exported to {written}", title="Export", timeout=6)

        self.push_screen(
            TextPromptScreen("Export to (.md for Markdown, .json for JSON)", str(default)), export
        )

    def action_settings(self) -> None:
        from .screens.settings import SettingsScreen, model_choices

        if self.refuse_while_busy():
            return
        current = self.session.settings

        def apply(settings: ChatSettings | None) -> None:
            if settings is None:
                return
            self.session.settings = settings
            if self.chat is not None:
                self.store.save_settings(self.chat.id, settings.as_dict())
            self.notify("Settings saved for this chat.", timeout=3)
            self.load_current_model()

        self.push_screen(SettingsScreen(current, model_choices(current.model)), apply)


def _slug(title: str) -> str:
    return re.sub(r"[^\w-]+", "-", title.lower(), flags=re.UNICODE).strip("-")[:40] or "chat"
