"""Document translation over HTTP: any format `translate -i` reads (Markdown, HTML, subtitles, DOCX, text),
as a job with progress for the web page, and LibreTranslate's `/translate_file` for its clients.

`POST /api/files` (multipart: `file`, `target`, `source`, `model`, `glossary`, `keep`) reads the document at
once (a broken one is refused with its place and problem) and answers 202 with the job; `GET /api/files/{id}`
says how far it is; `GET /api/files/{id}/download` gives the translated file, named as the original plus the
target's code (`notes.fr.md`); `DELETE` cancels it. Finished jobs are kept for an hour (the last 16 of them).
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import anyio
import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from ..errors import BaylingError, UsageError
from ..languages import Language
from .libre_api import check_key, libre_code, params, request_glossary
from .translating import TranslationRun, run_lines, term_summary
from .web_api import languages_of, model_of

if TYPE_CHECKING:
    from ..documents.model import Document
    from ..translation.translator import SegmentResult
    from .pool import Lease
    from .state import ServerState

router = APIRouter()
KEPT_SECONDS = 3600.0
KEPT_JOBS = 16


class JobNotFoundError(BaylingError):
    """No file job has this id (never made, or finished more than an hour ago)."""


@dataclass
class FileJob:
    """One uploaded document being translated."""

    name: str
    """The uploaded file's name (its last part only)."""
    document: Document
    target: Language
    run: TranslationRun
    id: str = field(default_factory=lambda: uuid.uuid4().hex)
    status: str = "running"
    """`running`, `done`, `failed` or `cancelled`."""
    done: int = 0
    error: str | None = None
    output: bytes | None = None
    results: list[SegmentResult] = field(default_factory=list)
    finished: threading.Event = field(default_factory=threading.Event)
    ended_at: float | None = None

    @property
    def download_name(self) -> str:
        """`notes.md` -> `notes.fr.md`: the original name with the target's code before the extension."""
        path = PurePath(self.name)
        return f"{path.stem}.{libre_code(self.target)}{path.suffix}"

    def as_json(self) -> dict[str, Any]:
        answer: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "status": self.status,
            "done": self.done,
            "total": len(self.document.segments),
            "format": self.document.format,
            "target": self.target.code,
            "download_name": self.download_name,
            "error": self.error,
        }
        if self.status == "done":
            answer["download_url"] = f"/api/files/{self.id}/download"
            answer["terms"] = term_summary(self.results)
            answer["problems"] = [
                {"location": segment.location, "check": result.check}
                for segment, result in zip(self.document.segments, self.results, strict=False)
                if result.check
            ]
        return answer


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

    def _forget_old(self) -> None:
        now = time.monotonic()
        ended = sorted(
            (j for j in self._jobs.values() if j.ended_at is not None), key=lambda j: j.ended_at or 0
        )
        for position, job in enumerate(ended):
            if now - (job.ended_at or now) > KEPT_SECONDS or position < len(ended) - KEPT_JOBS:
                del self._jobs[job.id]


def upload_name(raw: str) -> str:
    """The uploaded file's own name, without folders or control characters (it names the download)."""
    name = PurePath(raw.replace("\\", "/")).name
    return re.sub(r"[\x00-\x1f\x7f]", "", name).strip() or "document.txt"


async def start_job(request: Request) -> FileJob:
    """Read the uploaded document (refused at once if broken), admit it, and start translating it."""
    from ..documents.formats import chosen_format, read_document

    state: ServerState = request.app.state.server
    fields = await params(request)
    check_key(state, fields, request)
    upload = fields.get("file")
    if upload is None or isinstance(upload, str) or not hasattr(upload, "read"):
        raise UsageError("file is required: the document to translate, sent as multipart/form-data")
    name = upload_name(str(getattr(upload, "filename", "") or ""))
    data = await upload.read()
    source, target = languages_of(fields)
    glossary = request_glossary(fields, source, target)
    path = Path(name)  # only named in messages: nothing is read from or written to it
    document = read_document(data, path, chosen_format(path, None))
    lease = await state.lease(model_of(fields))
    run = TranslationRun([segment.text for segment in document.segments], target, source, glossary)
    job = FileJob(name, document, target, run)
    run.on_result = lambda _result: setattr(job, "done", job.done + 1)
    state.files.add(job)
    threading.Thread(target=_translate, args=(state, lease, job), daemon=True, name="file-job").start()
    return job


def _translate(state: ServerState, lease: Lease, job: FileJob) -> None:
    timer = threading.Timer(state.config.request_timeout, job.run.cancel.set)
    timer.start()
    try:
        if job.run.lines and job.run.source != job.target:
            job.results = run_lines(state, lease, job.run)
        translations = [result.translation for result in job.results] or list(job.run.lines)
        if job.run.cancel.is_set() or len(translations) < len(job.run.lines):
            job.status, job.error = (
                "cancelled",
                "the translation was cancelled (or took longer than --timeout)",
            )
        else:
            job.output = job.document.output(translations, job.target)
            job.status = "done"
    except Exception as exc:  # noqa: BLE001 - reported to the page by the job's status
        job.status, job.error = "failed", str(exc) or type(exc).__name__
    finally:
        timer.cancel()
        lease.release()
        job.ended_at = time.monotonic()
        job.finished.set()


@router.post("/api/files", status_code=202)
async def create(request: Request) -> dict[str, Any]:
    return (await start_job(request)).as_json()


@router.get("/api/files/{ident}")
async def progress(ident: str, request: Request) -> dict[str, Any]:
    return _job(request, ident).as_json()


@router.delete("/api/files/{ident}")
async def cancel(ident: str, request: Request) -> dict[str, Any]:
    job = _job(request, ident)
    job.run.cancel.set()
    return job.as_json()


@router.get("/api/files/{ident}/download", response_model=None)
async def download(ident: str, request: Request) -> Response:
    return _file_response(_job(request, ident))


@router.post("/translate_file")
async def translate_file(request: Request) -> dict[str, Any]:
    """LibreTranslate's: waits for the translation, answers where to download it."""
    job = await start_job(request)
    await anyio.to_thread.run_sync(job.finished.wait, abandon_on_cancel=True)
    if job.status != "done":
        raise UsageError(job.error or "the file could not be translated")
    return {
        "translatedFileUrl": f"{str(request.base_url).rstrip('/')}/download_file/{job.id}/{quote(job.download_name)}"
    }


@router.get("/download_file/{ident}/{name}", response_model=None)
async def download_file(ident: str, name: str, request: Request) -> Response:
    """LibreTranslate's download link (open, as LibreTranslate's is: the id cannot be guessed)."""
    return _file_response(_job(request, ident))


def _job(request: Request, ident: str) -> FileJob:
    state: ServerState = request.app.state.server
    return state.files.get(ident)


def _file_response(job: FileJob) -> Response:
    if job.status != "done" or job.output is None:
        message = (
            job.error
            or f"the file is not translated yet ({job.done} of {len(job.document.segments)} segments)"
        )
        return JSONResponse({"error": message}, status_code=409)
    ascii_name = job.download_name.encode("ascii", "replace").decode().replace('"', "'")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(job.download_name)}"
    return Response(
        job.output,
        media_type=_MEDIA.get(job.document.format, "application/octet-stream"),
        headers={"Content-Disposition": disposition},
    )


_MEDIA = {
    "text": "text/plain; charset=utf-8",
    "markdown": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "srt": "application/x-subrip; charset=utf-8",
    "vtt": "text/vtt; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
