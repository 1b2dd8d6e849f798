"""The translation memory: finished segments in SQLite (the user data folder, WAL), so translating a text
again translates only what changed.

A segment is found again only when everything that decides its translation is the same: the model file
(its sha256, worked out once per file and remembered), the prompt format, the source and target language,
the glossary and keep entries that matched this segment (editing another entry invalidates nothing), the
context segments, the generation settings that change the output, and the text. Only greedy decoding reads
and writes it (sampling would make a memory lie). A memory file that cannot be read is moved aside with a
one-line notice and a new one is started: translation never fails because of the memory.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..config import GenerationConfig
    from ..engine.protocol import EngineLike
    from ..language.names import Language

_SCHEMA = """
CREATE TABLE IF NOT EXISTS segments (
    key TEXT PRIMARY KEY, model TEXT NOT NULL, source_language TEXT, target_language TEXT NOT NULL,
    source TEXT NOT NULL, translation TEXT NOT NULL, created REAL NOT NULL, problem TEXT
);
CREATE INDEX IF NOT EXISTS segments_by_text ON segments (source_language, target_language, source);
CREATE TABLE IF NOT EXISTS model_files (
    path TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, sha256 TEXT NOT NULL,
    PRIMARY KEY (path, size, mtime_ns)
);
"""
IMPORTED = "imported"
"""The model name of entries read from a TMX file without our key: used for any model, as a person's
translation beats a machine's (only when no glossary term and no context is in play)."""


@dataclass(frozen=True)
class MemoryEntry:
    model: str
    source_language: str | None
    target_language: str
    source: str
    translation: str
    key: str = ""
    problem: str | None = None
    """The output check the translation still failed (greedy decoding would fail it again the same way)."""


class TranslationMemory:
    """One memory file; safe to use from the translation core's thread and across processes (WAL)."""

    def __init__(self, path: Path, notify: Callable[[str], None] = lambda _line: None) -> None:
        self.path = path
        self.notify = notify
        self.lock = threading.Lock()
        self.hits = 0
        self.stored = 0
        self.identities: dict[int, str] = {}
        self.complained = False
        self.db: sqlite3.Connection | None = self._open()

    def _open(self) -> sqlite3.Connection | None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return _connect(self.path)
        except (
            sqlite3.OperationalError
        ) as exc:  # locked, read-only, no space: not broken, just not usable now
            self.notify(
                f"The translation memory {self.path} cannot be used now ({exc}); translating without it."
            )
            return None
        except sqlite3.DatabaseError as exc:
            aside = self.path.with_name(f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
            self.path.replace(aside)
            for suffix in ("-wal", "-shm"):
                Path(str(self.path) + suffix).unlink(missing_ok=True)
            self.notify(
                f"The translation memory {self.path} could not be read ({exc}); it is kept as {aside} and a new one is started."
            )
            return _connect(self.path)

    def close(self) -> None:
        if self.db is not None:
            self.db.close()

    # -- the translation core's side ---------------------------------------------------------------------------

    def find(
        self, key: str, text: str, source: Language | None, target: Language, plain: bool
    ) -> tuple[str, str | None] | None:
        """The remembered translation for `key`; with `plain` (no terms, no context) also one imported from
        a TMX file for the same text and languages."""
        if self.db is None:
            return None
        with self.lock:
            try:
                row = self.db.execute(
                    "SELECT translation, problem FROM segments WHERE key = ?", (key,)
                ).fetchone()
                if row is None and plain:
                    row = self.db.execute(
                        "SELECT translation, problem FROM segments WHERE model = ? AND source_language IS ? "
                        "AND target_language = ? AND source = ?",
                        (IMPORTED, source.code if source else None, target.code, text),
                    ).fetchone()
            except sqlite3.Error as exc:
                self._failed(exc)
                return None
        if row is not None:
            self.hits += 1
        return None if row is None else (str(row[0]), row[1])

    def store(self, key: str, model: str, entry: MemoryEntry) -> None:
        if self.db is None:
            return
        with self.lock:
            try:
                self.db.execute(
                    "INSERT OR REPLACE INTO segments (key, model, source_language, target_language, source, translation, "
                    "created, problem) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        key,
                        model,
                        entry.source_language,
                        entry.target_language,
                        entry.source,
                        entry.translation,
                        time.time(),
                        entry.problem,
                    ),
                )
                self.stored += 1
            except sqlite3.Error as exc:
                self._failed(exc)

    def _failed(self, exc: sqlite3.Error) -> None:
        if not self.complained:  # once a run: the next segment would only say the same
            self.complained = True
            self.notify(f"Translation memory {self.path}: {exc}; going on without it where it fails.")

    def model_identity(self, engine: EngineLike) -> str:
        """The model file's sha256 (worked out once per path, size and modification time), else the server
        and model name (`--server`), else the name."""
        if id(engine) in self.identities:
            return self.identities[id(engine)]
        path = getattr(engine, "path", None)
        identity = f"name:{engine.name}"
        if isinstance(path, Path) and path.is_file():
            try:
                identity = "sha256:" + self._file_digest(path)
            except (OSError, sqlite3.Error) as exc:
                self.notify(f"Translation memory: cannot identify {path} ({exc}); its segments are not kept.")
                self.db = None
        elif (link := getattr(engine, "link", None)) is not None:
            identity = f"server:{getattr(link, 'base', '')}:{engine.name}"
        self.identities[id(engine)] = identity
        return identity

    def _file_digest(self, path: Path) -> str:
        stat = path.stat()
        place = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
        assert self.db is not None
        with self.lock:
            row = self.db.execute(
                "SELECT sha256 FROM model_files WHERE path = ? AND size = ? AND mtime_ns = ?", place
            ).fetchone()
        if row is not None:
            return str(row[0])
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 22), b""):
                digest.update(block)
        with self.lock:
            self.db.execute(
                "INSERT OR REPLACE INTO model_files VALUES (?, ?, ?, ?)", (*place, digest.hexdigest())
            )
        return digest.hexdigest()

    # -- the `memory` command's side ---------------------------------------------------------------------------

    def _required(self) -> sqlite3.Connection:
        if self.db is None:
            from ..errors import InputError

            raise InputError(
                f"the translation memory {self.path} cannot be used now; try again when it is free"
            )
        return self.db

    def entries(self, model: str | None = None) -> Iterator[MemoryEntry]:
        query = (
            "SELECT model, source_language, target_language, source, translation, key, problem FROM segments"
        )
        rows = self._required().execute(
            query + (" WHERE model = ?" if model else "") + " ORDER BY created", (model,) if model else ()
        )
        for row in rows:
            yield MemoryEntry(*row)

    def stats(self) -> list[tuple[str, str, str, int]]:
        """(model, source language, target language, segments) per group."""
        return [
            (str(m), str(s), str(t), int(n))
            for m, s, t, n in self._required().execute(
                "SELECT model, IFNULL(source_language, '?'), target_language, COUNT(*) FROM segments "
                "GROUP BY model, source_language, target_language ORDER BY model"
            )
        ]

    def clear(self, model: str | None = None) -> int:
        with self.lock:
            cursor = self._required().execute(
                "DELETE FROM segments" + (" WHERE model = ?" if model else ""), (model,) if model else ()
            )
        return cursor.rowcount

    def add(self, entries: list[MemoryEntry]) -> int:
        with self.lock:
            self._required().executemany(
                "INSERT OR REPLACE INTO segments (key, model, source_language, target_language, source, translation, "
                "created, problem) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        e.key or _imported_key(e),
                        e.model,
                        e.source_language,
                        e.target_language,
                        e.source,
                        e.translation,
                        time.time(),
                        e.problem,
                    )
                    for e in entries
                ],
            )
        return len(entries)


