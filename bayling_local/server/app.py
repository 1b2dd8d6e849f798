"""The FastAPI application: the OpenAI and LibreTranslate routers, `/health`, `/metrics`, the guard
middleware, and errors in each API's own shape."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import BaylingError, ContextOverflowError, InputError, ModelNotFoundError, UsageError
from . import files_api, libre_api, openai_api, page, tokenize_api, web_api
from .files import JobFailedError, JobNotFoundError
from .page import PageFileNotFoundError
from .pool import ModelsBusyError, NotEnoughMemoryError, QueueFullError
from .security import ApiKeyError, Guard, error_body
from .state import ServerState

# Library errors -> (HTTP status, OpenAI error code).
_STATUS: list[tuple[type[BaseException], int, str]] = [
    (ApiKeyError, 401, "invalid_api_key"),
    (ModelNotFoundError, 404, "model_not_found"),
    (QueueFullError, 429, "rate_limit_exceeded"),
    (ModelsBusyError, 503, "overloaded"),
    (NotEnoughMemoryError, 503, "overloaded"),
    (ContextOverflowError, 400, "context_length_exceeded"),
    (UsageError, 400, "invalid_request"),
    (InputError, 400, "invalid_request"),
    (JobNotFoundError, 404, "not_found"),
    (PageFileNotFoundError, 404, "not_found"),
    (JobFailedError, 500, "server_error"),
    (TimeoutError, 504, "timeout"),
]


def create_app(state: ServerState, preload: bool = True) -> FastAPI:
    """The server's app; with `preload` the default model loads in the background at start (`/health` is
    503 until it is ready), and every model is closed at shutdown."""

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        loading = None
        if preload:
            import threading

            loading = threading.Thread(target=_preload, args=(state,), daemon=True)
            loading.start()
        try:
            yield
        finally:
            state.files.cancel_all()
            await anyio.to_thread.run_sync(state.pool.close)

    app = FastAPI(title="bayling-local", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.server = state
    app.include_router(openai_api.router)
    app.include_router(libre_api.router)
    app.include_router(tokenize_api.router)
    app.include_router(web_api.router)
    app.include_router(files_api.router)
    app.include_router(page.router)
    _add_status_routes(app, state)
    _add_error_handlers(app)
    on_status = state.metrics.answered if state.metrics is not None else None
    app.add_middleware(Guard, config=state.config, on_status=on_status)
    if state.config.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        # Outside the guard (added last = runs first): preflights are answered, and the guard's own 401/403
        # carry CORS headers, so a browser page can read why it was refused.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(state.config.cors_origins),
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )
    return app


def _preload(state: ServerState) -> None:
    try:
        state.pool.preload()
    except Exception as exc:  # noqa: BLE001 - reported on stderr and by /health; the server keeps running
        state.load_error = str(exc) or type(exc).__name__
        import sys

        print(f"Error: {state.load_error} (the server keeps running; /health reports it)", file=sys.stderr)


def _add_status_routes(app: FastAPI, state: ServerState) -> None:
    @app.get("/health")
    async def health() -> JSONResponse:
        if state.load_error and state.pool.default in state.pool.loaded():
            state.load_error = None  # a later request loaded it after all
        if state.load_error:
            return JSONResponse({"status": "error", "error": state.load_error}, status_code=503)
        if state.pool.loading or not state.pool.loaded():
            return JSONResponse({"status": "loading model"}, status_code=503)
        return JSONResponse({"status": "ok", "models": state.pool.loaded()})

    @app.get("/metrics")
    async def metrics() -> Response:
        if state.metrics is None:
            return JSONResponse({"error": "install prometheus-client for /metrics"}, status_code=404)
        return Response(state.metrics.render(), media_type="text/plain; version=0.0.4")


def _add_error_handlers(app: FastAPI) -> None:
    async def library_error(request: Request, exc: Exception) -> JSONResponse:
        status, code = next(
            ((s, c) for kind, s, c in _STATUS if isinstance(exc, kind)), (500, "server_error")
        )
        headers = {"Retry-After": "1"} if status == 429 else None
        message = str(exc) or "the request took too long and was cancelled"
        return JSONResponse(error_body(request.url.path, message, code), status_code=status, headers=headers)

    async def invalid(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        message = "; ".join(_describe(error) for error in exc.errors()) or "invalid request"
        return JSONResponse(error_body(request.url.path, message, "invalid_request"), status_code=400)

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = {404: "not_found", 405: "method_not_allowed", 413: "request_too_large"}.get(
            exc.status_code, "error"
        )
        return JSONResponse(error_body(request.url.path, str(exc.detail), code), status_code=exc.status_code)

    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        message = f"internal error ({type(exc).__name__}: {exc}); please report it"
        return JSONResponse(error_body(request.url.path, message, "server_error"), status_code=500)

    app.add_exception_handler(BaylingError, library_error)
    app.add_exception_handler(TimeoutError, library_error)
    app.add_exception_handler(RequestValidationError, invalid)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)


def _describe(error: dict[str, Any]) -> str:
    if error.get("type") == "json_invalid":
        return "the body is not valid JSON"
    where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
    return f"{where}: {error.get('msg', 'invalid')}" if where else str(error.get("msg", "invalid"))
