"""What a request says, read the same way by every route that takes form or JSON fields (LibreTranslate's,
the web page's, the file jobs'): its fields, its key, its languages (LibreTranslate codes too), its model and
its glossary."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fastapi import Request

from ..errors import BaylingError, UsageError
from ..language.names import BY_CODE, Language, resolve_language
from .security import ApiKeyError, keys_match

if TYPE_CHECKING:
    from ..translation.glossary import Glossary
    from .config import ServerConfig

_TRADITIONAL = "zho_Hant"


def libre_code(language: Language) -> str:
    """The code LibreTranslate clients know a language by: ISO 639-1 where it names this variety."""
    if language.code == _TRADITIONAL:
        return "zt"
    if language.iso1 and resolve_language(language.iso1) == language:
        return language.iso1
    return language.code


def from_libre(code: str) -> Language:
    """A language named by a LibreTranslate code (`zt`), a FLORES or ISO code, or a name."""
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


def check_key(config: ServerConfig, fields: dict[str, Any], request: Request) -> None:
    """LibreTranslate routes take the key as `api_key` (or, like the OpenAI routes, a Bearer header)."""
    wanted = config.api_key
    if not wanted:
        return
    given = str(fields.get("api_key") or "")
    header = request.headers.get("authorization", "")
    if not given and header.lower().startswith("bearer "):
        given = header[7:].strip()
    if not keys_match(given, wanted):
        raise ApiKeyError("invalid or missing API key: send it as api_key")


def languages_of(fields: dict[str, Any]) -> tuple[Language | None, Language]:
    """`source` (a code, or `auto`/absent: detect) and `target` (required) of a request."""
    if not fields.get("target"):
        raise UsageError("target is required (a language code such as fra_Latn or fr)")
    target = from_libre(str(fields["target"]))
    source_code = str(fields.get("source") or "auto")
    source = None if source_code.strip().lower() == "auto" else from_libre(source_code)
    return source, target


def model_of(fields: dict[str, Any]) -> str | None:
    """The model a request names (None: the server's default)."""
    model = fields.get("model")
    if model is not None and not isinstance(model, str):
        raise UsageError("model must be the name of one of the server's models (GET /v1/models)")
    return model or None


def request_glossary(fields: dict[str, Any], source: Language | None, target: Language) -> Glossary | None:
    """The request's own terms (an extension of LibreTranslate's API): `glossary` as TSV/CSV text with a
    header row of languages, TBX text, or an object of source term -> target term; `keep`, names to keep
    unchanged (a list, or one name a line)."""
    from ..translation.glossary import Entry, Glossary
    from ..translation.glossary_files import GlossaryNeedsSourceError, entries_from_text, read_tbx

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
                entries = read_tbx(given.encode("utf-8"), "the glossary")
            else:
                entries = entries_from_text(given, "the glossary", source, target)
        except GlossaryNeedsSourceError as exc:
            raise UsageError(f"{exc} (`source`)") from exc
        except BaylingError as exc:
            raise UsageError(str(exc)) from exc
    elif given:
        raise UsageError("glossary must be TSV/CSV text with a header row of languages, or an object")
    if keep is not None and not isinstance(keep, (str, list)):
        raise UsageError("keep must be a list of names (or one name a line)")
    names = keep.splitlines() if isinstance(keep, str) else list(keep or [])
    entries += [Entry({"keep": str(name).strip()}, keep=True) for name in names if str(name).strip()]
    return Glossary(entries) if entries else None


def page_glossary(
    fields: dict[str, Any], source: Language | None, target: Language
) -> tuple[Glossary | None, str | None]:
    """The web page's glossary: one without the target language's column is left out with a notice (the
    user switched languages), rather than refusing the translation."""
    from ..translation.glossary_files import GlossaryLanguageError

    try:
        return request_glossary(fields, source, target), None
    except UsageError as exc:
        cause = exc.__cause__
        if isinstance(cause, GlossaryLanguageError):
            return (
                None,
                f"The glossary has no {target.name} column (it has {cause.columns}), so it was not used.",
            )
        raise
