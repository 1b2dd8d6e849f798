"""Chat mode: the conversation, the model-loading line and the prompt, with the chat they belong to.

The pane owns the open chat and its ChatSession (turns and settings), saves turns to the store, and answers
in a worker thread through the model's scheduler (`ChatSession.answer` -> `engine.chat`). It tells the app
what the app shows outside it: `ChatChanged` (title, sidebar) and `events.UsageChanged` (status bar).
"""

from __future__ import annotations

import threading

from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message as TextualMessage
from textual.reactive import var

from ...chats import ChatSession, ChatSettings, ChatStore, drop_notice
from ...chats.store import Chat
from ...prompts.formats import Message
from .. import events, workers
from ..models import Models
from .conversation import Conversation
from .load_status import LoadStatus
from .message_view import MessageView
from .prompt_input import PromptInput

TITLE_LENGTH = 40
NO_MODEL = "no model is loaded; pick another model with F2"


class ChatPane(Vertical):
    """The open chat: shows it, sends the user's turns and streams the answers (Esc stops one)."""

    busy: var[bool] = var(False)
    """True while an answer is being generated."""
    chat: var[Chat | None] = var(None, init=False)
    """The open chat as saved; None for a new chat (saved with its first message)."""

    class ChatChanged(TextualMessage):
        """Another chat was opened, or the open one was created, renamed or closed (None)."""

        def __init__(self, chat: Chat | None) -> None:
            super().__init__()
            self.chat = chat

    def __init__(self, store: ChatStore, models: Models, defaults: ChatSettings, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.store = store
        self.models = models
        self.defaults = defaults
        """Settings of new chats (from the command line)."""
        self.session = ChatSession(ChatSettings.from_dict({}, defaults))
        self.cancel = threading.Event()
        """Set to stop the answer in progress (a fresh one per answer)."""
        self.answer_view: MessageView | None = None

    def compose(self) -> ComposeResult:
        yield Conversation(id="conversation")
        yield LoadStatus(id="load-status")
        prompt = PromptInput(placeholder="Message (Enter sends, Ctrl+J new line)", id="prompt")
        prompt.border_title = "Message"
        yield prompt

    def watch_chat(self, chat: Chat | None) -> None:
        self.post_message(self.ChatChanged(chat))

    @property
    def conversation(self) -> Conversation:
        return self.query_one(Conversation)

    def focus_prompt(self) -> None:
        self.query_one("#prompt", PromptInput).focus()

    def last_answer(self) -> str:
        return self.conversation.last_answer()

    # Sending and answering

    async def on_prompt_input_submitted(self, message: PromptInput.Submitted) -> None:
        message.stop()
        await self.send(message.text)

    async def send(self, text: str) -> None:
        """Save the user's turn, show it, and start answering in a worker thread."""
        if not text.strip():
            return
        if self.busy:
            self.notify("Still generating; press Esc to stop it.", severity="warning")
            return
        self.busy = True
        self.cancel = threading.Event()
        chat = self.chat or self._create_chat(text)
        self.store.add_message(chat.id, "user", text)
        self.session.history.append(Message("user", text))
        self.query_one("#prompt", PromptInput).clear()
        await self.conversation.add_message("user", text)
        self.answer_view = await self.conversation.add_message("assistant")
        self.generate(chat.id, self.session, self.cancel)

    def _create_chat(self, first_message: str) -> Chat:
        """New chats are saved with their first message, titled after it."""
        title = " ".join(first_message.split())[:TITLE_LENGTH] or "New chat"
        chat = self.store.create_chat(title, self.session.settings.as_dict())
        self.chat = chat
        return chat

    @work(thread=True, group="answer", exit_on_error=False)
    def generate(self, chat_id: int, session: ChatSession, cancel: threading.Event) -> None:
        engine = self.models.load(self.post_message)
        if engine is None:
            if session.history and session.history[-1].role == "user":
                session.history.pop()  # unanswered: the next send retries it
            self.post_message(events.TaskFailed("answer", NO_MODEL))
            return
        workers.answer(chat_id, session, engine, self.models.generation(), cancel, self.post_message)

    def stop(self) -> None:
        """Stop the answer being generated (within one decode step); what it said so far is kept."""
        if self.busy:
            self.cancel.set()
            self.notify("Stopping…", timeout=2)

    async def on_answer_chunk(self, message: events.AnswerChunk) -> None:
        if self.answer_view is not None:
            await self.answer_view.append(message.text)

    async def on_answer_done(self, message: events.AnswerDone) -> None:
        self.busy = False
        result, fitted = message.result, message.fitted
        text = result.text.strip()
        stopped = result.stop_reason == "cancelled"
        if self.answer_view is not None:
            await self.answer_view.finish(text, "\n\n*(stopped)*" if stopped else "")
        self.answer_view = None
        self.store.add_message(message.chat_id, "assistant", text, result.completion_tokens, result.seconds)
        self.post_message(
            events.UsageChanged(
                result.tokens_per_second, fitted.prompt_tokens + result.completion_tokens, "Chat"
            )
        )
        if fitted.dropped > message.dropped_before:
            await self._tell_dropped(fitted.dropped)
        if stopped:
            self.notify("Stopped.", timeout=3)

    async def _tell_dropped(self, dropped: int) -> None:
        """The context is full: say (once per cut) that the oldest turns are no longer sent."""
        engine = self.models.loaded()
        notice = drop_notice(dropped, engine.n_ctx if engine is not None else self.session.settings.ctx)
        await self.conversation.add_notice(notice)
        self.notify(notice, title="Context full", severity="warning", timeout=10)

    async def on_task_failed(self, message: events.TaskFailed) -> None:
        message.stop()
        self.busy = False
        if self.answer_view is not None:
            await self.answer_view.finish("", "*(no answer: see the notification)*")
            self.answer_view = None
        self.notify(message.error, title="Answer failed", severity="error", timeout=15)

    # Which chat is open

    async def new_chat(self) -> None:
        """An empty, unsaved chat with the default settings."""
        self.chat = None
        self.session = ChatSession(ChatSettings.from_dict({}, self.defaults))
        await self.conversation.clear()

    async def open_chat(self, chat: Chat) -> None:
        """Resume a saved chat: its settings and its turns (the app loads its model)."""
        stored = self.store.messages(chat.id)
        settings = ChatSettings.from_dict(chat.settings, self.defaults)
        self.session = ChatSession(settings, [Message(m.role, m.content) for m in stored])
        self.chat = chat
        conversation = self.conversation
        await conversation.clear()
        for turn in stored:
            await conversation.add_message(turn.role, turn.content)
        conversation.scroll_end(animate=False)

    def rename(self, title: str) -> None:
        chat = self.chat
        if chat is not None and title.strip():
            self.store.rename_chat(chat.id, title)
            self.chat = self.store.get_chat(chat.id)

    def apply_settings(self, settings: ChatSettings) -> None:
        """Use new settings for this chat (saved with it once it exists)."""
        self.session.settings = settings
        if self.chat is not None:
            self.store.save_settings(self.chat.id, settings.as_dict())
