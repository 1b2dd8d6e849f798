"""The translation web page at `/`: plain HTML, CSS and JavaScript files shipped in the package (`web/`), so
it works offline, with no build step and nothing fetched from elsewhere."""

from __future__ import annotations

from functools import cache
from importlib import resources

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from ..errors import BaylingError

router = APIRouter()

_TYPES = {".html": "text/html", ".css": "text/css", ".js": "text/javascript"}
# Only this server's own files may run or be fetched: a pasted text can never load a script.
_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data: "
        "blob:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",  # revalidated, so a new version of the package is seen at once
}


class PageFileNotFoundError(BaylingError):
    """A file the web page asked for is not part of it."""


@router.get("/", response_model=None)
async def index() -> Response:
    return _serve("index.html")


@router.get("/web/{name}", response_model=None)
async def asset(name: str) -> Response:
    return _serve(name)


@router.get("/index.html", response_model=None)
async def index_alias() -> Response:
    return RedirectResponse("/")


def _serve(name: str) -> Response:
    body = _read(name)
    suffix = name[name.rfind(".") :]
    return Response(body, media_type=f"{_TYPES[suffix]}; charset=utf-8", headers=_HEADERS)


@cache
def _read(name: str) -> bytes:
    if "/" in name or "\\" in name or name.startswith(".") or name[name.rfind(".") :] not in _TYPES:
        raise PageFileNotFoundError(f"the web page has no file {name!r}")
    try:
        return resources.files(__package__).joinpath("web", name).read_bytes()
    except (FileNotFoundError, IsADirectoryError):
        raise PageFileNotFoundError(f"the web page has no file {name!r}") from None
