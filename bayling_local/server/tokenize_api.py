"""`POST /tokenize`, in llama-server's shape (`{"content": ...}` -> `{"tokens": [...]}`): a client that builds
its own prompts (`translate --server`) counts tokens exactly as the model does, so it cuts a long text into
the same pieces and gives each the same token limit as a local run."""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict

from .state import ServerState

router = APIRouter()


class TokenizeRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    content: str
    add_special: bool = False
    """Add the model's BOS token when it wants one (llama-server's name for it)."""
    model: str | None = None
    """Which model's tokenizer (default: the server's default model)."""


@router.post("/tokenize")
async def tokenize(body: TokenizeRequest, request: Request) -> dict[str, Any]:
    state: ServerState = request.app.state.server
    lease = await state.lease(body.model)
    try:
        # In a worker thread: a long text takes a while, and the event loop serves every other client.
        tokens = await anyio.to_thread.run_sync(
            lambda: lease.engine.tokenize(body.content, add_bos=None if body.add_special else False)
        )
    finally:
        lease.release()
    return {"tokens": tokens, "model": lease.name}
