"""How both panes reach the model: one EngineHolder, loaded with the open chat's settings.

Chat and translation share one loaded model (loading a second would double the memory), so both ask this
object for it from their worker threads. The settings it loads with are the open chat's: the chat pane owns
them, and the app hands this object a way to read them.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ..chats import ChatSettings, EngineHolder
from ..config import GenerationConfig, RuntimeConfig
from ..engine.protocol import EngineLike
from . import events
from .options import AppOptions
from .workers import Post, failure


class Models:
    """The app's model holder and the settings the current chat wants its model and sampling with."""

    def __init__(
        self, holder: EngineHolder, options: AppOptions, settings: Callable[[], ChatSettings]
    ) -> None:
        self.holder = holder
        self.options = options
        self._settings = settings

    def runtime(self) -> RuntimeConfig:
        """How to load the open chat's model (the command line's options with the chat's model and context)."""
        return self._settings().runtime(self.options.runtime)

    def generation(self) -> GenerationConfig:
        """How the open chat samples; translation uses it too."""
        return self._settings().generation(self.options.generation)

    def glossary_file(self) -> str:
        """The glossary file translation mode enforces ('' for none)."""
        return self._settings().glossary

    def loaded(self) -> EngineLike | None:
        """The open chat's model if it is loaded already."""
        return self.holder.loaded(self.runtime())

    def load(self, post: Post) -> EngineLike | None:
        """The open chat's model, loading it if needed (call from a worker thread: loading takes seconds).

        Posts ModelLoading and then ModelReady (with the model's notice, once per load) or ModelFailed, so
        the app shows progress whichever pane asked; None when the model cannot load.
        """
        runtime = self.runtime()
        engine = self.holder.loaded(runtime)
        if engine is not None:
            return engine
        post(
            events.ModelLoading(
                f"Loading {runtime.model or 'the default model'} (context {runtime.ctx} tokens)…"
            )
        )
        started = time.perf_counter()
        try:
            engine = self.holder.get(runtime)
        except Exception as exc:  # noqa: BLE001 - any failure must reach the user, and the app must go on
            post(events.ModelFailed(failure(exc)))
            return None
        notice = self.holder.take_notice()
        post(events.ModelReady(engine.name, engine.n_ctx, time.perf_counter() - started, notice))
        return engine
