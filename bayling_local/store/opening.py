"""Opening the model a command or a chat asks for: resolve `--model`, load it, say why it was chosen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..config import RemoteConfig, RuntimeConfig
from ..llama.engine import Engine
from .resolve import GET_BAYLING_HINT, resolve_model

if TYPE_CHECKING:
    from ..remote.engine import RemoteEngine


def open_engine(runtime: RuntimeConfig, slots: int | None = None) -> Engine:
    """Load the model `runtime` names (else an installed BayLing, else the built-in one).

    `slots`: requests decoded at once (None: chosen from the model's size, the threads and the GPU). The
    engine's `notice` says, when the user should hear it, that the small built-in model is being used.
    """
    model = resolve_model(runtime.model)
    notice = None
    if model.is_builtin:
        notice = f"Using the built-in Gemma-3-270M demo model ({model.reason}); {GET_BAYLING_HINT}."
    return Engine(model.path, runtime, model.name, model.template, slots=slots, notice=notice)


def open_remote(
    remote: RemoteConfig, runtime: RuntimeConfig, api_key: str | None, parallel: int | None = None
) -> RemoteEngine:
    """The model on `remote.server` (`--model`, else the server's first): prompts are built here in its
    format (what the server says, else `--template`, else from its name); `--ctx` counts only when the
    server does not say its context. The notice says where the work goes."""
    from ..remote.engine import RemoteEngine
    from ..remote.link import Link

    assert remote.server is not None
    link = Link(remote.server, api_key, remote.timeout)
    model = link.open_model(runtime.model, runtime.template, runtime.ctx)
    counts = "exact token counts" if model.exact_tokens else "estimated token counts"
    notice = (
        f"Translating on {link.url} with {model.name} ({model.format.name} prompts, {counts}, "
        f"{parallel or remote.parallel} at once)."
    )
    return RemoteEngine(link, model, parallel or remote.parallel, notice=notice)
