"""Chat persistence and conversation handling, shared by the TUI and the plain REPL."""

from .context import FittedPrompt, fit_conversation
from .export import export_chat
from .session import ChatSession, EngineHolder, default_loader, drop_notice
from .settings import ChatSettings
from .store import Chat, ChatStore, StoredMessage

__all__ = [
    "Chat",
    "ChatSession",
    "ChatSettings",
    "ChatStore",
    "EngineHolder",
    "FittedPrompt",
    "StoredMessage",
    "default_loader",
    "drop_notice",
    "export_chat",
    "fit_conversation",
]
