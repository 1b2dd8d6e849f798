"""The chat and translation app. `create_app` builds it; `bayling-local chat` and the tests both use it.

The app holds what both modes share: the chat store, the one loaded model, the command line's defaults, the
sidebar, the status bar and the dialogs. What each mode does lives in its pane (`ChatPane`,
`TranslatePanel`), which owns its state and worker and posts messages for the app to show.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import ContentSwitcher, Footer, Header, ListView

from .. import paths
from ..chats import ChatSession, ChatSettings, ChatStore, EngineHolder, default_loader, export_chat
from ..chats.session import EngineLoader
from ..chats.store import Chat
from ..config import RuntimeConfig
from ..errors import BaylingError
from ..language.names import BY_CODE, Language, resolve_language
from . import events
from .commands import ChatCommands
from .models import Models
from .options import AppOptions
from .widgets.chat_list import ChatItem, ChatList
from .widgets.chat_pane import ChatPane
from .widgets.load_status import LoadStatus
from .widgets.status_bar import StatusBar
from .widgets.translate_panel import TranslatePanel

__all__ = ["AppOptions", "BaylingApp", "create_app"]


class BaylingApp(App[None]):
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

    def __init__(self, options: AppOptions, store: ChatStore, loader: EngineLoader) -> None:
        super().__init__()
        self.options = options
        self.store = store
        self.engines = EngineHolder(loader)
        self.defaults = ChatSettings.from_configs(options.runtime, options.generation)
        self.models = Models(self.engines, options, lambda: self.chat_pane.session.settings)
        # The panes are built here, not in compose, so the app can read their state before it runs.
        self.chat_pane = ChatPane(store, self.models, self.defaults, id="chat-mode")
        source, target = self._initial_languages()
        self.translate_pane = TranslatePanel(self.models, source, target, id="translate-mode")

    def _initial_languages(self) -> tuple[Language | None, Language]:
        """The languages used last time (the command line's target first, French when there is none)."""
        source = self.store.get_pref("translate.source")
        target = self.options.target or self.store.get_pref("translate.target") or "fra_Latn"
        return (resolve_language(source) if source and source != "auto" else None), resolve_language(target)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            yield ChatList(id="sidebar")
            with ContentSwitcher(initial="chat-mode", id="modes"):
                yield self.chat_pane
                yield self.translate_pane
        yield StatusBar(id="status")
        yield Footer()

    async def on_mount(self) -> None:
        if self.store.notice:
            self.notify(self.store.notice, title="Chat database replaced", severity="warning", timeout=30)
        await self.refresh_chats()
        self.sub_title = "New chat"
        if self.options.translate:
            self.action_toggle_mode()
        else:
            self.chat_pane.focus_prompt()
        self.load_current_model()

    # What the panes hold, for the commands and the tests

    @property
    def busy(self) -> bool:
        """True while either pane is generating (the model must not be swapped then)."""
        return self.chat_pane.busy or self.translate_pane.busy

    @property
    def session(self) -> ChatSession:
        return self.chat_pane.session

    @property
    def chat(self) -> Chat | None:
        return self.chat_pane.chat

    @property
    def source_language(self) -> Language | None:
        return self.translate_pane.source

    @property
    def target_language(self) -> Language:
        return self.translate_pane.target

    # The model

    def runtime(self) -> RuntimeConfig:
        return self.models.runtime()

    @work(thread=True, group="model", exit_on_error=False)
    def load_current_model(self) -> None:
        self.models.load(self.post_message)

    def on_model_loading(self, message: events.ModelLoading) -> None:
        self.query_one(LoadStatus).show(message.label)

    def on_model_ready(self, message: events.ModelReady) -> None:
        self.query_one(LoadStatus).hide()
        self.query_one(StatusBar).set_model(message.name, message.n_ctx)
        if message.notice:
            self.notify(message.notice, title="Model", timeout=8)

    def on_model_failed(self, message: events.ModelFailed) -> None:
        self.query_one(LoadStatus).hide()
        self.query_one(StatusBar).set_model("model failed to load", None)
        self.notify(
            message.error + " (change the model with F2)",
            title="Model failed to load",
            severity="error",
            timeout=20,
        )

    def on_usage_changed(self, message: events.UsageChanged) -> None:
        self.query_one(StatusBar).set_usage(message.tokens_per_second, message.used, message.mode)

    # Modes and the keys both modes share

    def in_translate_mode(self) -> bool:
        return self.query_one(ContentSwitcher).current == "translate-mode"

    def action_toggle_mode(self) -> None:
        switcher = self.query_one(ContentSwitcher)
        translate = switcher.current != "translate-mode"
        switcher.current = "translate-mode" if translate else "chat-mode"
        self.query_one(StatusBar).set_mode("Translate" if translate else "Chat")
        if translate:
            self.translate_pane.focus_source()
        else:
            self.chat_pane.focus_prompt()

    def show_chat_mode(self) -> None:
        if self.in_translate_mode():
            self.action_toggle_mode()
        self.chat_pane.focus_prompt()

    def action_stop(self) -> None:
        """Esc stops what the visible pane is generating."""
        if self.in_translate_mode():
            self.translate_pane.stop()
        else:
            self.chat_pane.stop()

    def refuse_while_busy(self) -> bool:
        """Whether to refuse an action that may swap the model (or the chat) under a running generation."""
        if self.busy:
            self.notify("Still generating; press Esc to stop it first.", severity="warning")
        return self.busy

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
        text = self.translate_pane.translation if self.in_translate_mode() else self.chat_pane.last_answer()
        if not text:
            self.notify("Nothing to copy yet.", severity="warning")
            return
        self.copy_to_clipboard(text)
        self.notify(f"Copied {len(text)} characters.", timeout=3)

    # Chats: the sidebar and the dialogs

    async def refresh_chats(self) -> None:
        chat = self.chat_pane.chat
        await self.query_one(ChatList).show(self.store.list_chats(), chat.id if chat else None)

    async def on_chat_pane_chat_changed(self, message: ChatPane.ChatChanged) -> None:
        self.sub_title = message.chat.title if message.chat else "New chat"
        await self.refresh_chats()

    async def action_new_chat(self) -> None:
        if self.refuse_while_busy():
            return
        await self.chat_pane.new_chat()
        self.show_chat_mode()
        self.load_current_model()

    async def on_list_view_selected(self, message: ListView.Selected) -> None:
        if isinstance(message.item, ChatItem):
            await self.open_chat(message.item.chat_id)

    async def open_chat(self, chat_id: int) -> None:
        """Resume a saved chat, and load its model if it wants another one."""
        current = self.chat_pane.chat
        if self.refuse_while_busy() or (current is not None and current.id == chat_id):
            return
        chat = self.store.get_chat(chat_id)
        if chat is None:
            self.notify("That chat no longer exists (deleted by another window?).", severity="warning")
            await self.refresh_chats()
            return
        await self.chat_pane.open_chat(chat)
        self.show_chat_mode()
        self.load_current_model()

    def action_rename_chat(self) -> None:
        from .screens.text_prompt import TextPromptScreen

        chat = self.chat_pane.chat
        if chat is None:
            self.notify(
                "Send a message first: new chats are saved with their first message.", severity="warning"
            )
            return

        def rename(title: str | None) -> None:
            if title:
                self.chat_pane.rename(title)

        self.push_screen(TextPromptScreen("Rename chat", chat.title), rename)

    def action_delete_chat(self) -> None:
        from .screens.confirm import ConfirmScreen

        chat = self.chat_pane.chat
        if chat is None or self.refuse_while_busy():
            return

        async def delete(confirmed: bool | None) -> None:
            if confirmed:
                self.store.delete_chat(chat.id)
                await self.action_new_chat()
                self.notify(f"Deleted “{chat.title}”.", timeout=4)

        self.push_screen(ConfirmScreen(f"Delete the chat “{chat.title}”?"), delete)

    def action_export_chat(self) -> None:
        from .screens.text_prompt import TextPromptScreen

        chat = self.chat_pane.chat
        if chat is None:
            self.notify("Nothing to export yet.", severity="warning")
            return

        def export(target: str | None) -> None:
            if not target:
                return
            try:
                written = export_chat(chat, self.store.messages(chat.id), Path(target))
            except BaylingError as exc:
                self.notify(str(exc), title="Export failed", severity="error")
                return
            self.notify(f"Exported to {written}", title="Export", timeout=6)

        default = Path.cwd() / f"{_slug(chat.title)}.md"
        self.push_screen(
            TextPromptScreen("Export to (.md for Markdown, .json for JSON)", str(default)), export
        )

    def action_settings(self) -> None:
        from .screens.settings import SettingsScreen, model_choices

        if self.refuse_while_busy():
            return
        current = self.chat_pane.session.settings

        def apply(settings: ChatSettings | None) -> None:
            if settings is None:
                return
            self.chat_pane.apply_settings(settings)
            self.notify("Settings saved for this chat.", timeout=3)
            self.load_current_model()

        self.push_screen(SettingsScreen(current, model_choices(current.model)), apply)

    # Translation languages

    def action_pick_language(self, side: str) -> None:
        from .screens.language_picker import AUTO, LanguagePickerScreen

        if not self.in_translate_mode():
            self.action_toggle_mode()
        pane = self.translate_pane

        def chosen(code: str | None) -> None:
            if code is None:
                return
            if side == "source":
                pane.set_languages(None if code == AUTO else BY_CODE[code], pane.target)
            else:
                pane.pick_target(BY_CODE[code])

        title = "Translate from (type to search)" if side == "source" else "Translate into (type to search)"
        self.push_screen(LanguagePickerScreen(title, allow_auto=side == "source"), chosen)

    def on_translate_panel_pick_language(self, message: TranslatePanel.PickLanguage) -> None:
        self.action_pick_language(message.side)

    def on_translate_panel_languages_changed(self, message: TranslatePanel.LanguagesChanged) -> None:
        """Remember the languages for the next run."""
        self.store.set_pref("translate.source", message.source.code if message.source else "auto")
        self.store.set_pref("translate.target", message.target.code)

    def action_swap_languages(self) -> None:
        self.translate_pane.swap()

    def on_unmount(self) -> None:
        self.chat_pane.cancel.set()
        self.translate_pane.cancel.set()
        if not self.busy:
            # A worker thread may still be inside llama.cpp; freeing the model under it would crash, and the
            # process is exiting anyway.
            self.engines.close()
        self.store.close()


def _slug(title: str) -> str:
    return re.sub(r"[^\w-]+", "-", title.lower(), flags=re.UNICODE).strip("-")[:40] or "chat"


def create_app(
    options: AppOptions | None = None, loader: EngineLoader | None = None, store: ChatStore | None = None
) -> BaylingApp:
    """Build the app. Tests pass a fake `loader` (RuntimeConfig -> engine) and their own store."""
    options = options or AppOptions()
    store = store or ChatStore(options.db_path or paths.chats_db())
    return BaylingApp(options, store, loader or default_loader)
