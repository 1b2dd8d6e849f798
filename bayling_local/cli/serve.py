"""`bayling-local serve`: a thin click wrapper over `server.run.serve`."""

from __future__ import annotations

from pathlib import Path

import click

from ..config import RunFlags, resolve_run_settings
from .options import api_key_options, hardware_options, read_api_key


@click.command("serve")
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on (others need a key)."
)
@click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True, help="TCP port.")
@click.option(
    "-m", "--model", "models", multiple=True, help="Model to serve (repeat; the first is the default)."
)
@click.option("--parallel", type=click.IntRange(min=1), help="Sequences each model decodes at once.")
@api_key_options("Key clients must send (also BAYLING_API_KEY).")
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
@click.option(
    "--grace",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    help="On SIGTERM or Ctrl-C, seconds running requests may take to finish before they are cancelled.",
)
@click.option(
    "--max-upload",
    type=click.IntRange(min=1),
    default=32,
    show_default=True,
    help="Largest document the web page or /translate_file may upload, in MiB.",
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
    grace: float,
    max_upload: int,
    threads: int | None,
    n_gpu_layers: int | None,
    ctx: int | None,
    verbose: bool,
) -> None:
    """Serve the models over HTTP: a translation web page at /, OpenAI's API under /v1 and LibreTranslate's
    (/translate, /translate_file, /languages, /detect), every client batched through one scheduler per model.

    Example: bayling-local serve --port 8080, then point an OpenAI client at http://127.0.0.1:8080/v1
    """
    from ..server.config import ServerConfig
    from ..server.run import build_state, serve

    flags = RunFlags(threads=threads, n_gpu_layers=n_gpu_layers, ctx=ctx, verbose=verbose)
    runtime, generation = resolve_run_settings(flags)
    config = ServerConfig(
        host=host,
        port=port,
        models=models,
        api_key=read_api_key(api_key, api_key_file),
        allow_hosts=allow_hosts,
        cors_origins=cors_origins,
        max_queue=max_queue,
        request_timeout=request_timeout,
        max_models=max_models,
        parallel=parallel,
        grace_seconds=grace,
        max_upload_bytes=max_upload << 20,
    )
    serve(build_state(config, runtime, generation), lambda line: click.echo(line, err=True))
