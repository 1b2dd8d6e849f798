"""SQLite store of chats: one file under the user data folder, safe with two app instances open at once.

Safety measures, and why:
- WAL journal + a busy timeout: a second instance reads while the first writes, and a writer waits for the
  other's transaction instead of failing with "database is locked".
- Every change is one transaction (`with self._conn`), so a crash never leaves half a change.
- The schema has a version (`PRAGMA user_version`) and numbered migrations, applied in one transaction.
- A file that is not a readable database is renamed to a timestamped `.corrupt` backup and a fresh store is
  started; `notice` tells the caller what happened so the user hears of it.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import StoreError

BUSY_TIMEOUT_MS = 10_000

# Migration N brings the schema from version N-1 to N. Never edit a released one; append a new one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE chats (
        id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        created REAL NOT NULL,
        updated REAL NOT NULL,
        settings TEXT NOT NULL DEFAULT '{}'
    );
    CREATE TABLE messages (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
        role TEXT NOT NULL,
        content TEXT NOT NULL,
        created REAL NOT NULL
    );
    CREATE INDEX messages_by_chat ON messages(chat_id, id);
    """,
    # v2: remembered preferences (translation languages) and per-answer speed for the status bar.
    """
    CREATE TABLE prefs (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    ALTER TABLE messages ADD COLUMN tokens INTEGER;
    ALTER TABLE messages ADD COLUMN seconds REAL;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class Chat:
    """One conversation's header."""

    id: int
    title: str
    created: float
    updated: float
    settings: dict[str, Any]
    """Per-chat settings as saved (see `ChatSettings.from_dict`)."""


@dataclass(frozen=True)
class StoredMessage:
    """One saved turn."""

    id: int
    role: str
    content: str
    created: float
    tokens: int | None = None
    seconds: float | None = None


class ChatStore:
    """Chats and their messages in one SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.notice: str | None = None
        """Set when the database was damaged and replaced: a message for the user."""
        self._lock = threading.Lock()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = self._open_when_free()
        except sqlite3.OperationalError as exc:
            # Locked, busy, unreadable folder: the file itself is fine, so it is never set aside.
            raise StoreError(f"cannot open the chat database {self.path}: {exc}") from exc
        except sqlite3.DatabaseError as exc:
            backup = self._set_aside()
            self.notice = (
                f"The chat database {self.path} could not be read ({exc}); it was kept as {backup.name} "
                "and a new, empty one was started."
            )
            self._conn = self._open()

    def _open_when_free(self) -> sqlite3.Connection:
        """Open, waiting while another instance holds a lock (two apps starting at once)."""
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                return self._open()
            except sqlite3.OperationalError as exc:
                locked = "locked" in str(exc) or "busy" in str(exc)
                if not locked or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False, isolation_level=None
        )
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")  # with WAL: durable enough, never corrupting
            conn.execute("PRAGMA foreign_keys = ON")
            if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("integrity check failed")
            self._migrate(conn)
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    def _migrate(self, conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            conn.close()
            raise StoreError(
                f"the chat database {self.path} was written by a newer bayling-local (schema {version}, this "
                f"one knows {SCHEMA_VERSION}); upgrade bayling-local"
            )
        if version == SCHEMA_VERSION:
            return
        # BEGIN IMMEDIATE: two instances starting together must not both run the same migration.
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for number in range(version, SCHEMA_VERSION):
                for statement in _statements(MIGRATIONS[number]):
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def _set_aside(self) -> Path:
        """Rename the damaged file (and its WAL/SHM companions) to a timestamped `.corrupt` backup."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        backup = self.path.with_name(f"{self.path.name}.{stamp}.corrupt")
        self.path.replace(backup)
        for suffix in ("-wal", "-shm"):
            companion = self.path.with_name(self.path.name + suffix)
            if companion.exists():
                companion.replace(backup.with_name(backup.name + suffix))
        return backup

    def _write(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                cursor = self._conn.execute(sql, params)
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            return cursor

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    # Chats

    def create_chat(self, title: str = "New chat", settings: dict[str, Any] | None = None) -> Chat:
        now = time.time()
        cursor = self._write(
            "INSERT INTO chats (title, created, updated, settings) VALUES (?, ?, ?, ?)",
            (title, now, now, json.dumps(settings or {})),
        )
        return Chat(int(cursor.lastrowid or 0), title, now, now, dict(settings or {}))

    def list_chats(self) -> list[Chat]:
        """All chats, most recently used first."""
        rows = self._read(
            "SELECT id, title, created, updated, settings FROM chats ORDER BY updated DESC, id DESC"
        )
        return [_chat(row) for row in rows]

    def get_chat(self, chat_id: int) -> Chat | None:
        rows = self._read("SELECT id, title, created, updated, settings FROM chats WHERE id = ?", (chat_id,))
        return _chat(rows[0]) if rows else None

    def rename_chat(self, chat_id: int, title: str) -> None:
        self._write("UPDATE chats SET title = ? WHERE id = ?", (title.strip() or "Untitled", chat_id))

    def delete_chat(self, chat_id: int) -> None:
        self._write("DELETE FROM chats WHERE id = ?", (chat_id,))

    def save_settings(self, chat_id: int, settings: dict[str, Any]) -> None:
        self._write("UPDATE chats SET settings = ? WHERE id = ?", (json.dumps(settings), chat_id))

    # Messages

    def add_message(
        self, chat_id: int, role: str, content: str, tokens: int | None = None, seconds: float | None = None
    ) -> StoredMessage:
        now = time.time()
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                cursor = self._conn.execute(
                    "INSERT INTO messages (chat_id, role, content, created, tokens, seconds) VALUES (?, ?, ?, ?, ?, ?)",
                    (chat_id, role, content, now, tokens, seconds),
                )
                self._conn.execute("UPDATE chats SET updated = ? WHERE id = ?", (now, chat_id))
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        return StoredMessage(int(cursor.lastrowid or 0), role, content, now, tokens, seconds)

    def messages(self, chat_id: int) -> list[StoredMessage]:
        rows = self._read(
            "SELECT id, role, content, created, tokens, seconds FROM messages WHERE chat_id = ? ORDER BY id",
            (chat_id,),
        )
        return [StoredMessage(*row) for row in rows]

    # Preferences

    def get_pref(self, key: str, default: str | None = None) -> str | None:
        rows = self._read("SELECT value FROM prefs WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else default

    def set_pref(self, key: str, value: str) -> None:
        self._write(
            "INSERT INTO prefs (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _chat(row: tuple[Any, ...]) -> Chat:
    try:
        settings = json.loads(row[4]) if row[4] else {}
    except ValueError:
        settings = {}  # a hand-edited, broken settings cell must not lose the chat
    return Chat(
        int(row[0]), str(row[1]), float(row[2]), float(row[3]), settings if isinstance(settings, dict) else {}
    )


def _statements(script: str) -> list[str]:
    return [part.strip() for part in script.split(";") if part.strip()]
