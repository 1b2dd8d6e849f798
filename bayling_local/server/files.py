"""Document translation jobs: any format `translate -i` reads, translated in the background with progress,
kept (output and summary only) for an hour after they end (the last 16). The routes, and the work itself
(`runs.translate_document`, as for `translate -i`), are in `files_api`."""

from __future__ import annotations

import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from ..errors import BaylingError
from ..language.names import Language
from ..translation.terms import term_counts
from .fields import libre_code

if TYPE_CHECKING:
    from ..documents.model import Document
    from ..translation.glossary import Glossary
    from ..translation.translator import SegmentResult

KEPT_SECONDS = 3600.0
KEPT_JOBS = 16


class JobNotFoundError(BaylingError):
    """No file job has this id (never made, or finished more than an hour ago)."""


class JobFailedError(BaylingError):
    """A document could not be translated (the message says why)."""


@dataclass
class FileJob:
    """One uploaded document being translated."""

    name: str
    """The uploaded file's name (its last part only)."""
    document: Document | None
    """Until the job ends; then only what the answers need is kept (the output, the summary)."""
    target: Language
    source: Language | None
    """None: detected (a short segment takes the document's language)."""
    glossary: Glossary | None = None
    notice: str | None = None
    """Something the user should know about the job (a glossary without the target's column)."""
    cancel: threading.Event = field(default_factory=threading.Event)
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    status: str = "running"
    """`running`, `done`, `failed` or `cancelled`."""
    done: int = 0
    error: str | None = None
    output: bytes | None = None
    results: list[SegmentResult] = field(default_factory=list)
    finished: threading.Event = field(default_factory=threading.Event)
    ended_at: float | None = None
    total: int = 0
    format: str = ""
    terms: list[dict[str, object]] = field(default_factory=list)
    problems: list[dict[str, object]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.document is not None:
            self.total, self.format = len(self.document.segments), self.document.format

    @property
    def download_name(self) -> str:
        """`notes.md` -> `notes.fr.md`: the original name with the target's code before the extension."""
        path = PurePath(self.name)
        suffix = ".po" if path.suffix.lower() == ".pot" else path.suffix  # a template in, a translation out
        return f"{path.stem}.{libre_code(self.target)}{suffix}"

    def as_json(self) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "status": self.status,
            "done": self.done,
            "total": self.total,
            "format": self.format,
            "target": self.target.code,
            "download_name": self.download_name,
            "error": self.error,
            "notice": self.notice,
        }
        if self.status == "done":
            answer["download_url"] = f"/api/files/{self.id}/download"
            answer["terms"] = self.terms
            answer["problems"] = self.problems
        return answer

    def settle(self) -> None:
        """The job has ended: keep the output and its summary, let the document and the results go."""
        document = self.document
        if document is not None and self.status == "done":
            self.terms = term_counts(self.results)
            self.problems = [
                {"location": segment.location, "check": result.check}
                for segment, result in zip(document.segments, self.results, strict=False)
                if result.check
            ]
            self.problems += [{"location": place, "check": why} for place, why in document.untranslated()]
        self.document, self.results = None, []
        self.ended_at = time.monotonic()
        self.finished.set()


class FileJobs:
    """The server's file jobs, by id; old finished ones are forgotten."""

    def __init__(self) -> None:
        self._jobs: dict[str, FileJob] = {}
        self._lock = threading.Lock()

    def add(self, job: FileJob) -> None:
        with self._lock:
            self._forget_old()
            self._jobs[job.id] = job

    def get(self, ident: str) -> FileJob:
        with self._lock:
            self._forget_old()
            job = self._jobs.get(ident)
        if job is None:
            raise JobNotFoundError(
                f"no file job {ident!r}: it finished over an hour ago or never existed; upload the file again"
            )
        return job

    def cancel_all(self) -> None:
        """The server stops: running jobs end (their models are about to close)."""
        with self._lock:
            jobs = list(self._jobs.values())
        for job in jobs:
            job.cancel.set()

    def _forget_old(self) -> None:
        now = time.monotonic()
        ended = sorted(
            (j for j in self._jobs.values() if j.ended_at is not None), key=lambda j: j.ended_at or 0
        )
        for position, job in enumerate(ended):
            if now - (job.ended_at or now) > KEPT_SECONDS or position < len(ended) - KEPT_JOBS:
                del self._jobs[job.id]


def upload_name(raw: str) -> str:
    """The uploaded file's own name, without folders or control characters (it names the download).
    Browsers (and httpx) send a quote in a multipart file name as `%22` (the HTML standard's escape)."""
    raw = raw.replace("%22", '"').replace("%0A", "").replace("%0D", "")
    name = PurePath(raw.replace("\\", "/")).name
    return re.sub(r"[\x00-\x1f\x7f]", "", name).strip() or "document.txt"


def read_upload(data: bytes, name: str, target: Language) -> Document:
    """The uploaded document, read as its extension says and planned for `target` (blocking)."""
    from ..documents.formats import chosen_format, read_document

    path = Path(name)  # only named in messages: nothing is read from or written to it
    document = read_document(data, path, chosen_format(path, None))
    document.prepare(target)
    return document
