"""OpenAI-compatible routes: `GET /v1/models`, `POST /v1/chat/completions`, `POST /v1/completions`.

Every request becomes one scheduler request on the named model (loaded on first use), so all clients share
one continuous batch. Parameters the server cannot honour (n > 1, tools, logprobs, ...) are refused with a
400 that names them, never ignored.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import AsyncGenerator
from dataclasses import replace
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from ..engine.protocol import EngineLike
from ..engine.requests import GenerationResult, Handle
from ..errors import ModelNotFoundError, UsageError
from ..prompts.formats import Message
from .state import ServerState

# Fields clients send by habit that change nothing here.
_IGNORED = {
    "user",
    "metadata",
    "store",
    "service_tier",
    "parallel_tool_calls",
    "prompt_cache_key",
}
# Fields accepted only at the value that means "off".
_OFF_VALUES: dict[str, tuple[Any, ...]] = {
    "presence_penalty": (0, 0.0, None),
    "frequency_penalty": (0, 0.0, None),
    "logprobs": (False, None),
    "top_logprobs": (0, None),
    "logit_bias": (None,),
    "echo": (False, None),
    "best_of": (1, None),
    "suffix": (None, ""),
    "response_format": (None,),
    "tool_choice": ("none", None),
}
_FINISH = {"stop": "stop", "length": "length", "cancelled": "stop", "loop": "stop", "too-long": "length"}


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: str
    content: str | list[dict[str, Any]] | None = None


class _Sampling(BaseModel):
    model_config = ConfigDict(extra="allow")
    model: str | None = None
    stream: bool = False
    stream_options: dict[str, Any] | None = None
    max_tokens: int | None = Field(None, ge=1)
    max_completion_tokens: int | None = Field(None, ge=1)
    temperature: float | None = Field(None, ge=0, le=5)
    top_p: float | None = Field(None, gt=0, le=1)
    seed: int | None = None
    stop: str | list[str] | None = None
    n: int | None = 1
    top_k: int | None = Field(None, ge=0)
    repeat_penalty: float | None = Field(None, gt=0)
    stop_on_loop: bool = False
    """bayling-local's own: end the answer as soon as it loops (what `translate --server` asks for)."""
    max_chars: int | None = Field(None, ge=1)
    """bayling-local's own: end the answer once its text is longer than this."""


class ChatRequest(_Sampling):
    messages: list[ChatMessage] = Field(min_length=1)


class CompletionRequest(_Sampling):
    prompt: str | list[str]


router = APIRouter()


@router.get("/v1/models")
async def list_models(request: Request) -> dict[str, Any]:
    state: ServerState = request.app.state.server
    # In a worker thread: listing reads the store, and a model not loaded yet has its GGUF header read.
    data = await anyio.to_thread.run_sync(lambda: [_model_entry(state, n) for n in state.pool.known()])
    return {"object": "list", "data": data}


@router.get("/v1/models/{name:path}")
async def one_model(name: str, request: Request) -> dict[str, Any]:
    state: ServerState = request.app.state.server
    if name not in state.pool.known():
        raise ModelNotFoundError(f"no model named {name!r}; this server has: {', '.join(state.pool.known())}")
    return await anyio.to_thread.run_sync(_model_entry, state, name)


def _model_entry(state: ServerState, name: str) -> dict[str, Any]:
    # `bayling_local` (prompt format, context) lets `translate --server` build the prompts a local run would;
    # OpenAI clients ignore fields they do not know.
    entry: dict[str, Any] = {
        "id": name,
        "object": "model",
        "created": int(state.started),
        "owned_by": "bayling-local",
    }
    facts = state.model_facts(name)
    if facts is not None:
        entry["bayling_local"] = facts
    return entry


@router.post("/v1/chat/completions", response_model=None)
async def chat_completions(body: ChatRequest, request: Request) -> Response:
    _refuse_unsupported(body)
    messages = [_message(m) for m in body.messages]
    return await _complete(request, body, "chat", lambda engine: engine.format.render(messages, True))


@router.post("/v1/completions", response_model=None)
async def completions(body: CompletionRequest, request: Request) -> Response:
    _refuse_unsupported(body)
    prompts = [body.prompt] if isinstance(body.prompt, str) else body.prompt
    if len(prompts) != 1:
        raise UsageError("this server completes one prompt per request; send the others separately")
    return await _complete(request, body, "text", lambda _engine: prompts[0])


async def _complete(request: Request, body: _Sampling, kind: str, render: Any) -> Response:
    state: ServerState = request.app.state.server
    lease = await state.lease(body.model)
    try:
        handle = _submit(state, lease.engine, render(lease.engine), body)
    except BaseException:
        lease.release()
        raise
    if body.stream:
        include_usage = bool((body.stream_options or {}).get("include_usage"))

        def finish() -> None:
            if not handle.done():
                handle.cancel()
            lease.release()

        return state.event_stream(_lines(state, handle, lease.name, kind, include_usage), finish)
    try:
        result = await state.waiters.result_or_disconnect(
            handle, state.config.request_timeout, request.is_disconnected
        )
    finally:
        lease.release()
    state.record(result)
    return JSONResponse(_whole(result, lease.name, kind))


