"""What every route shares: the settings, the model pool, the thread waiters and the metrics."""

from __future__ import annotations

import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import anyio.to_thread

from ..config import GenerationConfig
from ..engine.requests import GenerationResult
from .bridge import Waiters
from .config import ServerConfig
from .files import FileJobs
from .pool import Lease, ModelPool

if TYPE_CHECKING:
    from .metrics import Metrics


@dataclass
class ServerState:
    """One running server."""

    config: ServerConfig
    pool: ModelPool
    generation: GenerationConfig
    """Sampling defaults (the config file's `[generation]`); each request may override some."""
    started: float = field(default_factory=time.time)
    metrics: Metrics | None = None
    """The /metrics counters; None when prometheus-client is missing."""
    load_error: str | None = None
    """Why the default model could not be loaded at start (then /health says 503 with it)."""
    describe: Callable[[str], dict[str, Any] | None] = field(default=lambda _name: None)
    """What a client building its own prompts needs to know of a model it has not loaded: its prompt
    format and context (`bayling_local` in `/v1/models`); None when unknown."""

    files: FileJobs = field(default_factory=FileJobs)
    """The document translations under way and finished."""

    def model_facts(self, name: str) -> dict[str, Any] | None:
        """`describe`, taken from the engine itself when the model is loaded."""
        engine = self.pool.loaded_engine(name)
        if engine is not None:
            return {"prompt_format": engine.format.name, "context_length": engine.n_ctx}
        try:
            return self.describe(name)
        except Exception:  # noqa: BLE001 - an unreadable file is reported when it is loaded, not listed
            return None

    def __post_init__(self) -> None:
        self.waiters = Waiters(self.config.max_queue + 8)

    async def lease(self, model: str | None) -> Lease:
        """Admit the request and get its model, loading it in a worker thread if needed."""
        return await anyio.to_thread.run_sync(self.pool.lease, model, limiter=self.waiters.limiter)

    def event_stream(self, lines: AsyncGenerator[str, None], cleanup: Any = None) -> Any:
        """A server-sent-events response whose events carry `lines` as `data:`. A client that goes away
        ends it at the next send, which closes `lines` (and so cancels the request).

        Starlette's own StreamingResponse, not sse-starlette: that one ends every open stream at once on
        SIGTERM (a process-wide flag), where running answers should get the grace period to finish."""
        from contextlib import aclosing

        from starlette.responses import StreamingResponse

        async def events() -> AsyncIterator[bytes]:
            async with aclosing(lines):
                async for line in lines:
                    yield f"data: {line}\n\n".encode()

        class Stream(StreamingResponse):
            # The cleanup (cancel the request, release its model) runs however the response ends: finished,
            # client gone mid-send, or the body never started; a suspended generator may never be finalised.
            async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
                try:
                    await super().__call__(scope, receive, send)
                finally:
                    if cleanup is not None:
                        cleanup()

        headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        return Stream(events(), media_type="text/event-stream", headers=headers)

    def record(self, result: GenerationResult) -> None:
        if self.metrics is not None:
            self.metrics.record(result)
