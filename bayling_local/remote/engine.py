"""`RemoteEngine`: the `EngineLike` surface over an OpenAI-compatible server, so the translation core (pieces,
checks, retries, ordered output) runs unchanged and only generation happens on the server.

Its "tokens" are the prompt's UTF-8 bytes, carried through `Request` untouched: the server tokenizes. Requests
wait in a priority queue (a retry goes first, as with the local scheduler) for one of `parallel` threads,
each holding one streamed HTTP request; a cancelled request is dropped from the queue, or its stream is
closed, which a server such as `bayling-local serve` takes as the client going away (its slot is freed).
"""

from __future__ import annotations

import contextlib
import itertools
import queue
import threading
import time
from typing import Any

from ..engine.base import BaseEngine
from ..engine.loops import text_loops
from ..engine.requests import GenerationResult, Handle, Request
from .link import SERVER_CHAT, Link, RemoteModel, chat_messages, describe_error

# How often the watcher looks for cancelled requests whose streams are still open.
WATCH_SECONDS = 0.05


class RemoteEngine(BaseEngine):
    """A model on a server, used like a loaded one."""

    def __init__(self, link: Link, model: RemoteModel, parallel: int, notice: str | None = None) -> None:
        self.link = link
        self.name = model.name
        self.n_ctx = model.n_ctx
        self.format = model.format
        self.notice = notice
        self._ours = model.ours
        self._parallel = max(1, parallel)
        self._pending: queue.PriorityQueue[tuple[int, int, Handle | None]] = queue.PriorityQueue()
        self._order = itertools.count()
        self._open: dict[Handle, Any] = {}
        self._lock = threading.Lock()
        self._closed = threading.Event()
        self._threads = [
            threading.Thread(target=self._work, name=f"remote-{n}", daemon=True)
            for n in range(self._parallel)
        ]
        self._threads.append(threading.Thread(target=self._watch, name="remote-watch", daemon=True))
        for thread in self._threads:
            thread.start()

    @property
    def slots(self) -> int:
        return self._parallel

    def tokenize(self, text: str, add_bos: bool | None = None) -> list[int]:
        """The text's UTF-8 bytes: the server tokenizes (and adds BOS) itself."""
        return list(text.encode("utf-8"))

    def count_tokens(self, text: str) -> int:
        return self.link.count_tokens(text)

    def submit(self, request: Request) -> Handle:
        handle = Handle(request)
        if self._closed.is_set():
            handle.fail(RuntimeError("the remote engine is closed"))
            return handle
        self._pending.put((-request.priority, next(self._order), handle))
        return handle

    def close(self) -> None:
        """Cancel what is queued, close the streams that are running (the server frees their slots), and
        stop the threads."""
        self._closed.set()
        while True:
            try:
                _, _, handle = self._pending.get_nowait()
            except queue.Empty:
                break
            if handle is not None:
                handle.cancel()
                handle.finish(_cancelled(handle))
        with self._lock:
            running = list(self._open.items())
        for handle, stream in running:
            handle.cancel()
            with contextlib.suppress(Exception):  # its own thread may be closing it too
                stream.response.close()
        for _ in range(self._parallel):
            self._pending.put((-(10**9), next(self._order), None))
        deadline = time.monotonic() + 5
        for thread in self._threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        self.link.client.close()

    # -- the request threads ------------------------------------------------------------------------------------

    def _work(self) -> None:
        while True:
            _, _, handle = self._pending.get()
            if handle is None:
                return
            if handle.cancelled:
                handle.finish(_cancelled(handle))
                continue
            try:
                handle.finish(self._stream(handle))
            except Exception as exc:  # noqa: BLE001 - the caller gets it from the handle
                if handle.cancelled:  # its stream was closed under it
                    handle.finish(_cancelled(handle))
                else:
                    handle.fail(describe_error(exc, self.link.url) or exc)

    def _stream(self, handle: Handle) -> GenerationResult:
        request = handle.request
        prompt = bytes(request.tokens).decode("utf-8")
        stream = self._open_stream(prompt, request)
        with self._lock:
            self._open[handle] = stream
        text: list[str] = []
        first: float | None = None
        finish, usage, chunks = None, None, 0
        looped = capped = False
        try:
            for chunk in stream:
                if request.cancel.is_set() or looped or capped:
                    break  # closing the stream frees the server's slot: the rest would only repeat or ramble
                if getattr(chunk, "usage", None) is not None:
                    usage = chunk.usage
                for choice in chunk.choices or ():
                    piece = _piece_of(choice)
                    if piece:
                        first = first or time.perf_counter() - handle.submitted
                        chunks += 1
                        text.append(piece)
                        handle.push(piece)
                        if not self._ours:
                            looped = looped or (
                                request.stop_on_loop and chunks % 8 == 0 and _recent_loop(text)
                            )
                            capped = request.max_chars is not None and sum(map(len, text)) > request.max_chars
                    finish = choice.finish_reason or finish
        finally:
            with self._lock:
                self._open.pop(handle, None)
            stream.close()
        if request.cancel.is_set():
            return _cancelled(handle, "".join(text))
        return GenerationResult(
            text="".join(text),
            prompt_tokens=getattr(usage, "prompt_tokens", None) or self.link.count_tokens(prompt),
            completion_tokens=getattr(usage, "completion_tokens", None) or chunks,
            seconds=time.perf_counter() - handle.submitted,
            first_token_seconds=first,
            stop_reason="loop"
            if looped
            else "too-long"
            if capped
            else "length"
            if finish == "length"
            else "stop",
        )

    def _open_stream(self, prompt: str, request: Request) -> Any:
        sampling = request.sampling
        options: dict[str, Any] = {
            "model": self.name,
            "max_tokens": request.max_tokens,
            "temperature": sampling.temperature,
            "seed": sampling.seed,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if request.stop_strings:
            options["stop"] = list(request.stop_strings)
        extra: dict[str, Any] = {}
        if sampling.temperature > 0:
            options["top_p"] = sampling.top_p
            extra["top_k"] = sampling.top_k
        if sampling.repeat_penalty != 1.0:
            extra["repeat_penalty"] = sampling.repeat_penalty
        if self._ours:  # our server stops where a local run stops; others are watched from here
            extra.update(stop_on_loop=request.stop_on_loop, max_chars=request.max_chars)
        client = self.link.client
        if self.format is SERVER_CHAT:
            return client.chat.completions.create(messages=chat_messages(prompt), extra_body=extra, **options)
        return client.completions.create(prompt=prompt, extra_body=extra, **options)

    def _watch(self) -> None:
        """Close the stream of a cancelled request from here: its thread may be waiting for the next token."""
        while not self._closed.wait(WATCH_SECONDS):
            with self._lock:
                gone = [(h, s) for h, s in self._open.items() if h.cancelled]
            for _handle, stream in gone:
                with contextlib.suppress(Exception):  # already closed by its own thread
                    stream.response.close()


def _recent_loop(pieces: list[str]) -> bool:
    """Whether the latest part of a streamed answer loops (the server cannot be asked to stop on one; looked
    at every few pieces, over the last thousand characters, so a long answer costs no more to watch)."""
    return text_loops("".join(pieces[-400:])[-1000:])


def _piece_of(choice: Any) -> str:
    delta = getattr(choice, "delta", None)
    if delta is not None:
        return str(getattr(delta, "content", None) or "")
    return str(getattr(choice, "text", None) or "")


def _cancelled(handle: Handle, text: str = "") -> GenerationResult:
    return GenerationResult(
        text=text,
        prompt_tokens=0,
        completion_tokens=0,
        seconds=time.perf_counter() - handle.submitted,
        first_token_seconds=None,
        stop_reason="cancelled",
    )
