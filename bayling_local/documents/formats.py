"""Which format a file is (from its extension, or a format named by the user), and reading it as a
`Document`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..errors import BaylingError, DocumentError, InputError, UsageError
from ..language.names import Language
from ..textio import decode_utf8
from ..translation.markers import MarkerTable, literal_markers_escaped
from .model import BOM, Document, fail, usable

EXTENSIONS: dict[str, tuple[str, ...]] = {
    "text": (".txt",),
    "markdown": (".md", ".markdown"),
    "html": (".html", ".htm"),
    "srt": (".srt",),
    "vtt": (".vtt",),
    "docx": (".docx",),
    "po": (".po", ".pot"),
    "xliff": (".xlf", ".xliff"),
    "json": (".json",),
    "arb": (".arb",),
    "yaml": (".yml", ".yaml"),
}
"""Format names and the extensions that pick them."""


def supported() -> str:
    """The supported extensions, for messages."""
    return ", ".join(ext for exts in EXTENSIONS.values() for ext in exts)


def format_of(path: Path) -> str | None:
    """The format a file's extension names, None when it names none."""
    suffix = path.suffix.lower()
    return next((name for name, exts in EXTENSIONS.items() if suffix in exts), None)


class UnknownFormatError(UsageError):
    """A file whose extension names no format we read, or a format name we do not know (`override`)."""

    def __init__(self, message: str, override: str | None = None) -> None:
        super().__init__(message)
        self.override = override
        """The format name asked for that does not exist; None when the extension was the problem."""


def chosen_format(path: Path | None, override: str | None) -> str:
    """The format named by `override` (checked) if given, else the extension's; an unknown extension is
    refused with the supported list. No file (TEXT or stdin) is plain text."""
    if override is not None:
        name = override.lower()
        if name not in EXTENSIONS:
            raise UnknownFormatError(
                f"unknown format {override!r}; choose one of {', '.join(EXTENSIONS)}", override
            )
        return name
    if path is None:
        return "text"
    found = format_of(path)
    if found is None:
        raise UnknownFormatError(
            f"{path}: unknown file type {path.suffix or '(no extension)'!r}; supported: {supported()}"
        )
    return found


@dataclass(frozen=True)
class ReadOptions:
    """How localization files are filled."""

    overwrite: bool = False
    """Translate entries that already have a translation (PO, XLIFF) too."""
    fuzzy: bool = True
    """Flag PO translations `#, fuzzy` for review."""


def read_document(data: bytes, path: Path | None, name: str, options: ReadOptions | None = None) -> Document:
    """The document in `data`, read as format `name`; DocumentError (file, place, problem) if it is not."""
    try:
        document = _read(data, path, name, options or ReadOptions())
    except InputError as exc:  # not UTF-8, empty: the file is malformed for its format (exit 2)
        raise exc if isinstance(exc, DocumentError) else DocumentError(str(exc)) from exc
    except BaylingError:
        raise
    except Exception as exc:  # a parser's own failure on a file it cannot take: still one line, exit 2
        raise fail(path, "", f"cannot be read as {name} ({type(exc).__name__}: {exc})") from exc
    document.bom = data.startswith(BOM) and not document.binary
    return document


def _read(data: bytes, path: Path | None, name: str, options: ReadOptions) -> Document:
    if name in ("po", "xliff", "json", "arb", "yaml"):
        from .localization import read_localization

        return read_localization(data, path, name, options.overwrite, options.fuzzy)
    if name == "markdown":
        from .markdown import read_markdown

        return read_markdown(data, path)
    if name == "html":
        from .html import read_html

        return read_html(data, path)
    if name in ("srt", "vtt"):
        from .subtitles import read_subtitles

        return read_subtitles(data, path, name)
    if name == "docx":
        from .wordfile import read_docx

        return read_docx(data, path)
    return PlainDocument(path, decode_utf8(data, str(path) if path else "the input"))


def looks_binary(data: bytes) -> bool:
    """A NUL byte early on: not a text file, whatever its name says (DOCX is a zip and is not asked)."""
    return b"\x00" in data[:8192]


class PlainDocument(Document):
    """Plain text in a folder run: one segment a line, blank lines and line endings kept."""

    format = "text"

    def __init__(self, path: Path | None, text: str) -> None:
        super().__init__(path)
        self.lines = text.splitlines(keepends=True)
        self.places: list[int] = []
        for number, line in enumerate(self.lines):
            if line.strip():
                table = MarkerTable()
                self.add(literal_markers_escaped(line.strip(), table), f"line {number + 1}", table)
                self.places.append(number)
        if text and not self.segments and not text.strip():
            raise fail(path, "", "the file holds only blank lines")

    def render(self, translations: Sequence[str], target: Language) -> bytes:
        lines = list(self.lines)
        for segment, place, translation in zip(self.segments, self.places, translations, strict=True):
            line = lines[place]
            text = segment.table.restore(usable(segment, translation).text)
            body = line.rstrip("\r\n")
            lead = body[: len(body) - len(body.lstrip())]
            lines[place] = lead + text + line[len(body) :]
        return "".join(lines).encode("utf-8")
