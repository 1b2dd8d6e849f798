"""Every user-visible location, decided in one place.

BAYLING_HOME overrides the platform folders, so tests and portable installs keep everything in one tree.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "bayling-local"


def home() -> Path:
    """Root of all user data: BAYLING_HOME if set, else the platform's user data folder."""
    override = os.environ.get("BAYLING_HOME")
    if override:
        return Path(override).expanduser()
    import platformdirs  # light, but only needed when no override is set

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_file() -> Path:
    """The user's TOML config file (optional)."""
    override = os.environ.get("BAYLING_HOME")
    if override:
        return Path(override).expanduser() / "config.toml"
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.toml"


def models_dir() -> Path:
    """Where the model store keeps one folder per registered model."""
    return home() / "models"


def detectors_dir() -> Path:
    """Optional language identifiers `pull` installs (GlotLID), one folder each."""
    return home() / "detectors"


def chats_db() -> Path:
    """SQLite database of the chat TUI."""
    return home() / "chats.sqlite3"


def memory_db() -> Path:
    """SQLite database of the translation memory (`translation.memory`)."""
    return home() / "memory.sqlite3"


def cache_dir() -> Path:
    """Scratch space for downloads and conversions in progress."""
    return home() / "cache"


def ensure(path: Path) -> Path:
    """Create a folder (and parents) if missing and return it."""
    path.mkdir(parents=True, exist_ok=True)
    return path
