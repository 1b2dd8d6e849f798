"""Between the async HTTP handlers and the scheduler's thread: waiting for a handle without blocking the
event loop, and cancelling it when the client goes away or the request times out."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import anyio
import anyio.to_thread

from ..engine.requests import GenerationResult, Handle

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

    async def pieces(self, handle: Handle, timeout: float) -> AsyncIterator[str]:
        """The handle's text as it is produced, for at most `timeout` seconds (then TimeoutError). Leaving
        early (the client disconnected) cancels the request at once, even while it waits for a slot: its
        sequence leaves the batch within one decode step."""
        iterator = handle.pieces()
        deadline = time.monotonic() + timeout
        try:
            while True:
                # The time limit wraps each wait, never a `yield`: a cancel scope open across a yield of an
                # async generator is exited in another task's context, and anyio then cancels the wrong one.
                with anyio.fail_after(max(0.0, deadline - time.monotonic())):
                    piece = await anyio.to_thread.run_sync(
                        next, iterator, _END, limiter=self.limiter, abandon_on_cancel=True
                    )
                if piece is _END:
                    return
                assert isinstance(piece, str)
                yield piece
        finally:
            if not handle.done():
                handle.cancel()

    async def result_or_disconnect(self, handle: Handle, timeout: float, gone: Any) -> GenerationResult:
        """Like `result`, but a client that goes away (`gone()` turns true) cancels the request."""
        result: GenerationResult | None = None
        async with anyio.create_task_group() as group:

            async def watch() -> None:
                while not await gone():
                    await anyio.sleep(0.25)
                handle.cancel()

            group.start_soon(watch)
            try:
                result = await self.result(handle, timeout)
            finally:
                group.cancel_scope.cancel()
        assert result is not None
        return result
