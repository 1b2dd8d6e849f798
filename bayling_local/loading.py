"""Opening the model a command or a chat asks for: resolve `--model`, load it, say why it was chosen."""

from __future__ import annotations

from .config import RuntimeConfig
from .llama.engine import Engine


def open_engine(runtime: RuntimeConfig, slots: int | None = None) -> Engine:
    """Load the model `runtime` names (else an installed BayLing, else the built-in one).

    `slots`: requests decoded at once (None: chosen from the model's size, the threads and the GPU). The
    engine's `notice` says, when the user should hear it, that the small built-in model is being used.
    """
    from .resolve import GET_BAYLING_HINT, resolve_model

    model = resolve_model(runtime.model)
    notice = None
    if model.is_builtin:
        notice = f"Using the built-in Gemma-3-270M demo model ({model.reason}); {GET_BAYLING_HINT}."
    return Engine(model.path, runtime, model.name, model.template, slots=slots, notice=notice)
