"""What keeps a local server local: the API key, the `Host` check against DNS rebinding, the `Origin` check
against cross-site posts, and the request body limit. Plain ASGI middleware, so it runs before any route
reads the body.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from ..errors import BaylingError
from .config import ServerConfig

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


class ApiKeyError(BaylingError):
    """The request lacks the server's API key, or has a wrong one."""


def keys_match(given: str, wanted: str) -> bool:
    """Compare in constant time, so the key cannot be guessed one character at a time."""
    return hmac.compare_digest(given.encode(), wanted.encode())


class Guard:
    """ASGI middleware: refuses foreign hosts, cross-site posts, missing keys and oversized bodies."""

    def __init__(
        self, app: App, config: ServerConfig, on_status: Callable[[str, int], None] | None = None
    ) -> None:
        self.app = app
        self.config = config
        self.on_status = on_status
        """Told (path, status) of every answer: the request metrics."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        path: str = scope.get("path", "")
        send = self._watching(path, send)
        problem = self._refusal(scope, headers, path)
        if problem is not None:
            await _reply(send, path, *problem)
            return
        limit = self._limit(path)
        declared = headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            await _reply(send, path, 413, self._too_large(limit), "request_too_large")
            return
        await self.app(scope, self._counting(receive, limit), send)

    def _limit(self, path: str) -> int:
        """Documents may be larger than the other requests (`--max-upload`)."""
        if path in UPLOAD_PATHS:
            return max(self.config.max_upload_bytes, self.config.max_body_bytes)
        return self.config.max_body_bytes

    def _watching(self, path: str, send: Send) -> Send:
        if self.on_status is None:
            return send
        report = self.on_status

        async def watched(message: MutableMapping[str, Any]) -> None:
            if message.get("type") == "http.response.start":
                report(path, int(message.get("status", 0)))
            await send(message)

        return watched

    def _refusal(self, scope: Scope, headers: dict[str, str], path: str) -> tuple[int, str, str] | None:
        if not self.config.host_allowed(headers.get("host", "")):
            return (
                403,
                f"host {headers.get('host', '')!r} is not this server; add it with --allow-host",
                "forbidden_host",
            )
        origin = headers.get("origin")
        writes = scope.get("method") not in ("GET", "HEAD", "OPTIONS")
        if writes and origin and not self._origin_allowed(origin, _bound_port(scope)):
            return (
                403,
                f"requests from the web page at {origin} are not allowed; see --cors-origin",
                "forbidden_origin",
            )
        wanted = self.config.api_key
        # Only /v1/, /api/translate, /api/files, /tokenize and /metrics (Prometheus sends a bearer token) are
        # checked here: LibreTranslate
        # routes take the key in their body (`api_key`) and check it themselves; /health, /languages and
        # /frontend/settings stay open, as LibreTranslate's do. A CORS preflight (OPTIONS) never carries the
        # key: the browser asks first.
        bearer = path.startswith(("/v1/", "/api/files")) or path in (
            "/tokenize",
            "/metrics",
            "/api/translate",
            "/api/glossary",
        )
        if wanted and bearer and scope.get("method") != "OPTIONS":
            given = headers.get("authorization", "")
            token = given[7:].strip() if given.lower().startswith("bearer ") else ""
            if not keys_match(token, wanted):
                return 401, "invalid or missing API key: send Authorization: Bearer KEY", "invalid_api_key"
        return None

    def _origin_allowed(self, origin: str, bound_port: int) -> bool:
        """A browser page may post only from this server's own origin (its scheme, host and port; another
        local web server's page is another origin) or one named with --cors-origin."""
        if origin in self.config.cors_origins or "*" in self.config.cors_origins:
            return True
        from urllib.parse import urlsplit

        parts = urlsplit(origin)
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            return False
        host = f"[{parts.hostname}]" if parts.hostname and ":" in parts.hostname else parts.hostname or ""
        return (
            parts.scheme == "http"
            and port == bound_port
            and self.config.host_allowed(host)
            and not self.config.wildcard
        )

    def _too_large(self, limit: int) -> str:
        if limit > self.config.max_body_bytes:
            return (
                f"the file is larger than the server's upload limit ({_size(limit)}; see serve --max-upload)"
            )
        return f"the request body is larger than {limit} bytes; send less at once"

    def _counting(self, receive: Receive, limit: int) -> Receive:
        """A body without Content-Length (chunked) is counted as it arrives."""
        seen = 0

        async def counted() -> MutableMapping[str, Any]:
            nonlocal seen
            message = await receive()
            if message.get("type") == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    from starlette.exceptions import HTTPException

                    # An HTTPException passes FastAPI's body reader unchanged (anything else becomes a 400).
                    raise HTTPException(413, self._too_large(limit))
            return message

        return counted


def _size(count: int) -> str:
    return f"{count / (1 << 20):g} MiB" if count >= 1 << 20 else f"{count / 1024:g} KiB"


def _bound_port(scope: Scope) -> int:
    """The port the server really listens on (`--port 0` lets the system choose it)."""
    server = scope.get("server")
    return int(server[1]) if server and server[1] is not None else 0


UPLOAD_PATHS = frozenset({"/api/files", "/translate_file"})


def error_body(path: str, message: str, code: str) -> dict[str, Any]:
    """Errors in the shape each API's clients parse: OpenAI's under /v1/, LibreTranslate's elsewhere."""
    if path.startswith("/v1/"):
        kind = "invalid_request_error" if code not in ("server_error", "overloaded") else "server_error"
        return {"error": {"message": message, "type": kind, "param": None, "code": code}}
    return {"error": message}


async def _reply(send: Send, path: str, status: int, message: str, code: str) -> None:
    body = json.dumps(error_body(path, message, code)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
