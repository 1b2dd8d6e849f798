"""The models a server can answer with: loaded on first use, at most `max_models` at once, each with its own
scheduler that batches every client's requests; and the admission count behind 429.

Loading is slow (seconds) and blocking, so it happens in a worker thread while `/health` says 503; two
requests for the same unloaded model wait for one load.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from ..engine.protocol import EngineLike
from ..errors import BaylingError, ModelNotFoundError

Loader = Callable[[str], EngineLike]


class QueueFullError(BaylingError):
    """More requests are waiting than the server accepts at once."""


class ModelsBusyError(BaylingError):
    """Every loaded model is serving requests, so none can be unloaded to load another."""


class NotEnoughMemoryError(BaylingError):
    """A model's weights and KV cache would not fit in the memory free now."""


class Lease:
    """One request's hold on a loaded model; `release()` once the answer is done (twice is harmless)."""

    def __init__(self, engine: EngineLike, name: str, release: Callable[[], None]) -> None:
        self.engine = engine
        self.name = name
        self._release: Callable[[], None] | None = release

    def release(self) -> None:
        release, self._release = self._release, None
        if release is not None:
            release()


@dataclass
class _Loaded:
    engine: EngineLike
    busy: int = 0


class ModelPool:
    """Model name -> engine, loaded on demand, least recently used unloaded first."""

    def __init__(
        self, loader: Loader, known: Callable[[], list[str]], default: str, max_models: int, max_queue: int
    ):
        self._loader = loader
        self._known = known
        self.default = default
        self.max_models = max(1, max_models)
        self.max_queue = max_queue
        self._loaded: OrderedDict[str, _Loaded] = OrderedDict()
        self._lock = threading.Lock()
        self._loading: dict[str, threading.Event] = {}
        self._failed: dict[str, BaseException] = {}
        """The error of a load that others were waiting for: they get it too, rather than each trying again."""
        self._closed = False
        self._in_flight = 0

    def known(self) -> list[str]:
        """Every model a request may name: the ones loaded, the store's, and the built-in one."""
        names = dict.fromkeys([self.default, *self._loaded, *self._known()])
        return list(names)

    @property
    def loading(self) -> bool:
        return bool(self._loading)

    @property
    def in_flight(self) -> int:
        return self._in_flight

    def loaded(self) -> list[str]:
        return list(self._loaded)

    def loaded_engine(self, name: str) -> EngineLike | None:
        """The engine for `name` if it is loaded now (nothing is loaded or admitted)."""
        entry = self._loaded.get(name)
        return entry.engine if entry is not None else None

    def lease(self, name: str | None) -> Lease:
        """Admit one request and hand it the engine for `name` (None: the default), loading it if needed
        (blocking: call it from a worker thread). The model stays loaded until the lease is released.
        QueueFullError when the server already has `max_queue` requests; ModelNotFoundError for a name it
        does not know."""
        with self._lock:
            if self._in_flight >= self.max_queue:
                raise QueueFullError(
                    f"the server is busy ({self._in_flight} requests in progress); retry in a moment"
                )
            self._in_flight += 1
        try:
            key = self._check_name(name or self.default)
            entry = self._acquire(key)
        except BaseException:
            self._leave(None)
            raise
        return Lease(entry.engine, key, lambda: self._leave(entry))

    def _leave(self, entry: _Loaded | None) -> None:
        with self._lock:
            self._in_flight -= 1
            if entry is not None:
                entry.busy -= 1

    def _check_name(self, name: str) -> str:
        if name in self._loaded or name in self.known():
            return name
        from ..store.names import BUILTIN_ALIASES

        if name.lower() in BUILTIN_ALIASES:
            return next((n for n in self.known() if n.lower() in BUILTIN_ALIASES), name)
        raise ModelNotFoundError(f"no model named {name!r}; this server has: {', '.join(self.known())}")

    def _acquire(self, name: str) -> _Loaded:
        waited = False
        while True:
            with self._lock:
                entry = self._loaded.get(name)
                if entry is not None:
                    self._loaded.move_to_end(name)
                    entry.busy += 1
                    return entry
                if waited and name in self._failed:
                    raise self._failed[name]
                waiting = self._loading.get(name)
                if waiting is None:
                    evicted = self._make_room()
                    self._loading[name] = threading.Event()
                    self._failed.pop(name, None)
                    break
            waiting.wait()
            waited = True
        for engine in evicted:  # outside the lock: closing joins a scheduler thread that may be mid-decode
            engine.close()
        try:
            loaded = self._loader(name)
        except BaseException as exc:
            with self._lock:
                self._failed[name] = exc
                self._loading.pop(name).set()
            raise
        with self._lock:
            entry = _Loaded(loaded, busy=1)
            if not self._closed:
                self._loaded[name] = entry
            self._loading.pop(name).set()
        if self._closed:  # loaded after shutdown began: nobody will close it otherwise
            loaded.close()
        return entry

    def _make_room(self) -> list[EngineLike]:
        """Take least recently used idle models out until one more fits; the caller closes them (outside
        the lock). Called with the lock held."""
        evicted: list[EngineLike] = []
        while len(self._loaded) + len(self._loading) >= self.max_models:
            idle = next((n for n, e in self._loaded.items() if e.busy == 0), None)
            if idle is None:
                raise ModelsBusyError(
                    f"all {self.max_models} loaded model(s) are busy; retry later or start the server with a "
                    "larger --max-models"
                )
            evicted.append(self._loaded.pop(idle).engine)
        return evicted

    def preload(self) -> None:
        """Load the default model now (the server's start), so the first request does not wait."""
        self.lease(None).release()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            engines = [entry.engine for entry in self._loaded.values()]
            self._loaded.clear()
        for engine in engines:
            engine.close()
