"""The web page's own routes (also for users' scripts): `GET /api/languages` (the 205 FLORES languages with
their native names and direction) and `POST /api/translate`, a translation streamed as server-sent events.

Events, one JSON object each: `start` (model, segments), `draft` (a piece of segment `index`'s first attempt,
as it is generated), `segment` (its final text after the checks and retries: replaces the drafts), `done`
(the whole text, the detected language, the glossary terms used) or `error` (a readable message).
"""

from __future__ import annotations

import json
import queue
import threading
import time
from collections.abc import AsyncGenerator, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

import anyio
import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..errors import UsageError
from ..language.names import ALL_LANGUAGES
from ..translation.terms import term_counts
from .fields import languages_of, libre_code, model_of, page_glossary, params
from .translating import TranslationRun, detected, run_lines

if TYPE_CHECKING:
    from ..translation.translator import SegmentResult
    from .pool import Lease
    from .state import ServerState

router = APIRouter()
_END = object()


@router.get("/api/languages")
async def languages() -> list[dict[str, Any]]:
    return _languages()


@cache
def _languages() -> list[dict[str, Any]]:
    from ..language.names import names_by_code

    names = names_by_code()
    listed = [
        {
            "code": language.code,
            "name": language.name,
            "native": language.native,
            "libre": libre_code(language),
            "rtl": language.right_to_left,
            "aliases": sorted(names[language.code]),
        }
        for language in ALL_LANGUAGES
    ]
    return sorted(listed, key=lambda entry: str(entry["name"]).casefold())


@router.post("/api/translate", response_model=None)
async def translate_stream(request: Request) -> Response:
    state: ServerState = request.app.state.server
    fields = await params(request)
    text = fields.get("q")
    if not isinstance(text, str):
        raise UsageError("q is required: the text to translate")
    source, target = languages_of(fields)
    glossary, notice = page_glossary(fields, source, target)
    lease = await state.lease(model_of(fields))
    events: queue.Queue[Any] = queue.Queue()
    run = TranslationRun(text.split("\n"), target, source, glossary, notice=notice)
    run.on_piece = lambda index, piece: events.put({"event": "draft", "index": index, "text": piece})
    run.on_result = _segment_events(events)
    threading.Thread(
        target=_work, args=(state, lease, run, events), daemon=True, name="web-translation"
    ).start()
    start = {"event": "start", "model": lease.name, "segments": len(run.lines), "notice": notice}
    return state.event_stream(_relay(state, events, start, run.cancel), run.cancel.set)


def _segment_events(events: queue.Queue[Any]) -> Any:
    count = 0

    def put(result: SegmentResult) -> None:
        nonlocal count
        events.put(
            {
                "event": "segment",
                "index": count,
                "translation": result.translation,
                "check": result.check,
                "from_memory": result.from_memory,
                "source_language": result.source_language,
                "source_inherited": result.source_inherited,
            }
        )
        count += 1

    return put


def _work(state: ServerState, lease: Lease, run: TranslationRun, events: queue.Queue[Any]) -> None:
    try:
        results = run_lines(state, lease, run)
        events.put(_done(run, results))
    except Exception as exc:  # noqa: BLE001 - the 200 is sent: say it in the stream
        events.put({"event": "error", "message": str(exc) or type(exc).__name__})
    finally:
        lease.release()
        events.put(_END)


def _done(run: TranslationRun, results: list[SegmentResult]) -> dict[str, Any]:
    if run.cancel.is_set():
        return {"event": "error", "message": "the translation was cancelled"}
    answer: dict[str, Any] = {
        "event": "done",
        "translatedText": "\n".join(result.translation for result in results),
        "target": run.target.code,
        "terms": term_counts(results),
        "problems": [{"index": i, "check": r.check} for i, r in enumerate(results) if r.check],
    }
    if run.source is None:
        answer["detectedLanguage"] = _detected_language(run.lines, results)
    return answer


def _detected_language(lines: Sequence[str], results: list[SegmentResult]) -> dict[str, Any] | None:
    """The language of the whole text (surer than any one line), else the one its first line was
    translated from."""
    from ..language.detect import detect_language

    whole = detect_language("\n".join(lines))
    found = (whole.language, whole.confidence) if whole.language is not None else detected(results)
    if found is None:
        return None
    return {"code": found[0].code, "name": found[0].name, "confidence": round(100 * found[1], 1)}


async def _relay(
    state: ServerState, events: queue.Queue[Any], start: dict[str, Any], cancel: threading.Event
) -> AsyncGenerator[str, None]:
    """The worker's events as SSE lines, for at most the server's --timeout."""
    yield json.dumps(start, ensure_ascii=False)
    deadline = time.monotonic() + state.config.request_timeout
    while True:
        try:
            # The time limit wraps each wait, never a `yield` (see `bridge.Waiters.pieces`).
            with anyio.fail_after(max(0.0, deadline - time.monotonic())):
                item = await anyio.to_thread.run_sync(
                    events.get, limiter=state.waiters.limiter, abandon_on_cancel=True
                )
        except TimeoutError:
            cancel.set()
            message = f"the translation took longer than the server's --timeout ({state.config.request_timeout:g} s)"
            yield json.dumps({"event": "error", "message": message})
            return
        if item is _END:
            return
        yield json.dumps(item, ensure_ascii=False)


@router.post("/api/glossary")
async def check_glossary(request: Request) -> dict[str, Any]:
    """A glossary read as a translation would read it (`glossary`, `source`, `target`): how many terms, in
    which languages; a bad one is refused with its reason (the page checks a file when it is chosen)."""
    from ..language.names import BY_CODE

    state: ServerState = request.app.state.server
    fields = await params(request)
    source, target = languages_of(fields)
    glossary, notice = await anyio.to_thread.run_sync(
        page_glossary, fields, source, target, limiter=state.waiters.limiter
    )
    entries = glossary.entries if glossary is not None else []
    codes = sorted({code for entry in entries if not entry.keep for code in entry.terms})
    return {
        "terms": len(entries),
        "languages": [BY_CODE[code].name for code in codes if code in BY_CODE],
        "notice": notice,
    }
