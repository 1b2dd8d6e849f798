"""One loaded model with its prompt format and its scheduler: what every front-end holds.

`submit()` queues a request with the scheduler (many callers, many threads, batched together); `generate()`
and `chat()` are the blocking forms that stream text to a callback. Nothing here decodes by itself: the
scheduler's thread is the only one that calls llama_decode for this model.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..config import RuntimeConfig
from ..engine.base import BaseEngine
from ..engine.requests import Handle, Request
from ..prompts.formats import ModelFacts, PromptFormat, choose_format
from .model import LlamaModel, LoadOptions
from .runtime import default_slots, default_threads
from .scheduler import Scheduler


class Engine(BaseEngine):
    """A GGUF model loaded into llama.cpp, its prompt format, and the scheduler that decodes for it."""

    def __init__(
        self,
        path: Path,
        runtime: RuntimeConfig,
        name: str | None = None,
        template_hint: str | None = None,
        *,
        slots: int | None = 1,
        notice: str | None = None,
    ) -> None:
        """`slots`: requests decoded at once (None: chosen from the model size and hardware). `notice`: what the caller should tell the user about this model."""
        path = Path(path)
        self.model = LlamaModel(
            path, LoadOptions(runtime.n_gpu_layers, runtime.batch_invariant, runtime.verbose)
        )
        self.path = path
        self.name = name or path.name
        self.notice = notice
        """Why this model was picked, when the user should hear it ("using the built-in model because ...")."""
        self.runtime = runtime
        self.n_gpu_layers = self.model.n_gpu_layers
        self.threads = runtime.threads or default_threads()
        self.n_ctx = runtime.ctx
        """KV cells one request may use: its prompt plus its answer."""
        try:
            self._describe(runtime.template or template_hint)
        except BaseException:
            self.model.close()  # a bad --template must not leave the weights loaded
            raise
        if slots is None:
            slots = default_slots(path, self.threads, self.n_gpu_layers != 0)
        self.scheduler = Scheduler(self.model, slots, self.n_ctx, self.threads)

    def _describe(self, template: str | None) -> None:
        """The model's metadata, facts, prompt format and the end tokens that format adds."""
        self.metadata = self.model.metadata
        self.facts = self._facts()
        self.format: PromptFormat = choose_format(self.facts, template)
        self.add_bos = self.metadata.get("tokenizer.ggml.add_bos_token", "true") == "true"
        self.end_tokens = frozenset(self._special_ids(self.format.stop_tokens))

    @property
    def slots(self) -> int:
        return self.scheduler.slots

    def _facts(self) -> ModelFacts:
        md = self.metadata
        return ModelFacts(
            file_name=self.path.name,
            architecture=md.get("general.architecture"),
            model_name=md.get("general.name"),
            chat_template=md.get("tokenizer.chat_template"),
            vocab_size=self.model.n_vocab,
            bos_token=self.model.token_text(self.model.bos),
            eos_token=self.model.token_text(self.model.eos),
        )

    def _special_ids(self, texts: Sequence[str]) -> set[int]:
        ids: set[int] = set()
        for text in texts:
            tokens = self.model.tokenize(text, add_bos=False, special=True)
            if len(tokens) == 1:
                ids.add(tokens[0])
        return ids

    def token_text(self, token: int) -> str:
        return self.model.token_text(token)

    def tokenize(self, text: str, add_bos: bool | None = None) -> list[int]:
        """Tokens of `text`; special-token texts (like `<|eot_id|>`) become their special tokens."""
        return self.model.tokenize(text, self.add_bos if add_bos is None else add_bos, special=True)

    def count_tokens(self, text: str) -> int:
        return len(self.model.tokenize(text, add_bos=False, special=True))

    def submit(self, request: Request) -> Handle:
        """Queue a request with the scheduler; the handle streams its text and gives its result."""
        return self.scheduler.submit(request)

    def close(self) -> None:
        """Stop the scheduler (cancelling what is left), then free the weights."""
        self.scheduler.close()
        self.model.close()