def _submit(state: ServerState, engine: EngineLike, prompt: str, body: _Sampling) -> Handle:
    tokens = engine.tokenize(prompt)
    room = engine.n_ctx - len(tokens)
    if room < 1:
        raise UsageError(
            f"the prompt is {len(tokens)} tokens but the model's context holds {engine.n_ctx}; shorten the "
            "conversation or restart the server with a larger --ctx"
        )
    wanted = body.max_completion_tokens or body.max_tokens or state.generation.max_tokens
    generation = replace(
        state.generation,
        temperature=state.generation.temperature if body.temperature is None else body.temperature,
        top_p=state.generation.top_p if body.top_p is None else body.top_p,
        seed=state.generation.seed if body.seed is None else body.seed,
        top_k=state.generation.top_k if body.top_k is None else body.top_k,
        repeat_penalty=state.generation.repeat_penalty
        if body.repeat_penalty is None
        else body.repeat_penalty,
        max_tokens=min(wanted, room),
    )
    stops = [body.stop] if isinstance(body.stop, str) else list(body.stop or [])
    request = engine.request(
        tokens,
        generation,
        stop_strings=stops,
        cancel=threading.Event(),
        stop_on_loop=body.stop_on_loop,
        max_chars=body.max_chars,
    )
    return engine.submit(request)


def _whole(result: GenerationResult, model: str, kind: str) -> dict[str, Any]:
    finish = _FINISH.get(result.stop_reason, "stop")
    if kind == "chat":
        # Prompt formats end at "Assistant:"; the space a model writes after it is not part of the answer.
        choice: dict[str, Any] = {
            "index": 0,
            "message": {"role": "assistant", "content": result.text.lstrip()},
        }
    else:
        choice = {"index": 0, "text": result.text}
    choice.update(finish_reason=finish, logprobs=None)
    return {
        "id": _id(kind),
        "object": "chat.completion" if kind == "chat" else "text_completion",
        "created": int(time.time()),
        "model": model,
        "choices": [choice],
        "usage": _usage(result),
    }


async def _lines(
    state: ServerState, handle: Handle, model: str, kind: str, usage: bool
) -> AsyncGenerator[str, None]:
    ident, created = _id(kind), int(time.time())
    chat = kind == "chat"
    head = {
        "id": ident,
        "object": "chat.completion.chunk" if chat else "text_completion",
        "created": created,
        "model": model,
    }

    def chunk(content: str | None, finish: str | None = None, role: bool = False) -> str:
        if chat:
            delta: dict[str, Any] = {} if content is None else {"content": content}
            if role:
                delta["role"] = "assistant"
            choice: dict[str, Any] = {"index": 0, "delta": delta}
        else:
            choice = {"index": 0, "text": content or ""}
        choice.update(finish_reason=finish, logprobs=None)
        return json.dumps({**head, "choices": [choice]}, ensure_ascii=False)

    if chat:
        yield chunk("", role=True)
    started = not chat
    try:
        async for piece in state.waiters.pieces(handle, state.config.request_timeout):
            if not started:
                piece = piece.lstrip()
                started = bool(piece)
            if piece:
                yield chunk(piece)
        result = handle.result()
    except Exception as exc:  # noqa: BLE001 - the 200 is sent: say it in the stream, as OpenAI does
        message = str(exc) or "the request took too long and was cancelled"
        yield json.dumps({"error": {"message": message, "type": "server_error", "param": None, "code": None}})
        yield "[DONE]"
        return
    state.record(result)
    yield chunk(None, _FINISH.get(result.stop_reason, "stop"))
    if usage:
        yield json.dumps({**head, "choices": [], "usage": _usage(result)})
    yield "[DONE]"


def _usage(result: GenerationResult) -> dict[str, int]:
    return {
        "prompt_tokens": result.prompt_tokens,
        "completion_tokens": result.completion_tokens,
        "total_tokens": result.prompt_tokens + result.completion_tokens,
    }


def _id(kind: str) -> str:
    return ("chatcmpl-" if kind == "chat" else "cmpl-") + uuid.uuid4().hex[:24]


def _refuse_unsupported(body: _Sampling) -> None:
    if body.n not in (1, None):
        raise UsageError(
            "n must be 1: this server returns one choice per request (send the request again for more)"
        )
    extra = body.model_extra or {}
    problems = []
    for name, value in extra.items():
        if name in _IGNORED or value in (None, [], {}):  # many clients send every field, unset ones as null
            continue
        if name in _OFF_VALUES:
            if value not in _OFF_VALUES[name] and not (
                name == "response_format" and value == {"type": "text"}
            ):
                problems.append(name)
            continue
        problems.append(name)
    if problems:
        raise UsageError(
            f"unsupported parameter(s): {', '.join(sorted(problems))}; this server does plain text generation only"
        )


def _message(message: ChatMessage) -> Message:
    role = "system" if message.role == "developer" else message.role
    if role not in ("system", "user", "assistant"):
        raise UsageError(f"unsupported message role {message.role!r}: use system, user or assistant")
    content = message.content
    if isinstance(content, list):
        parts = []
        for part in content:
            if part.get("type") != "text":
                raise UsageError(
                    f"unsupported content part {part.get('type')!r}: this server takes text only"
                )
            parts.append(str(part.get("text", "")))
        content = "".join(parts)
    return Message(role, content or "")
