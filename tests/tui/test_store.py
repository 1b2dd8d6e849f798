"""The chat store: CRUD, migrations, a corrupted file, two writers at once, and export."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bayling_local.chats import ChatStore, export_chat
from bayling_local.chats.store import MIGRATIONS, SCHEMA_VERSION
from bayling_local.errors import StoreError, UsageError


def test_chats_and_messages_round_trip(db_path: Path) -> None:
    store = ChatStore(db_path)
    first = store.create_chat("First", {"temperature": 0.5})
    second = store.create_chat("Second")
    store.add_message(first.id, "user", "Bonjour")
    store.add_message(first.id, "assistant", "Hello", tokens=3, seconds=0.1)
    assert [c.title for c in store.list_chats()] == ["First", "Second"]  # most recently used first
    store.rename_chat(second.id, "  Renamed  ")
    assert store.get_chat(second.id).title == "Renamed"
    assert [(m.role, m.content) for m in store.messages(first.id)] == [
        ("user", "Bonjour"),
        ("assistant", "Hello"),
    ]
    assert store.get_chat(first.id).settings == {"temperature": 0.5}
    store.delete_chat(first.id)
    assert store.get_chat(first.id) is None
    assert store.messages(first.id) == []  # messages go with their chat
    store.close()
    reopened = ChatStore(db_path)
    assert [c.title for c in reopened.list_chats()] == ["Renamed"]
    assert reopened.notice is None


def test_uses_wal_and_a_busy_timeout(db_path: Path) -> None:
    store = ChatStore(db_path)
    assert store._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store._conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_old_schema_is_migrated_keeping_chats(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.executescript(MIGRATIONS[0])
    conn.execute("INSERT INTO chats (title, created, updated, settings) VALUES ('Old', 1, 1, '{}')")
    conn.execute("INSERT INTO messages (chat_id, role, content, created) VALUES (1, 'user', 'hi', 1)")
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    store = ChatStore(db_path)
    assert store._conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert [m.content for m in store.messages(1)] == ["hi"]
    store.set_pref("translate.target", "deu_Latn")  # a table added by migration 2
    assert store.get_pref("translate.target") == "deu_Latn"


def test_newer_schema_is_refused_not_overwritten(db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer bayling-local"):
        ChatStore(db_path)
    assert db_path.exists()


def test_corrupted_database_is_kept_as_backup_and_replaced(db_path: Path) -> None:
    db_path.write_bytes(b"this is not a database at all" * 100)
    store = ChatStore(db_path)
    backups = list(db_path.parent.glob("chats.sqlite3.*.corrupt"))
    assert len(backups) == 1
    assert backups[0].read_bytes().startswith(b"this is not a database")
    assert store.notice is not None and backups[0].name in store.notice
    chat = store.create_chat("Fresh start")  # the new database works
    assert store.get_chat(chat.id).title == "Fresh start"


def test_damaged_pages_are_detected(db_path: Path) -> None:
    store = ChatStore(db_path)
    chat = store.create_chat("Doomed")
    for n in range(300):
        store.add_message(chat.id, "user", f"message {n} " + "x" * 200)
    store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    store.close()
    data = bytearray(db_path.read_bytes())
    data[4096 * 3 : 4096 * 6] = b"\xff" * (4096 * 3)  # scribble over some pages, header intact
    db_path.write_bytes(bytes(data))
    replaced = ChatStore(db_path)
    assert replaced.notice is not None
    assert replaced.list_chats() == []


def test_two_instances_write_at_once_without_losing_anything(db_path: Path) -> None:
    ChatStore(db_path).close()  # create the schema once, like a first run
    stores = [ChatStore(db_path), ChatStore(db_path)]
    chats = [store.create_chat(f"Instance {n}") for n, store in enumerate(stores)]
    errors: list[BaseException] = []

    def write(store: ChatStore, chat_id: int) -> None:
        try:
            for n in range(150):
                store.add_message(chat_id, "user", f"turn {n}")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(s, c.id)) for s, c in zip(stores, chats, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    reader = ChatStore(db_path)
    assert [len(reader.messages(c.id)) for c in chats] == [150, 150]
    assert reader._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


WRITER = """
import sys
from bayling_local.chats import ChatStore
store = ChatStore(sys.argv[1])
chat = store.create_chat(sys.argv[2])
for n in range(100):
    store.add_message(chat.id, "user", f"turn {n}")
"""


def test_two_processes_write_at_once(db_path: Path) -> None:
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(db_path), f"process {n}"]) for n in range(2)
    ]
    assert [w.wait(timeout=60) for w in writers] == [0, 0]
    store = ChatStore(db_path)
    assert sorted(c.title for c in store.list_chats()) == ["process 0", "process 1"]
    assert [len(store.messages(c.id)) for c in store.list_chats()] == [100, 100]
    assert store.notice is None


def test_export_markdown_and_json(db_path: Path, tmp_path: Path) -> None:
    store = ChatStore(db_path)
    chat = store.create_chat("Trip to Paris", {"system_prompt": "Be brief."})
    store.add_message(chat.id, "user", "How do I say *thanks*?")
    store.add_message(chat.id, "assistant", "**Merci**.")
    markdown = export_chat(store.get_chat(chat.id), store.messages(chat.id), tmp_path / "trip.md").read_text()
    assert markdown.startswith("# Trip to Paris")
    assert "## System\n\nBe brief." in markdown
    assert markdown.index("## You\n\nHow do I say *thanks*?") < markdown.index("## Assistant\n\n**Merci**.")
    data = json.loads(
        export_chat(store.get_chat(chat.id), store.messages(chat.id), tmp_path / "trip.json").read_text()
    )
    assert data["title"] == "Trip to Paris"
    assert [m["role"] for m in data["messages"]] == ["user", "assistant"]


def test_export_with_unknown_extension_writes_nothing(db_path: Path, tmp_path: Path) -> None:
    store = ChatStore(db_path)
    chat = store.create_chat("x")
    with pytest.raises(UsageError, match=".md or .json"):
        export_chat(chat, [], tmp_path / "out" / "chat.docx")
    assert not (tmp_path / "out").exists()
