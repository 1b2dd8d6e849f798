"""Document translation over HTTP, for the web page and LibreTranslate clients.

`POST /api/files` (multipart: `file`, `target`, `source`, `model`, `glossary`, `keep`) reads the document at
once (a broken one is refused with its place and problem) and answers 202 with the job; `GET /api/files/{id}`
says how far it is; `GET /api/files/{id}/download` gives the translated file, named as the original plus the
target's code (`notes.fr.md`); `DELETE` cancels it. `POST /translate_file` is LibreTranslate's: it waits
(a client that goes away cancels it) and answers a `/download_file/...` URL.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import anyio
import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from ..errors import UsageError
from .fields import check_key, languages_of, model_of, page_glossary, params
from .files import FileJob, JobFailedError, read_upload, upload_name

if TYPE_CHECKING:
    from ..translation.translator import SegmentResult
    from .pool import Lease
    from .state import ServerState

router = APIRouter()


async def start_job(request: Request) -> FileJob:
    """Read the uploaded document (refused at once if broken), admit it, and start translating it."""
    state: ServerState = request.app.state.server
    fields = await params(request)
    check_key(state.config, fields, request)
    upload = fields.get("file")
    if upload is None or isinstance(upload, str) or not hasattr(upload, "read"):
        raise UsageError("file is required: the document to translate, sent as multipart/form-data")
    name = upload_name(str(getattr(upload, "filename", "") or ""))
    data = await upload.read()
    source, target = languages_of(fields)
    # Parsing a large document (or glossary) takes seconds: in a worker thread, never on the event loop.
    limiter = state.waiters.limiter
    glossary, notice = await anyio.to_thread.run_sync(page_glossary, fields, source, target, limiter=limiter)
    document = await anyio.to_thread.run_sync(read_upload, data, name, target, limiter=limiter)
    lease = await state.lease(model_of(fields))
    job = FileJob(name, document, target, source, glossary, notice)
    state.files.add(job)
    threading.Thread(target=_translate, args=(state, lease, job), daemon=True, name="file-job").start()
    return job


def _translate(state: ServerState, lease: Lease, job: FileJob) -> None:
    """The job's document through the translation core, as `translate -i` does it. No time limit: a long
    document may take hours on a CPU; DELETE (or the server stopping) ends it. It keeps at most half the
    model's slots busy, so text translations and chats sent meanwhile start at once."""
    from ..runs.translate_document import DocumentTranslation, translate_document

    assert job.document is not None

    def finished(result: SegmentResult) -> None:
        job.done += 1
        if state.metrics is not None:
            state.metrics.record_translation([result])

    how = DocumentTranslation(
        job.target,
        job.source,
        state.generation,
        glossary=job.glossary,
        on_result=finished,
        cancel=job.cancel,
        max_in_flight=max(1, lease.engine.slots // 2),
        translated_by=lease.name,
    )
    try:
        done = translate_document(job.document, lease.engine, how)
        job.results = done.results
        if done.data is None or job.cancel.is_set():
            job.status, job.error = "cancelled", "the translation was cancelled"
        else:
            job.output, job.status = done.data, "done"
    except Exception as exc:  # noqa: BLE001 - reported to the page by the job's status
        job.status, job.error = "failed", str(exc) or type(exc).__name__
    finally:
        lease.release()
        job.settle()


@router.post("/api/files", status_code=202)
async def create(request: Request) -> dict[str, Any]:
    return (await start_job(request)).as_json()


@router.get("/api/files/{ident}")
async def progress(ident: str, request: Request) -> dict[str, Any]:
    return _job(request, ident).as_json()


@router.delete("/api/files/{ident}")
async def cancel(ident: str, request: Request) -> dict[str, Any]:
    job = _job(request, ident)
    job.cancel.set()
    return job.as_json()


@router.get("/api/files/{ident}/download", response_model=None)
async def download(ident: str, request: Request) -> Response:
    return _file_response(_job(request, ident))


@router.post("/translate_file")
async def translate_file(request: Request) -> dict[str, Any]:
    state: ServerState = request.app.state.server
    job = await start_job(request)
    while not await anyio.to_thread.run_sync(job.finished.wait, 0.5, limiter=state.waiters.limiter):
        if await request.is_disconnected():
            job.cancel.set()
    if job.status != "done":
        raise JobFailedError(job.error or "the file could not be translated")
    base = str(request.base_url).rstrip("/")
    return {"translatedFileUrl": f"{base}/download_file/{job.id}/{quote(job.download_name)}"}


@router.get("/download_file/{ident}/{name}", response_model=None)
async def download_file(ident: str, name: str, request: Request) -> Response:
    """LibreTranslate's download link (open, as LibreTranslate's is: the id cannot be guessed)."""
    return _file_response(_job(request, ident))


def _job(request: Request, ident: str) -> FileJob:
    state: ServerState = request.app.state.server
    return state.files.get(ident)


def _file_response(job: FileJob) -> Response:
    if job.status != "done" or job.output is None:
        message = job.error or f"the file is not translated yet ({job.done} of {job.total} segments)"
        return JSONResponse({"error": message}, status_code=409)
    ascii_name = job.download_name.encode("ascii", "replace").decode().replace('"', "'")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(job.download_name)}"
    media = _MEDIA.get(job.format, "application/octet-stream")
    return Response(job.output, media_type=media, headers={"Content-Disposition": disposition})


_MEDIA = {
    "text": "text/plain; charset=utf-8",
    "markdown": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "srt": "application/x-subrip; charset=utf-8",
    "vtt": "text/vtt; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "po": "text/x-gettext-translation; charset=utf-8",
    "xliff": "application/xliff+xml",
    "json": "application/json",
    "arb": "application/json",
    "yaml": "application/yaml; charset=utf-8",
}
