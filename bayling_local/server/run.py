"""Starting and stopping a server: the state for a config, and uvicorn with a graceful stop.

`serve()` is what `bayling-local serve` calls; tests call `build_state()` with a fake loader and run the app
with uvicorn on 127.0.0.1 themselves.
"""

from __future__ import annotations

import dataclasses
import functools
import socket
from collections.abc import Callable
from typing import Any

from ..config import GenerationConfig, RuntimeConfig
from ..engine.protocol import EngineLike
from ..errors import UsageError
from .config import ServerConfig
from .pool import ModelPool, NotEnoughMemoryError
from .state import ServerState

BUILTIN = "builtin"


def default_model(config: ServerConfig) -> str:
    """The model requests get when they name none: the first --model, else an installed BayLing, else the
    built-in one."""
    if config.models:
        return config.models[0]
    from ..store import list_models

    bayling = [m.name for m in list_models() if "bayling" in m.name.lower()]
    return bayling[0] if bayling else BUILTIN


def known_models(config: ServerConfig) -> Callable[[], list[str]]:
    def known() -> list[str]:
        from ..store import list_models

        return list(dict.fromkeys([*config.models, *(m.name for m in list_models()), BUILTIN]))

    return known


def build_state(
    config: ServerConfig,
    runtime: RuntimeConfig,
    generation: GenerationConfig,
    loader: Callable[[str], EngineLike] | None = None,
    known: Callable[[], list[str]] | None = None,
) -> ServerState:
    """Everything a running server shares; `loader` opens a model by name (default: the store's)."""

    def open_model(name: str) -> EngineLike:
        from ..store.opening import open_engine

        model_runtime = dataclasses.replace(runtime, model=name)
        check_memory(name, model_runtime, config.parallel)
        return open_engine(model_runtime, slots=config.parallel)

    pool = ModelPool(
        loader or open_model,
        known or known_models(config),
        default_model(config),
        config.max_models,
        config.max_queue,
    )
    state = ServerState(config, pool, generation)
    if loader is None:  # fakes have no GGUF to read: their facts come from the loaded engine
        state.describe = describe_model(runtime)
    try:
        from .metrics import Metrics

        state.metrics = Metrics(lambda: pool.in_flight, lambda: len(pool.loaded()))
    except ImportError:  # pragma: no cover - prometheus-client is a dependency; /metrics says so if missing
        pass
    return state


def describe_model(runtime: RuntimeConfig) -> Callable[[str], dict[str, Any] | None]:
    """A model's prompt format and context, from its GGUF header (read once per name): what a remote
    `translate --server` needs to build the same prompts as a local run."""

    @functools.lru_cache(maxsize=64)
    def describe(name: str) -> dict[str, Any] | None:
        from ..store.resolve import resolve_model
        from ..store.show import detected_format, read_info

        model = resolve_model(name)
        chosen = detected_format(read_info(model.path), runtime.template or model.template)
        return {"prompt_format": chosen, "context_length": runtime.ctx}

    return describe


def check_memory(name: str, runtime: RuntimeConfig, parallel: int | None) -> None:
    """Refuse to load a model whose weights plus a full KV cache (every slot at --ctx) exceed the memory
    available now, saying how much it needs: better a 503 than a machine swapping itself to a halt."""
    import psutil

    from ..llama.gguf import kv_bytes_per_cell
    from ..llama.runtime import default_slots, default_threads, gpu_offload_supported
    from ..store.resolve import resolve_model

    if runtime.n_gpu_layers != 0 and gpu_offload_supported():
        return  # weights and cache go to the GPU: free RAM says nothing about them (llama.cpp reports VRAM)
    path = resolve_model(name).path
    slots = parallel or default_slots(path, runtime.threads or default_threads(), False)
    weights = path.stat().st_size
    cache = (kv_bytes_per_cell(path) or 0) * runtime.ctx * slots
    free = psutil.virtual_memory().available
    if weights + cache > free:
        raise NotEnoughMemoryError(
            f"{name} needs about {(weights + cache) / 1e9:.1f} GB ({weights / 1e9:.1f} GB of weights, "
            f"{cache / 1e9:.1f} GB of KV cache for {slots} slots at --ctx {runtime.ctx}) and {free / 1e9:.1f} GB "
            "is free; lower --ctx or --parallel, unload a model (--max-models), or use a smaller quantization"
        )


def check_models(config: ServerConfig) -> None:
    """Fail at start, in one line, for a --model that names nothing (rather than on the first request)."""
    from ..store.resolve import resolve_model

    for name in config.models:
        resolve_model(name)


def serve(state: ServerState, announce: Callable[[str], None]) -> None:
    """Run until SIGTERM or Ctrl-C: then stop accepting, give running requests `grace_seconds`, cancel the
    rest (closing the models), and return (exit 0)."""
    import uvicorn

    from .app import create_app

    config = state.config
    check_models(config)
    app = create_app(state)
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host=config.host,
            port=config.port,
            log_level="warning",
            access_log=False,  # request bodies and paths stay out of logs unless asked for
            timeout_graceful_shutdown=int(config.grace_seconds),
            limit_concurrency=config.max_queue * 2 + 16,
        )
    )
    listening = _bind(config.host, config.port)
    port = listening.getsockname()[1]  # the one the system chose for --port 0
    shown = f"[{config.host}]" if ":" in config.host else config.host
    announce(
        f"Serving on http://{shown}:{port} (web page: /, OpenAI: /v1, LibreTranslate: /translate); default model "
        f"{state.pool.default}, loading now. Ctrl-C stops."
    )
    _run_with_graceful_signals(server, listening)


def _bind(host: str, port: int) -> socket.socket:
    """The listening socket, made here so a taken port is one clear line and --port 0 can be announced."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listening.bind((host, port))
    except OSError as exc:
        listening.close()
        raise UsageError(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}); choose another --port or --host"
        ) from None
    return listening


def _run_with_graceful_signals(server: object, listening: socket.socket) -> None:
    """uvicorn handles SIGTERM and Ctrl-C itself (stop accepting, wait for running requests up to the grace
    period, cancel the rest through the lifespan's shutdown) and then re-raises the signal to the handler it
    found. The CLI's handler turns SIGTERM into "Interrupted." and exit 143; a stop the user asked for is a
    clean end here, so a no-op handler stands in while the server runs: the command returns and exits 0."""
    import signal

    stops = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.signal(sig, lambda *_: None) for sig in stops}
    try:
        server.run(sockets=[listening])  # type: ignore[attr-defined]
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
