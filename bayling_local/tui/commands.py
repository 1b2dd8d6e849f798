"""Entries of Textual's command palette (Ctrl+P) for the app's actions."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

# (palette text, action, help)
ENTRIES = (
    ("New chat", "new_chat", "Start a new conversation"),
    ("Toggle translation mode", "toggle_mode", "Switch between chat and translation"),
    ("Chat settings", "settings", "Model, system prompt, temperature, max tokens, context size"),
    ("Rename chat", "rename_chat", "Give this chat another title"),
    ("Delete chat", "delete_chat", "Delete this chat and its messages"),
    ("Export chat", "export_chat", "Write this chat to a Markdown or JSON file"),
    ("Copy last answer", "copy_last", "Copy the last answer or translation to the clipboard"),
    ("Translate from…", "pick_language('source')", "Pick the source language (or auto-detect)"),
    ("Translate into…", "pick_language('target')", "Pick the target language"),
    ("Swap languages", "swap_languages", "Swap source and target languages"),
    ("Stop generating", "stop", "Stop the answer or translation in progress"),
    ("Show keys", "help", "The help screen with every key binding"),
)


class ChatCommands(Provider):
    """The app's own actions, searchable by name."""

    def _run(self, action: str) -> Callable[[], Any]:
        return partial(self.app.run_action, action)

    async def discover(self) -> Hits:
        for text, action, help_text in ENTRIES:
            yield DiscoveryHit(text, self._run(action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, action, help_text in ENTRIES:
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(text), self._run(action), help=help_text)
