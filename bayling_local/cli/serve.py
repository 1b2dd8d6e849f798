"""`bayling-local serve`: a thin click wrapper over `server.run.serve`."""

from __future__ import annotations

import os
from pathlib import Path

import click

from ..errors import UsageError
from .options import hardware_options, settings_from_flags


@click.command("serve")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (others need a key)."
)
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="TCP port.")
@click.option(
    "-m", "--model", "models", multiple=True, help="Model to serve (repeat; the first is the default)."
)
@click.option("--parallel", type=click.IntRange(min=1), help="Sequences each model decodes at once.")
@click.option("--api-key", help="Key clients must send (also BAYLING_API_KEY).")
@click.option(
    "--api-key-file", type=click.Path(path_type=Path, dir_okay=False), help="Read the key from a file."
)
@click.option("--allow-host", "allow_hosts", multiple=True, help="Extra Host header name to accept (repeat).")
@click.option("--cors-origin", "cors_origins", multiple=True, help="Web origin allowed to call it (repeat).")
@click.option(
    "--max-models", type=click.IntRange(min=1), default=1, show_default=True, help="Models kept loaded."
)
@click.option(
    "--max-queue",
    type=click.IntRange(min=1),
    default=64,
    show_default=True,
    help="Requests at once; 429 beyond.",
)
@click.option(
    "--timeout",
    "request_timeout",
    type=click.FloatRange(min=1),
    default=600,
    show_default=True,
    help="Seconds per request.",
)
@hardware_options()
@click.option("--verbose", is_flag=True, help="Show llama.cpp's own log.")
def serve_command(
    host: str,
    port: int,
    models: tuple[str, ...],
    parallel: int | None,
    api_key: str | None,
    api_key_file: Path | None,
    allow_hosts: tuple[str, ...],
    cors_origins: tuple[str, ...],
    max_models: int,
    max_queue: int,
    request_timeout: float,
    threads: int | None,
    n_gpu_layers: int | None,
    ctx: int | None,
    verbose: bool,
) -> None:
    """Serve the models over HTTP: OpenAI's API under /v1 and LibreTranslate's (/translate, /languages,
    /detect), every client batched through one scheduler per model.

    Example: bayling-local serve --port 8080, then point an OpenAI client at http://127.0.0.1:8080/v1
    """
    from ..server.config import ServerConfig
    from ..server.run import build_state, serve

    runtime, generation = settings_from_flags()
    config = ServerConfig(
        host=host,
        port=port,
        models=models,
        api_key=_key(api_key, api_key_file),
        allow_hosts=allow_hosts,
        cors_origins=cors_origins,
        max_queue=max_queue,
        request_timeout=request_timeout,
        max_models=max_models,
        parallel=parallel,
    )
    serve(build_state(config, runtime, generation), lambda line: click.echo(line, err=True))


def _key(given: str | None, path: Path | None) -> str | None:
    if given and path:
        raise UsageError("give --api-key or --api-key-file, not both")
    if path is not None:
        try:
            key = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise UsageError(f"cannot read the API key file {path}: {exc.strerror or exc}") from None
        if not key:
            raise UsageError(f"the API key file {path} is empty")
        return key
    return given or os.environ.get("BAYLING_API_KEY") or None
