"""What an interrupted `translate -o OUT` keeps: the finished lines as `OUT.partial`, and beside it a note of
where it stopped (`OUT.partial.json`), so `--resume` continues from there instead of starting again."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import UsageError


@dataclass(frozen=True)
class PartialNote:
    """Where an interrupted run stopped, and what it was doing (a resume must do the same)."""

    input_sha256: str
    """Of the whole input, so a resume never glues lines of another text together."""
    lines_done: int
    target: str
    source: str | None
    as_json: bool


def partial_paths(output: Path) -> tuple[Path, Path]:
    return output.with_name(output.name + ".partial"), output.with_name(output.name + ".partial.json")


def input_digest(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def save_partial(output: Path, rendered: list[str], note: PartialNote) -> Path:
    """Write the finished lines and the note (each atomically); returns the partial file's path."""
    from ..atomic import atomic_write

    text_path, note_path = partial_paths(output)
    with atomic_write(text_path) as handle:
        handle.write("".join(rendered))
    with atomic_write(note_path) as handle:
        json.dump(asdict(note), handle, indent=2)
        handle.write("\n")
    return text_path


def load_partial(output: Path, expected: PartialNote) -> list[str]:
    """The rendered lines an interrupted run finished, checked against this run; UsageError if they do not
    belong to it. An empty list when there is nothing to resume."""
    text_path, note_path = partial_paths(output)
    if not note_path.exists() or not text_path.exists():
        return []
    try:
        note = PartialNote(**json.loads(note_path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError) as exc:
        raise UsageError(f"cannot read {note_path} ({exc}); remove it to start again") from exc
    if (note.input_sha256, note.target, note.source, note.as_json) != (
        expected.input_sha256,
        expected.target,
        expected.source,
        expected.as_json,
    ):
        raise UsageError(
            f"{text_path} was made from another input or with other languages or format; "
            "remove it (and its .json note) to start again"
        )
    rendered = text_path.read_text(encoding="utf-8").splitlines(keepends=True)
    if len(rendered) != note.lines_done:
        raise UsageError(f"{text_path} holds {len(rendered)} lines but its note says {note.lines_done}")
    return rendered


def drop_partial(output: Path) -> None:
    for path in partial_paths(output):
        path.unlink(missing_ok=True)
