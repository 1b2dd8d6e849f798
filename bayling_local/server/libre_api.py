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

from ..detect import detect_language
from ..errors import BaylingError, UsageError
from ..languages import ALL_LANGUAGES, BY_CODE, Language, resolve_language
from ..translation.markers import strip_markers
from .security import ApiKeyError, keys_match

if TYPE_CHECKING:
    from ..translation.glossary import Glossary
from .state import ServerState

router = APIRouter()
_TRADITIONAL = "zho_Hant"


def libre_code(language: Language) -> str:
    """The code LibreTranslate clients know a language by: ISO 639-1 where it names this variety."""
    if language.code == _TRADITIONAL:
        return "zt"
    if language.iso1 and resolve_language(language.iso1) == language:
        return language.iso1
    return language.code


def from_libre(code: str) -> Language:
    return BY_CODE[_TRADITIONAL] if code.strip().lower() == "zt" else resolve_language(code)


async def params(request: Request) -> dict[str, Any]:
    """The request's fields, from a JSON body or a form (LibreTranslate clients send both)."""
    kind = request.headers.get("content-type", "")
    if "application/json" in kind:
        try:
            body = await request.json()
        except ValueError:
            raise UsageError("the body is not valid JSON") from None
        if not isinstance(body, dict):
            raise UsageError("the JSON body must be an object")
        return body
    form = await request.form()
    values: dict[str, Any] = {}
    for key in form:
        items = form.getlist(key)
        values[key] = items if len(items) > 1 else items[0]
    return values


def check_key(state: ServerState, fields: dict[str, Any], request: Request) -> None:
    """LibreTranslate routes take the key as `api_key` (or, like the OpenAI routes, a Bearer header)."""
    wanted = state.config.api_key
    if not wanted:
        return
    given = str(fields.get("api_key") or "")
    header = request.headers.get("authorization", "")
    if not given and header.lower().startswith("bearer "):
        given = header[7:].strip()
    if not keys_match(given, wanted):
        raise ApiKeyError("invalid or missing API key: send it as api_key")


@router.post("/translate")
async def translate(request: Request) -> dict[str, Any]:
    state: ServerState = request.app.state.server
    fields = await params(request)
    check_key(state, fields, request)
    texts, single = _texts(fields.get("q"))
    kind = str(fields.get("format") or "text").lower()
    if kind not in ("text", "html"):
        raise UsageError(f"format must be text or html, not {kind!r}")
    from .web_api import languages_of, model_of

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
    check_key(state, fields, request)
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


def request_glossary(fields: dict[str, Any], source: Language | None, target: Language) -> Glossary | None:
    """The request's own terms (an extension of LibreTranslate's API): `glossary` as TSV/CSV text with a
    header row of languages, TBX text, or an object of source term -> target term; `keep`, names to keep unchanged
    (a list, or one name a line)."""
    from ..translation.glossary import Entry, Glossary, entries_from_text

    given, keep = fields.get("glossary"), fields.get("keep")
    entries: list[Entry] = []
    if isinstance(given, dict):
        if source is None:
            raise UsageError("a glossary given as an object needs a source language (not auto)")
        entries = [
            Entry({source.code: str(k), target.code: v})
            for k, v in given.items()
            if str(k).strip() and isinstance(v, str) and v.strip()
        ]
    elif isinstance(given, str) and given.strip():
        try:
            if given.lstrip().startswith("<"):  # a TBX termbase (XML); anything else is TSV/CSV
                from ..translation.glossary_tbx import read_tbx

                entries = read_tbx(given.encode("utf-8"), "the glossary")
            else:
                entries = entries_from_text(given, "the glossary", source, target)
        except BaylingError as exc:
            raise UsageError(str(exc)) from exc
    elif given:
        raise UsageError("glossary must be TSV/CSV text with a header row of languages, or an object")
    if keep is not None and not isinstance(keep, (str, list)):
        raise UsageError("keep must be a list of names (or one name a line)")
    names = keep.splitlines() if isinstance(keep, str) else list(keep or [])
    entries += [Entry({"keep": str(name).strip()}, keep=True) for name in names if str(name).strip()]
    return Glossary(entries) if entries else None


async def _translate(
    state: ServerState,
    texts: list[str],
    source: Language | None,
    target: Language,
    glossary: Glossary | None = None,
    model: str | None = None,
) -> list[list[Any]]:
    """Every line of every text in one call to the translation core (so they batch), regrouped per text."""
    from .translating import TranslationRun, run_lines

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
) -> tuple[list[str], list[list[Any]]]:
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
    results: list[list[Any]] = [[] for _ in texts]
    for (index, document), group in zip(wanted, groups, strict=True):
        translated[index] = document.render([r.translation for r in group], target).decode("utf-8")
        results[index] = group
    return translated, results


def _detected(results: list[Any], text: str) -> dict[str, Any]:
    """The language the text was translated from; when the detector was unsure (a word or two), its best
    guess with its low confidence, as LibreTranslate answers."""
    from .translating import detected

    found = detected(results)
    if found is None:
        guess = detect_language(strip_markers(text)).candidates
        if not guess:
            return {"language": "", "confidence": 0.0}
        return {"language": libre_code(BY_CODE[guess[0][0]]), "confidence": round(100 * guess[0][1], 1)}
    return {"language": libre_code(found[0]), "confidence": round(100 * found[1], 1)}
