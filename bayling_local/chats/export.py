"""Export a chat to Markdown or JSON, atomically (a failed export never leaves a half-written file)."""

from __future__ import annotations

import json
import time
from pathlib import Path

from ..atomic import atomic_write
from ..errors import OutputError, UsageError
from .store import Chat, StoredMessage

ROLE_TITLES = {"user": "You", "assistant": "Assistant", "system": "System"}


def chat_markdown(chat: Chat, messages: list[StoredMessage]) -> str:
    lines = [f"# {chat.title}", "", f"_Exported {time.strftime('%Y-%m-%d %H:%M', time.localtime())}_", ""]
    system = chat.settings.get("system_prompt")
    if system:
        lines += ["## System", "", str(system), ""]
    for message in messages:
        lines += [f"## {ROLE_TITLES.get(message.role, message.role)}", "", message.content, ""]
    return "\n".join(lines)


def chat_json(chat: Chat, messages: list[StoredMessage]) -> str:
    payload = {
        "title": chat.title,
        "created": chat.created,
        "settings": chat.settings,
        "messages": [{"role": m.role, "content": m.content, "created": m.created} for m in messages],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def export_chat(chat: Chat, messages: list[StoredMessage], path: Path) -> Path:
    """Write the chat to `path`: JSON for `.json`, Markdown for `.md`/`.markdown`/`.txt`."""
    path = Path(path).expanduser()
    suffix = path.suffix.lower()
    if suffix == ".json":
        text = chat_json(chat, messages)
    elif suffix in {".md", ".markdown", ".txt"}:
        text = chat_markdown(chat, messages)
    else:
        raise UsageError(f"cannot tell the export format from {path.name!r}; end the name with .md or .json")
    if path.is_dir():
        raise OutputError(f"{path} is a folder; give a file name ending in .md or .json")
    try:
        with atomic_write(path) as handle:
            handle.write(text)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}; choose another path") from exc
    return path
