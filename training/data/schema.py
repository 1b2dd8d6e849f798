"""The JSONL schema of built data: one conversation per line.

```json
{"messages": [{"role": "user", "content": "..."},
              {"role": "assistant", "content": "...", "weight": 0},
              {"role": "user", "content": "..."},
              {"role": "assistant", "content": "..."}],
 "metadata": {"task": "multi_turn", "source_lang": "eng_Latn", "target_lang": "fra_Latn",
              "instruction_lang": "deu_Latn", "origin": "flores200-dev/dev510#17", "id": "..."}}
```

- `messages`: roles `system` (optional, first), `user`, `assistant`. `weight` (optional, assistant only,
  as in OpenAI's fine-tuning format): 0 means the turn is context, not trained on (a deliberately flawed
  draft that the next turn corrects). Absent means 1.
- `metadata.task`: `translation`, `cross_lingual`, `multi_turn` or `instruction`.
- `metadata.source_lang` / `target_lang`: FLORES-200 codes (`und` when unknown); for multi-turn data the
  target of the last turn. `instruction_lang`: the language the user's request is written in.
- `metadata.origin`: where the text came from (`<source>#<sentence id>` for parallel text).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bayling_local.errors import InputError

ROLES = ("system", "user", "assistant")
TASKS = ("translation", "cross_lingual", "multi_turn", "instruction")


@dataclass(frozen=True)
class Turn:
    """One message of a conversation."""

    role: str
    """`system`, `user` or `assistant`."""
    content: str
    """The text."""
    weight: int = 1
    """1: train on this assistant turn; 0: context only (never trained on)."""


@dataclass(frozen=True)
class Example:
    """One training conversation plus what it is about."""

    messages: tuple[Turn, ...]
    """The conversation, in order."""
    task: str
    """One of TASKS."""
    source_lang: str = "und"
    """FLORES-200 code of the text to be processed."""
    target_lang: str = "und"
    """FLORES-200 code of the (final) answer."""
    instruction_lang: str = "und"
    """FLORES-200 code of the user's request."""
    origin: str = ""
    """Source file or corpus and sentence id."""
    group: str = ""
    """The aligned-sentence or record id the example was made from (decides its split)."""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    """Additional metadata kept as is."""

    def to_json(self) -> dict[str, Any]:
        messages: list[dict[str, Any]] = []
        for turn in self.messages:
            item: dict[str, Any] = {"role": turn.role, "content": turn.content}
            if turn.weight != 1:
                item["weight"] = turn.weight
            messages.append(item)
        metadata = {
            "task": self.task,
            "source_lang": self.source_lang,
            "target_lang": self.target_lang,
            "instruction_lang": self.instruction_lang,
            "origin": self.origin,
            "id": self.group,
            **self.extra,
        }
        return {"messages": messages, "metadata": metadata}


def example_from_json(data: dict[str, Any], where: str = "") -> Example:
    """Parse one line of the schema; raises InputError naming `where` when it does not follow it."""
    raw = data.get("messages")
    if not isinstance(raw, list) or not raw:
        raise InputError(
            f"{where}: expected a non-empty `messages` list; see docs/training.md for the schema"
        )
    turns = []
    for item in raw:
        if (
            not isinstance(item, dict)
            or item.get("role") not in ROLES
            or not isinstance(item.get("content"), str)
        ):
            raise InputError(f"{where}: every message needs a role in {ROLES} and a string content")
        turns.append(Turn(item["role"], item["content"], int(item.get("weight", 1))))
    if not any(t.role == "assistant" for t in turns):
        raise InputError(f"{where}: the conversation has no assistant message to train on")
    meta = dict(data.get("metadata") or {})
    known = {
        k: str(meta.pop(k))
        for k in ("task", "source_lang", "target_lang", "instruction_lang", "origin", "id")
        if k in meta
    }
    return Example(
        messages=tuple(turns),
        task=known.get("task", "instruction"),
        source_lang=known.get("source_lang", "und"),
        target_lang=known.get("target_lang", "und"),
        instruction_lang=known.get("instruction_lang", "und"),
        origin=known.get("origin", ""),
        group=known.get("id", ""),
        extra=meta,
    )


def read_examples(path: str) -> list[Example]:
    """Read a built JSONL file back (the SFT loader uses this)."""
    examples = []
    try:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if line.strip():
                    examples.append(example_from_json(json.loads(line), f"{path}:{number}"))
    except FileNotFoundError as exc:
        raise InputError(f"data file {path} not found; build it with `bayling-local data build`") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path} is not UTF-8 JSON lines ({exc})") from exc
    return examples
