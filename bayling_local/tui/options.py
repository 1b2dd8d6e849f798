"""What the command line decides for the app: defaults of new chats, how models load, the starting mode."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..config import GenerationConfig, RuntimeConfig


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
