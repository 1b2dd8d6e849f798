"""LibreTranslate-compatible routes: `POST /translate`, `POST /detect`, `GET /languages`,
`GET /frontend/settings`.

`format=html` translates HTML fragments as `translate -i page.html` does: text and `alt`/`title`/... attributes,
tags kept through protected markers, `script`/`code`/`translate="no"` left alone.

LibreTranslate names languages by ISO 639-1 codes (`zt` for Traditional Chinese); those are answered with,
and FLORES codes, ISO 639-3 codes and names are accepted too. Texts go through the same translation core as
`bayling-local translate` (sentence splitting, output checks and retries), batched with every other client.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

import anyio
import anyio.to_thread
from fastapi import APIRouter, Request

from ..errors import UsageError
from ..language.detect import detect_language
from ..language.names import ALL_LANGUAGES, BY_CODE, Language
from ..translation.markers import strip_markers
from .fields import check_key, languages_of, libre_code, model_of, params, request_glossary
from .translating import TranslationRun, detected, run_lines

if TYPE_CHECKING:
    from ..translation.glossary import Glossary
    from ..translation.translator import SegmentResult
    from .state import ServerState

router = APIRouter()


@router.post("/translate")
async def translate(request: Request) -> dict[str, Any]:
    state: ServerState = request.app.state.server
    fields = await params(request)
    check_key(state.config, fields, request)
    texts, single = _texts(fields.get("q"))
    kind = str(fields.get("format") or "text").lower()
    if kind not in ("text", "html"):
        raise UsageError(f"format must be text or html, not {kind!r}")
    source, target = languages_of(fields)
    glossary = request_glossary(fields, source, target)
    model = model_of(fields)
    if kind == "html":
        translated, results = await _translate_html(state, texts, source, target, glossary, model)
    else:
        results = await _translate(state, texts, source, target, glossary, model)
        translated = ["\n".join(r.translation for r in group) for group in results]
    answer: dict[str, Any] = {"translatedText": translated[0] if single else translated}
    if source is None:
        detected = [_detected(group, text) for group, text in zip(results, texts, strict=True)]
        answer["detectedLanguage"] = detected[0] if single else detected
    return answer


@router.post("/detect")
async def detect(request: Request) -> list[dict[str, Any]]:
    state: ServerState = request.app.state.server
    fields = await params(request)
    check_key(state.config, fields, request)
    texts, _ = _texts(fields.get("q"))
    found = detect_language("\n".join(texts), top=3)
    # Every candidate, best first, even when none is sure (LibreTranslate's clients read the first).
    return [
        {"language": libre_code(BY_CODE[code]), "confidence": round(100 * probability, 1)}
        for code, probability in found.candidates
    ]


@router.get("/languages")
async def languages() -> list[dict[str, Any]]:
    return _language_list()


@router.get("/frontend/settings")
async def frontend_settings(request: Request) -> dict[str, Any]:
    state: ServerState = request.app.state.server
    keyed = bool(state.config.api_key)
    return {
        "charLimit": -1,
        "frontendTimeout": 500,
        "apiKeys": keyed,
        "keyRequired": keyed,
        "suggestions": False,
        "filesTranslation": True,
        "supportedFilesFormat": _file_formats(),
        "language": {
            "source": {"code": "auto", "name": "Auto Detect"},
            "target": {"code": "en", "name": "English"},
        },
    }


@cache
def _file_formats() -> list[str]:
    from ..documents.formats import EXTENSIONS

    return [ext for extensions in EXTENSIONS.values() for ext in extensions]


@cache
def _language_list() -> list[dict[str, Any]]:
    codes = [libre_code(language) for language in ALL_LANGUAGES]
    return [
        {"code": code, "name": language.name, "targets": codes}
        for code, language in zip(codes, ALL_LANGUAGES, strict=True)
    ]


def _texts(q: Any) -> tuple[list[str], bool]:
    if isinstance(q, str):
        return [q], True
    if isinstance(q, list) and q and all(isinstance(item, str) for item in q):
        return list(q), False
    raise UsageError("q is required: a text, or a list of texts")


async def _translate(
    state: ServerState,
    texts: list[str],
    source: Language | None,
    target: Language,
    glossary: Glossary | None = None,
    model: str | None = None,
) -> list[list[SegmentResult]]:
    """Every line of every text in one call to the translation core (so they batch), regrouped per text."""
    lines = [text.split("\n") for text in texts]
    run = TranslationRun([line for group in lines for line in group], target, source, glossary)
    lease = await state.lease(model)
    try:
        try:
            with anyio.fail_after(state.config.request_timeout):
                results = await anyio.to_thread.run_sync(
                    run_lines, state, lease, run, limiter=state.waiters.limiter, abandon_on_cancel=True
                )
        except BaseException:
            run.cancel.set()
            raise
    finally:
        lease.release()
    grouped, start = [], 0
    for group in lines:
        grouped.append(results[start : start + len(group)])
        start += len(group)
    return grouped


async def _translate_html(
    state: ServerState,
    texts: list[str],
    source: Language | None,
    target: Language,
    glossary: Glossary | None,
    model: str | None,
) -> tuple[list[str], list[list[SegmentResult]]]:
    """HTML fragments: their text and attributes translated, tags kept (`documents.html`), every segment of
    every fragment through the core in one call."""
    from ..documents.html import HtmlDocument
    from ..errors import DocumentError

    try:
        documents = [HtmlDocument(None, text) if text.strip() else None for text in texts]
    except DocumentError as exc:
        raise UsageError(str(exc).replace("the input: ", "q: ", 1)) from exc
    wanted = [(i, d) for i, d in enumerate(documents) if d is not None and d.segments]
    joined = ["\n".join(s.text for s in d.segments) for _i, d in wanted]
    groups = await _translate(state, joined, source, target, glossary, model)
    translated = list(texts)
    results: list[list[SegmentResult]] = [[] for _ in texts]
    for (index, document), group in zip(wanted, groups, strict=True):
        translated[index] = document.render([r.translation for r in group], target).decode("utf-8")
        results[index] = group
    return translated, results


def _detected(results: list[SegmentResult], text: str) -> dict[str, Any]:
    """The language the text was translated from; when the detector was unsure (a word or two), its best
    guess with its low confidence, as LibreTranslate answers."""
    found = detected(results)
    if found is None:
        guess = detect_language(strip_markers(text)).candidates
        if not guess:
            return {"language": "", "confidence": 0.0}
        return {"language": libre_code(BY_CODE[guess[0][0]]), "confidence": round(100 * guess[0][1], 1)}
    return {"language": libre_code(found[0]), "confidence": round(100 * found[1], 1)}
