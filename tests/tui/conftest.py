"""Fixtures for the chat UI tests: an app factory wired to a fake engine and a temporary chat database."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bayling_local.chats import ChatStore
from bayling_local.config import GenerationConfig, RuntimeConfig
from bayling_local.tui.app import AppOptions, BaylingApp, create_app

from .fakes import FakeEngine, FakeLoader

MakeApp = Callable[..., BaylingApp]


@pytest.fixture
def anyio_backend() -> str:
    """Async tests (marked `anyio`) run on asyncio, as Textual does."""
    return "asyncio"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "chats.sqlite3"


@pytest.fixture
def make_app(db_path: Path) -> MakeApp:
    """make_app(engine=..., loader=..., **AppOptions fields) -> a fresh app on the test's database."""

    def make(
        engine: FakeEngine | None = None,
        loader: FakeLoader | None = None,
        max_tokens: int = 512,
        ctx: int = 4096,
        **options: object,
    ) -> BaylingApp:
        loader = loader or FakeLoader(engine or FakeEngine())
        app_options = AppOptions(
            runtime=RuntimeConfig(ctx=ctx),
            generation=GenerationConfig(max_tokens=max_tokens),
            db_path=db_path,
            **options,
        )  # type: ignore[arg-type]
        return create_app(app_options, loader=loader, store=ChatStore(db_path))

    return make


async def until(pilot: object, condition: Callable[[], bool], seconds: float = 60.0) -> None:
    """Let the app run until `condition` holds: the state a test is about to look at, however long a busy
    machine takes to get there (never a fixed sleep); fails after `seconds` instead of hanging."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the app never reached the state the test waits for"
        await pilot.pause()  # type: ignore[attr-defined]


async def settle(app: BaylingApp, pilot: object) -> None:
    """Wait for every worker (model load, answer, translation) and for the app to have taken in the messages
    they posted: nothing is answering or translating any more."""
    await app.workers.wait_for_complete()
    await until(pilot, lambda: not app.busy)
    await pilot.pause()  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
