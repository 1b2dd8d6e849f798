"""The chat and translation app. `create_app` builds it; `bayling-local chat` and the tests both use it."""

from __future__ import annotations

import threading
from typing import ClassVar

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import ContentSwitcher, Footer, Header

from .. import paths
from ..chats import ChatSession, ChatSettings, ChatStore, EngineHolder, default_loader
from ..chats.session import EngineLoader
from ..chats.store import Chat
from ..config import RuntimeConfig
from ..languages import Language, resolve_language
from . import events, workers
from .base import AppOptions
from .chat_actions import ChatActions
from .commands import ChatCommands
from .translate_actions import TranslateActions
from .widgets.chat_list import ChatList
from .widgets.conversation import Conversation
from .widgets.load_status import LoadStatus
from .widgets.message_view import MessageView
from .widgets.prompt_input import PromptInput
from .widgets.status_bar import StatusBar
from .widgets.translate_panel import TranslatePanel


class BaylingApp(ChatActions, TranslateActions, App[None]):
    """Chat with a model, or translate, in the terminal."""

    CSS_PATH = "bayling.tcss"
    TITLE = "bayling-local chat"
    COMMANDS = App.COMMANDS | {ChatCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "stop", "Stop"),
        Binding("ctrl+n", "new_chat", "New"),
        Binding("ctrl+t", "toggle_mode", "Translate/Chat"),
        Binding("f2", "settings", "Settings"),
        Binding("ctrl+r", "rename_chat", "Rename"),
        Binding("f8", "delete_chat", "Delete"),
        Binding("ctrl+o", "export_chat", "Export"),
        Binding("f3", "copy_last", "Copy"),
        Binding("f4", "pick_language('source')", "From", show=False),
        Binding("f5", "pick_language('target')", "To", show=False),
        Binding("ctrl+s", "swap_languages", "Swap", show=False),
        Binding("ctrl+b", "toggle_sidebar", "Sidebar", show=False),
        Binding("ctrl+l", "focus_chats", "Chats", show=False),
        Binding("f1", "help", "Help"),
    ]
    HELP_KEYS: ClassVar[list[tuple[str, str]]] = [
        ("Esc", "Stop the answer or translation being generated"),
        ("Ctrl+N", "New chat"),
        ("Ctrl+T", "Switch between chat and translation mode"),
        ("F2", "Settings of this chat (model, system prompt, temperature, max tokens, context)"),
        ("Ctrl+R", "Rename this chat"),
        ("F8", "Delete this chat (asks first)"),
        ("Ctrl+O", "Export (output) this chat to Markdown (.md) or JSON (.json)"),
        ("F3", "Copy the last answer (or translation) to the clipboard"),
        ("F4 / F5", "Translation mode: pick the source (from) / target (to) language"),
        ("Ctrl+S", "Translation mode: swap source and target"),
        ("Ctrl+L", "Go to the chat list (Up/Down and Enter open a chat)"),
        ("Ctrl+B", "Show or hide the chat list"),
        ("F1", "This help"),
    ]

    def __init__(
        self, options: AppOptions, store: ChatStore, loader: EngineLoader, notices: list[str]
    ) -> None:
        super().__init__()
        self.options = options
        self.store = store
        self.engines = EngineHolder(loader)
        self.load_notices = notices
        """Filled by the loader (e.g. "using the built-in model"); shown once the model is ready."""
        self.defaults = ChatSettings.from_configs(options.runtime, options.generation)
        self.chat: Chat | None = None
        self.session = ChatSession(ChatSettings.from_dict({}, self.defaults))
        self.cancel_event = threading.Event()
        self.busy = False
        self.answer_view: MessageView | None = None
        self.source_language: Language | None = None
        self.target_language: Language = self._initial_target()

    def _initial_target(self) -> Language:
        wanted = self.options.target or self.store.get_pref("translate.target") or "fra_Latn"
        return resolve_language(wanted)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            yield ChatList(id="sidebar")
            with ContentSwitcher(initial="chat-mode", id="modes"):
                with Vertical(id="chat-mode"):
                    yield Conversation(id="conversation")
                    yield LoadStatus(id="load-status")
                    prompt = PromptInput(placeholder="Message (Enter sends, Ctrl+J new line)", id="prompt")
                    prompt.border_title = "Message"
                    yield prompt
                yield TranslatePanel(self.source_language, self.target_language, id="translate-mode")
        yield StatusBar(id="status")
        yield Footer()

    async def on_mount(self) -> None:
        if self.store.notice:
            self.notify(self.store.notice, title="Chat database replaced", severity="warning", timeout=30)
        source = self.store.get_pref("translate.source")
        if source and source != "auto":
            self.source_language = resolve_language(source)
            self.query_one(TranslatePanel).set_languages(self.source_language, self.target_language)
        await self.refresh_chats()
        self.sub_title = "New chat"
        if self.options.translate:
            self.action_toggle_mode()
        else:
            self.query_one("#prompt", PromptInput).focus()
        self.load_current_model()

    # Model loading

    def runtime(self) -> RuntimeConfig:
        return self.session.settings.runtime(self.options.runtime)

    @work(thread=True, group="model", exit_on_error=False)
    def load_current_model(self) -> None:
        workers.load_model(self.engines, self.runtime(), self.post_message, self.load_notices)

    def on_model_loading(self, message: events.ModelLoading) -> None:
        self.query_one(LoadStatus).show(message.label)

    def on_model_ready(self, message: events.ModelReady) -> None:
        self.query_one(LoadStatus).hide()
        self.query_one(StatusBar).set_model(message.name, message.n_ctx)
        for notice in message.notices:
            self.notify(notice, title="Model", timeout=8)

    def on_model_failed(self, message: events.ModelFailed) -> None:
        self.query_one(LoadStatus).hide()
        self.query_one(StatusBar).set_model("model failed to load", None)
        self.notify(
            message.error + " (change the model with F2)",
            title="Model failed to load",
            severity="error",
            timeout=20,
        )

    # Shared actions

    def action_stop(self) -> None:
        if self.busy:
            self.cancel_event.set()
            self.notify("Stopping…", timeout=2)

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one(ChatList)
        sidebar.display = not sidebar.display

    def action_focus_chats(self) -> None:
        sidebar = self.query_one(ChatList)
        sidebar.display = True
        sidebar.focus()

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        self.push_screen(HelpScreen(self.HELP_KEYS))

    def action_copy_last(self) -> None:
        text = self.last_output()
        if not text:
            self.notify("Nothing to copy yet.", severity="warning")
            return
        self.copy_to_clipboard(text)
        self.notify(f"Copied {len(text)} characters.", timeout=3)

    def last_output(self) -> str:
        if self.in_translate_mode():
            return self.query_one(TranslatePanel).translation
        return self.query_one(Conversation).last_answer()

    def in_translate_mode(self) -> bool:
        return self.query_one(ContentSwitcher).current == "translate-mode"

    def action_toggle_mode(self) -> None:
        switcher = self.query_one(ContentSwitcher)
        translate = switcher.current != "translate-mode"
        switcher.current = "translate-mode" if translate else "chat-mode"
        self.query_one(StatusBar).set_mode("Translate" if translate else "Chat")
        self.query_one("#source-text" if translate else "#prompt", PromptInput).focus()

    def start_task(self) -> threading.Event | None:
        """Mark the app busy and return a fresh cancel event, or None (with a notice) if a task is running."""
        if self.busy:
            self.notify("Still generating; press Esc to stop it.", severity="warning")
            return None
        self.busy = True
        self.cancel_event = threading.Event()
        return self.cancel_event

    def on_task_failed(self, message: events.TaskFailed) -> None:
        self.busy = False
        self.run_worker(self.task_failed(message))

    def on_unmount(self) -> None:
        self.cancel_event.set()
        if not self.busy:
            # A worker thread may still be inside llama.cpp; freeing the model under it would crash, and the
            # process is exiting anyway.
            self.engines.close()
        self.store.close()


def create_app(
    options: AppOptions | None = None, loader: EngineLoader | None = None, store: ChatStore | None = None
) -> BaylingApp:
    """Build the app. Tests pass a fake `loader` (RuntimeConfig -> engine) and their own store."""
    options = options or AppOptions()
    notices: list[str] = []
    store = store or ChatStore(options.db_path or paths.chats_db())
    return BaylingApp(options, store, loader or default_loader(notices), notices)
