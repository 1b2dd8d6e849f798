"""Readers: parallel text into aligned rows, instruction data into conversations.

Parallel inputs (`read_parallel`), chosen by the path:
- a folder of FLORES-style aligned files `<code>.txt` (one sentence a line, line N aligned across files);
- a FLORES `.tar.xz` archive, read in place (`archive.tar.xz` picks its `dev510/` folder,
  `archive.tar.xz#dev997` another one); nothing is extracted to disk;
- a `.tsv` whose header names the language of each column (`eng_Latn<TAB>zho_Hans`, optional `id` column);
- a `.jsonl` bitext: either `{"id": ..., "<code>": text, ...}` or
  `{"source_lang", "target_lang", "source", "target"}` per line.

Instruction inputs (`read_instructions`): Alpaca (`instruction`, `input`, `output`), ShareGPT
(`conversations` of `{from, value}`) and OpenAI messages (`messages` of `{role, content}`) JSONL, detected per
line.
"""

from __future__ import annotations

import csv
import json
import re
import tarfile
from dataclasses import dataclass
from pathlib import Path

from bayling_local.errors import InputError

from .schema import Turn

CODE_RE = re.compile(r"^[a-z]{3}_[A-Z][a-z]{3}$")
SHAREGPT_ROLES = {
    "human": "user",
    "user": "user",
    "gpt": "assistant",
    "assistant": "assistant",
    "chatgpt": "assistant",
    "bard": "assistant",
    "system": "system",
}


@dataclass(frozen=True)
class AlignedRow:
    """One sentence id and its text in every language that has it."""

    id: str
    """Stable id of the aligned sentence (the unit of the held-out split)."""
    texts: dict[str, str]
    """FLORES-200 code -> sentence."""
    origin: str
    """Corpus name for the metadata."""


@dataclass(frozen=True)
class InstructionRecord:
    """One instruction conversation from a dataset."""

    id: str
    """Stable id (`<file>:<line>` unless the record brings one)."""
    turns: tuple[Turn, ...]
    """The conversation."""
    lang: str
    """Declared language code, or `und`."""
    origin: str
    """Source file name."""


def read_parallel(spec: str, languages: set[str] | None = None) -> list[AlignedRow]:
    """Read one parallel source (see the module doc); `languages` keeps only those codes."""
    path_text, _, member = spec.partition("#")
    path = Path(path_text)
    if not path.exists():
        raise InputError(f"parallel data {path} not found")
    name = path.name
    if path.is_dir():
        columns = _folder_columns(path, languages)
        return _rows_from_columns(columns, f"{name}", languages)
    if name.endswith((".tar.xz", ".tar.gz", ".tgz", ".tar")):
        columns, folder = _archive_columns(path, member or "dev510", languages)
        return _rows_from_columns(columns, f"{name.split('.tar')[0]}/{folder}", languages)
    if name.endswith(".tsv"):
        return _read_tsv(path, languages)
    if name.endswith((".jsonl", ".json")):
        return _read_jsonl_bitext(path, languages)
    raise InputError(
        f"{path}: unknown parallel format; use a folder of <code>.txt, a .tar.xz, a .tsv or a .jsonl"
    )


def _folder_columns(folder: Path, languages: set[str] | None) -> dict[str, list[str]]:
    columns = {}
    for file in sorted(folder.glob("*.txt")):
        code = file.stem
        if CODE_RE.match(code) and (languages is None or code in languages):
            columns[code] = _lines(file.read_bytes(), str(file))
    if not columns:
        raise InputError(f"{folder} holds no <code>.txt files for the requested languages")
    return columns


def _archive_columns(
    archive: Path, folder: str, languages: set[str] | None
) -> tuple[dict[str, list[str]], str]:
    columns = {}
    try:
        with tarfile.open(archive) as tar:
            for member in tar:  # streaming: one pass over the compressed archive
                parts = member.name.split("/")
                if (
                    not member.isfile()
                    or len(parts) < 2
                    or parts[-2] != folder
                    or not parts[-1].endswith(".txt")
                ):
                    continue
                code = parts[-1][:-4]
                if CODE_RE.match(code) and (languages is None or code in languages):
                    handle = tar.extractfile(member)
                    if handle is not None:
                        columns[code] = _lines(handle.read(), f"{archive}:{member.name}")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise InputError(f"cannot read archive {archive} ({exc})") from exc
    if not columns:
        raise InputError(
            f"{archive} has no {folder}/<code>.txt files for the requested languages; "
            "name the folder with ARCHIVE#FOLDER"
        )
    return columns, folder


def _lines(data: bytes, where: str) -> list[str]:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{where} is not UTF-8") from exc
    # split("\n"), not splitlines(): sentences may hold U+2028 and other characters splitlines() breaks on.
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.strip() for line in lines]


