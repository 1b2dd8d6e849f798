"""Talking to an OpenAI-compatible server: the `openai` client, which model to use, its prompt format and
context, and exact token counts where the server offers `/tokenize`.

What a server says about its models decides how prompts are built here:
- `bayling-local serve` lists each model's prompt format and context (`bayling_local` in `/v1/models`), so
  a remote run builds the very prompts a local one would, and greedy output is the same;
- a model named BayLing gets BayLing's template, rendered here and sent to `/v1/completions`;
- any other model is sent chat messages (`/v1/chat/completions`) and the server applies its own template.
"""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import RemoteServerError
from ..prompts.formats import Message, ModelFacts, PromptFormat, choose_format

# Requests the server could not take (429, 5xx, a dropped connection) are tried again this often.
CLIENT_RETRIES = 3


def _render_messages(messages: Sequence[Message], add_generation_prompt: bool = True) -> str:
    return json.dumps([{"role": m.role, "content": m.content} for m in messages], ensure_ascii=False)


SERVER_CHAT = PromptFormat("server", _render_messages)
"""The server applies the model's own chat template: the "prompt" carries the messages, as JSON, to
`/v1/chat/completions`."""


def chat_messages(prompt: str) -> Any:
    """The messages a `SERVER_CHAT` prompt carries."""
    return list(json.loads(prompt))


@dataclass(frozen=True)
class RemoteModel:
    """A model on the server, as this client uses it."""

    name: str
    format: PromptFormat
    n_ctx: int
    """Tokens one request may use, prompt plus answer."""
    exact_tokens: bool
    """The server tokenizes for us (`/tokenize`); otherwise counts are estimated, erring high."""
    ours: bool = False
    """The server is `bayling-local serve`: it stops answers at a loop or past their room itself
    (`stop_on_loop`, `max_chars`), exactly as a local run does."""


def api_base(url: str) -> str:
    """The OpenAI base URL (`.../v1`) for what the user typed: `http://host:port`, with or without `/v1`."""
    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise RemoteServerError(f"--server {url!r} is not an http(s) URL; give e.g. http://127.0.0.1:8000")
    return url if url.endswith("/v1") else url + "/v1"


class Link:
    """One server: its client (shared by every request thread; it keeps connections open) and its tokenizer."""

    def __init__(self, url: str, api_key: str | None, timeout: float) -> None:
        import openai

        self.url = url
        self.base = api_base(url)
        self.root = self.base.removesuffix("/v1")
        # OpenAI's client insists on a key; servers without one ignore the header.
        self.client = openai.OpenAI(
            base_url=self.base, api_key=api_key or "none", timeout=timeout, max_retries=CLIENT_RETRIES
        )
        self.model_name = ""
        self._exact = False

    def open_model(self, wanted: str | None, template: str | None, fallback_ctx: int) -> RemoteModel:
        """The model to use (`wanted`, else the server's first), how to prompt it, and its context (what
        the server reports, else `fallback_ctx`)."""
        models = self._models()
        names = [entry["id"] for entry in models]
        if wanted is None:
            if not names:
                raise RemoteServerError(f"the server at {self.url} lists no models; name one with --model")
            wanted = names[0]
        elif names and wanted not in names:
            raise RemoteServerError(
                f"the server at {self.url} has no model {wanted!r}; it has: {', '.join(names)}"
            )
        entry = next((e for e in models if e["id"] == wanted), {"id": wanted})
        self.model_name = wanted
        self._exact = self._tokenize_works()
        return RemoteModel(
            name=wanted,
            format=_format_for(entry, template),
            n_ctx=_context_of(entry) or fallback_ctx,
            exact_tokens=self._exact,
            ours="bayling_local" in entry,
        )

    def _models(self) -> list[dict[str, Any]]:
        with translated_errors(self.url):
            return [model.model_dump() for model in self.client.models.list().data]

    def _tokenize_works(self) -> bool:
        try:
            return isinstance(self._tokenize("Hello"), list)
        except Exception:  # noqa: BLE001 - most servers have no /tokenize: counts are estimated then
            return False

    def _tokenize(self, text: str) -> Any:
        body = {"content": text, "add_special": False, "model": self.model_name}
        reply = self.client.with_options(max_retries=0).post(
            f"{self.root}/tokenize", cast_to=object, body=body
        )
        return reply.get("tokens") if isinstance(reply, dict) else None

    def count_tokens(self, text: str) -> int:
        """Tokens of `text` as the server's model counts them, or an estimate that errs high."""
        if not self._exact:
            return estimate_tokens(text)
        return self._count(text)

    @functools.lru_cache(maxsize=4096)  # noqa: B019 - one Link per run; the same prompts are counted often
    def _count(self, text: str) -> int:
        with translated_errors(self.url):
            tokens = self._tokenize(text)
        return len(tokens) if isinstance(tokens, list) else estimate_tokens(text)


def _format_for(entry: dict[str, Any], template: str | None) -> PromptFormat:
    name = (template or (entry.get("bayling_local") or {}).get("prompt_format") or "").lower()
    if name in ("gguf", "server"):
        return SERVER_CHAT
    if name:
        return choose_format(ModelFacts(file_name=entry["id"]), name)
    chosen = choose_format(ModelFacts(file_name=entry["id"]))
    # A name says "BayLing" (its template is known here); anything else is prompted through the server's
    # own chat template rather than guessed at.
    return chosen if chosen.name in ("bayling", "bayling3") else SERVER_CHAT


def _context_of(entry: dict[str, Any]) -> int | None:
    """The context a server reports: ours, vLLM's `max_model_len`, llama-server's training context."""
    for value in (
        (entry.get("bayling_local") or {}).get("context_length"),
        entry.get("max_model_len"),
        (entry.get("meta") or {}).get("n_ctx_train"),
    ):
        if isinstance(value, int) and value > 0:
            return value
    return None


def estimate_tokens(text: str) -> int:
    """Tokens of `text` for a tokenizer we cannot ask: Llama-family tokenizers take about 4 ASCII characters
    a token and about one token a character elsewhere; this errs high (3 and 1) so pieces stay in context."""
    ascii_chars = sum(1 for char in text if ord(char) < 128)
    return math.ceil(ascii_chars / 3) + (len(text) - ascii_chars)


class translated_errors:
    """Turn the client's exceptions into one-line RemoteServerErrors that say what to do."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, _tb: object) -> None:
        if error is None or not isinstance(error, Exception):
            return
        described = describe_error(error, self.url)
        if described is not None:
            raise described from error


def describe_error(error: Exception, url: str) -> RemoteServerError | None:
    """What went wrong talking to `url`, as the user should read it (None: not the client's error)."""
    import openai

    if isinstance(error, openai.AuthenticationError):
        return RemoteServerError(
            f"the server at {url} refused the API key; give the right one with --api-key or BAYLING_API_KEY"
        )
    if isinstance(error, openai.APITimeoutError):
        return RemoteServerError(f"the server at {url} did not answer in time; raise [remote] timeout")
    if isinstance(error, openai.APIConnectionError):
        return RemoteServerError(
            f"cannot reach the server at {url}; is it running (bayling-local serve) and is --server right?"
        )
    if isinstance(error, openai.APIStatusError):
        return RemoteServerError(f"the server at {url} answered {error.status_code}: {_message_of(error)}")
    if isinstance(error, openai.APIError):
        return RemoteServerError(f"the server at {url} failed: {error.message}")
    return None


def _message_of(error: Any) -> str:
    body = error.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])
        if isinstance(inner, str):
            return inner
    return str(error.message)
