"""What the app's action mixins share: the options dataclass and the state BaylingApp provides.

`AppState` only declares attributes and methods for type checking; BaylingApp sets and defines them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import GenerationConfig, RuntimeConfig

if TYPE_CHECKING:
    from textual.app import App

    from ..chats import ChatSession, ChatSettings, ChatStore, EngineHolder
    from ..chats.store import Chat
    from ..languages import Language
    from .widgets.message_view import MessageView

    _Base = App[None]
else:
    _Base = object


@dataclass
class AppOptions:
    """What the command line decided: defaults for new chats and how models load."""

    runtime: RuntimeConfig = field(default_factory=RuntimeConfig)
    """How models load; its model and context size are the defaults of new chats."""
    generation: GenerationConfig = field(default_factory=GenerationConfig)
    """Sampling; its temperature and max tokens are the defaults of new chats."""
    translate: bool = False
    """Start in translation mode."""
    target: str | None = None
    """Translation target language (else the last one used, else French)."""
    db_path: Path | None = None
    """Chat database (default: `paths.chats_db()`)."""


class AppState(_Base):
    """State and helpers of BaylingApp that the chat and translation mixins use."""

    options: AppOptions
    store: ChatStore
    engines: EngineHolder
    load_notices: list[str]
    defaults: ChatSettings
    chat: Chat | None
    session: ChatSession
    cancel_event: threading.Event
    busy: bool
    answer_view: MessageView | None
    source_language: Language | None
    target_language: Language

    if TYPE_CHECKING:

        def runtime(self) -> RuntimeConfig: ...

        def start_task(self) -> threading.Event | None: ...

        def in_translate_mode(self) -> bool: ...

        def action_toggle_mode(self) -> None: ...

        def load_current_model(self) -> object: ...

        def refuse_while_busy(self) -> bool: ...

        def translate_text(self, text: str) -> None: ...
