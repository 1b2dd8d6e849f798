"""Between the async HTTP handlers and the scheduler's thread: waiting for a handle without blocking the
event loop, and cancelling it when the client goes away or the request times out."""

from __future__ import annotations

from collections.abc import AsyncIterator

import anyio
import anyio.to_thread

from ..llama.requests import GenerationResult, Handle

_END = object()


class Waiters:
    """Threads that wait on handles, bounded apart from anyio's default pool so that many open streams
    cannot starve the rest of the server."""

    def __init__(self, size: int) -> None:
        self.limiter = anyio.CapacityLimiter(size)

    async def result(self, handle: Handle, timeout: float) -> GenerationResult:
        """The handle's result; on timeout or cancellation (client gone) the request is cancelled first."""
        try:
            with anyio.fail_after(timeout):
                return await anyio.to_thread.run_sync(
                    handle.result, limiter=self.limiter, abandon_on_cancel=True
                )
        except BaseException:
            handle.cancel()
            raise

    async def pieces(self, handle: Handle) -> AsyncIterator[str]:
        """The handle's text as it is produced. Leaving early (the client disconnected) cancels the request:
        its sequence leaves the batch within one decode step."""
        iterator = handle.pieces()
        try:
            while True:
                piece = await anyio.to_thread.run_sync(next, iterator, _END, limiter=self.limiter)
                if piece is _END:
                    return
                assert isinstance(piece, str)
                yield piece
        finally:
            if not handle.done():
                handle.cancel()
