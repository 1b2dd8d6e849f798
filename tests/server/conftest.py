"""A real server (uvicorn, the real app) on 127.0.0.1 and a free port, in a thread, over fake or real models."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx2 as httpx
import pytest
from tui.fakes import FakeEngine

from bayling_local.config import GenerationConfig, RuntimeConfig
from bayling_local.engine.protocol import EngineLike
from bayling_local.server.config import ServerConfig
from bayling_local.server.run import build_state
from bayling_local.server.state import ServerState


@dataclass
class Running:
    url: str
    state: ServerState

    def get(self, path: str, **kwargs: object) -> httpx.Response:
        return httpx.get(self.url + path, timeout=30, **kwargs)  # type: ignore[arg-type]

    def post(self, path: str, **kwargs: object) -> httpx.Response:
        return httpx.post(self.url + path, timeout=30, **kwargs)  # type: ignore[arg-type]

    def client_delete(self, path: str, **kwargs: object) -> httpx.Response:
        return httpx.delete(self.url + path, timeout=30, **kwargs)  # type: ignore[arg-type]


def plain_post(url: str, payload: dict[str, object]) -> tuple[int, dict[str, str], dict[str, object]]:
    """A POST through the standard library: httpx2 (huggingface_hub's, and openai's, client) shares one
    connection pool across clients, and a second request made while a stream is open closed that stream."""
    import json
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"content-type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, dict(answer.headers), json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, dict(refused.headers), json.loads(refused.read())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running(
    loader: Callable[[str], EngineLike], known: list[str] | None = None, **settings: object
) -> Iterator[Running]:
    import uvicorn

    from bayling_local.server.app import create_app

    port = free_port()
    settings.setdefault("models", ("fake",))
    config = ServerConfig(port=port, **settings)  # type: ignore[arg-type]
    state = build_state(
        config, RuntimeConfig(), GenerationConfig(), loader, lambda: known or ["fake", "other"]
    )
    server = uvicorn.Server(uvicorn.Config(create_app(state), host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.02)
    try:
        yield Running(f"http://127.0.0.1:{port}", state)
    finally:
        server.should_exit = True
        thread.join(timeout=20)


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine(translation="Bonjour le monde", delay=0)


@pytest.fixture
def server(engine: FakeEngine) -> Iterator[Running]:
    with running(lambda name: engine) as live:
        _wait_healthy(live)
        yield live


def _wait_healthy(live: Running) -> None:
    deadline = time.monotonic() + 20
    while live.get("/health").status_code != 200:
        assert time.monotonic() < deadline, "the model did not load"
        time.sleep(0.02)