def segment_key(
    *,
    model: str,
    prompt_format: str,
    source: str | None,
    target: str,
    terms: Sequence[tuple[str, str, bool, bool]],
    context: Sequence[tuple[str, str]],
    note: str | None,
    generation: GenerationConfig,
    text: str,
) -> str:
    """Everything that decides a segment's translation, hashed: the model's identity
    (`TranslationMemory.model_identity`), its prompt format, the languages, the glossary terms matched
    (source casefolded, target, keep, case-sensitive), the earlier segments shown with it, its note, the
    settings that change greedy output, and the text."""
    parts = {
        "model": model,
        "format": prompt_format,
        "source": source,
        "target": target,
        "terms": sorted(terms),
        "context": list(context),
        "note": note,
        # what changes greedy output, and what a sampled retry inside a greedy run uses
        "settings": [
            generation.max_tokens,
            generation.max_retries,
            generation.repeat_penalty,
            generation.seed,
            generation.top_p,
            generation.top_k,
        ],
        "text": text,
    }
    return hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode()).hexdigest()


def open_memory(use: bool, temperature: float, notify: Callable[[str], None]) -> TranslationMemory | None:
    """The user's translation memory for a run, or None (`--no-memory`, or sampling)."""
    if not use or temperature != 0:
        return None
    from ..paths import memory_db

    return TranslationMemory(memory_db(), notify)


def _imported_key(entry: MemoryEntry) -> str:
    return (
        "imported:"
        + hashlib.sha256(
            json.dumps([entry.source_language, entry.target_language, entry.source]).encode()
        ).hexdigest()
    )


def _connect(path: Path, timeout: float = 30) -> sqlite3.Connection:
    # autocommit (isolation_level None): each write is its own short transaction, so two processes
    # translating at once take turns at the lock instead of failing; the timeout lets them wait for it.
    db = sqlite3.connect(str(path), timeout=timeout, isolation_level=None, check_same_thread=False)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.executescript(_SCHEMA)
        columns = {row[1] for row in db.execute("PRAGMA table_info(segments)")}
        if "problem" not in columns:  # a memory made before the column existed
            db.execute("ALTER TABLE segments ADD COLUMN problem TEXT")
        if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise sqlite3.DatabaseError("failed its integrity check")
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db