def _rows_from_columns(
    columns: dict[str, list[str]], origin: str, languages: set[str] | None
) -> list[AlignedRow]:
    lengths = {len(lines) for lines in columns.values()}
    if len(lengths) != 1:
        raise InputError(
            f"{origin}: the per-language files have different line counts {sorted(lengths)}; "
            "aligned files must have one line per sentence"
        )
    (count,) = lengths
    rows = []
    for index in range(count):
        texts = {code: lines[index] for code, lines in columns.items() if lines[index]}
        rows.append(AlignedRow(f"{origin}#{index}", texts, origin))
    return rows


def _read_tsv(path: Path, languages: set[str] | None) -> list[AlignedRow]:
    with open(path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if not header or not all(CODE_RE.match(h) or h == "id" for h in header):
            raise InputError(
                f"{path}: the first line must name each column's language, e.g. eng_Latn<TAB>zho_Hans"
            )
        rows = []
        for number, values in enumerate(reader, 2):
            if len(values) != len(header):
                raise InputError(f"{path}:{number}: {len(values)} columns, the header has {len(header)}")
            record = dict(zip(header, values, strict=True))
            row_id = record.pop("id", None) or f"{path.name}#{number}"
            texts = {
                k: v.strip() for k, v in record.items() if v.strip() and (languages is None or k in languages)
            }
            rows.append(AlignedRow(row_id, texts, path.name))
    return rows


def _read_jsonl_bitext(path: Path, languages: set[str] | None) -> list[AlignedRow]:
    rows = []
    for number, record in _jsonl(path):
        row_id = str(record.get("id") or f"{path.name}#{number}")
        if "source" in record and "target" in record:
            texts = {
                str(record["source_lang"]): str(record["source"]),
                str(record["target_lang"]): str(record["target"]),
            }
        else:
            texts = {k: v for k, v in record.items() if CODE_RE.match(k) and isinstance(v, str)}
        texts = {
            k: v.strip() for k, v in texts.items() if v.strip() and (languages is None or k in languages)
        }
        rows.append(AlignedRow(row_id, texts, path.name))
    return rows


def _jsonl(path: Path) -> list[tuple[int, dict]]:
    records = []
    try:
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if line.strip():
                    record = json.loads(line)
                    if not isinstance(record, dict):
                        raise InputError(f"{path}:{number}: expected a JSON object per line")
                    records.append((number, record))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{path} is not UTF-8 JSON lines ({exc})") from exc
    except FileNotFoundError as exc:
        raise InputError(f"instruction or bitext file {path} not found") from exc
    return records


def read_instructions(spec: str) -> list[InstructionRecord]:
    """Read Alpaca / ShareGPT / OpenAI-messages JSONL; `PATH@lang` declares the language of the records."""
    path_text, _, lang = spec.partition("@")
    path = Path(path_text)
    records = []
    for number, record in _jsonl(path):
        turns = _turns(record, f"{path}:{number}")
        record_lang = str(record.get("lang") or record.get("language") or lang or "und")
        record_id = str(record.get("id") or f"{path.name}:{number}")
        records.append(InstructionRecord(record_id, turns, record_lang, path.name))
    return records


def _turns(record: dict, where: str) -> tuple[Turn, ...]:
    if "messages" in record:  # OpenAI
        turns = [
            Turn(str(m["role"]), str(m["content"]), int(m.get("weight", 1)))
            for m in record["messages"]
            if isinstance(m, dict) and "role" in m and "content" in m
        ]
    elif "conversations" in record:  # ShareGPT
        turns = [
            Turn(SHAREGPT_ROLES.get(str(m.get("from", "")).lower(), "?"), str(m.get("value", "")))
            for m in record["conversations"]
            if isinstance(m, dict)
        ]
    elif "instruction" in record and "output" in record:  # Alpaca
        prompt = str(record["instruction"]).strip()
        if str(record.get("input") or "").strip():
            prompt = f"{prompt}\n\n{str(record['input']).strip()}"
        turns = [Turn("user", prompt), Turn("assistant", str(record["output"]).strip())]
        if record.get("system"):
            turns.insert(0, Turn("system", str(record["system"])))
    else:
        raise InputError(
            f"{where}: not Alpaca (instruction/output), ShareGPT (conversations) or OpenAI (messages) format"
        )
    if any(t.role not in ("system", "user", "assistant") for t in turns):
        raise InputError(f"{where}: unknown speaker role; expected system/user/assistant (or human/gpt)")
    if not any(t.role == "assistant" and t.content.strip() for t in turns):
        raise InputError(f"{where}: the record has no assistant answer")
    return tuple(turns)
