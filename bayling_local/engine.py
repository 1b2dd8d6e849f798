"""One loaded model in llama.cpp: tokenize, generate with streaming and stop conditions, reuse the KV cache.

Everything that talks to llama-cpp-python's high-level `Llama` lives here, so the rest of the package never
imports llama_cpp. Consecutive calls that share a prompt prefix (chat turns, few-shot prompts) re-read only
the part that changed: `Llama.generate` keeps the longest common prefix of its KV cache.
"""

from __future__ import annotations

import codecs
import ctypes
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import GenerationConfig, RuntimeConfig
from .errors import ContextOverflowError, ModelError
from .gguf_check import check_gguf_file, describe_load_failure
from .kernels import model_params, prefer_batch_invariant
from .templates import Message, ModelFacts, PromptFormat, choose_format

TextCallback = Callable[[str], None]


@dataclass
class GenerationResult:
    """What one generation produced and cost."""

    text: str
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    first_token_seconds: float | None
    stop_reason: str
    """`stop` (end token or stop string), `length` (token limit), or `cancelled`."""

    @property
    def tokens_per_second(self) -> float:
        generating = self.seconds - (self.first_token_seconds or 0.0)
        return self.completion_tokens / generating if generating > 0 else 0.0


_quiet_callback: Any = None


def silence_llama_log() -> None:
    """Send llama.cpp's own log nowhere (it prints even with verbose=False)."""
    global _quiet_callback
    import llama_cpp

    if _quiet_callback is None:

        @llama_cpp.llama_log_callback
        def _quiet(level: int, text: bytes, user_data: ctypes.c_void_p) -> None:
            return None

        _quiet_callback = _quiet  # keep a reference: ctypes callbacks must outlive their use
    llama_cpp.llama_log_set(_quiet_callback, ctypes.c_void_p(0))


def default_threads() -> int:
    """Physical cores: llama.cpp decoding is memory-bound and gains nothing from hyper-threads."""
    import psutil

    return max(1, psutil.cpu_count(logical=False) or os.cpu_count() or 1)


def gpu_offload_supported() -> bool:
    import llama_cpp

    return bool(llama_cpp.llama_supports_gpu_offload())


class Engine:
    """A GGUF model loaded into llama.cpp with its prompt format."""

    def __init__(
        self, path: Path, runtime: RuntimeConfig, name: str | None = None, template_hint: str | None = None
    ) -> None:
        path = Path(path)
        check_gguf_file(path)
        if not runtime.verbose:
            silence_llama_log()
        self.path = path
        self.name = name or path.name
        self.runtime = runtime
        self.n_gpu_layers = self._gpu_layers(runtime)
        self.threads = runtime.threads or default_threads()
        self._lock = threading.Lock()
        prefer_batch_invariant(runtime.batch_invariant)
        try:
            with model_params(repack=not runtime.batch_invariant):
                self.llm = self._load(path, runtime)
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelError(describe_load_failure(path, exc)) from exc
        self.n_ctx = self.llm.n_ctx()
        self.metadata: dict[str, str] = dict(self.llm.metadata)
        self.facts = self._facts()
        self.format: PromptFormat = choose_format(self.facts, runtime.template or template_hint)
        self.add_bos = self.metadata.get("tokenizer.ggml.add_bos_token", "true") == "true"
        self._stop_ids = self._special_ids(self.format.stop_tokens)

    def _load(self, path: Path, runtime: RuntimeConfig) -> Any:
        import llama_cpp

        return llama_cpp.Llama(
            str(path),
            n_ctx=runtime.ctx,
            n_batch=min(512, runtime.ctx),
            n_threads=self.threads,
            n_threads_batch=self.threads,
            n_gpu_layers=self.n_gpu_layers,
            # Full-size sliding-window cache, so chat turns can reuse it (Gemma 3 uses SWA layers).
            swa_full=True,
            verbose=runtime.verbose,
        )

    @staticmethod
    def _gpu_layers(runtime: RuntimeConfig) -> int:
        if runtime.n_gpu_layers is not None:
            return runtime.n_gpu_layers
        return -1 if gpu_offload_supported() else 0

    def _facts(self) -> ModelFacts:
        md = self.metadata
        bos = self.token_text(self.llm.token_bos())
        eos = self.token_text(self.llm.token_eos())
        return ModelFacts(
            file_name=self.path.name,
            architecture=md.get("general.architecture"),
            model_name=md.get("general.name"),
            chat_template=md.get("tokenizer.chat_template"),
            vocab_size=self.llm.n_vocab(),
            bos_token=bos,
            eos_token=eos,
        )

    def token_text(self, token: int) -> str:
        if token < 0:
            return ""
        return self.llm.detokenize([token], special=True).decode("utf-8", errors="replace")

    def _special_ids(self, texts: Sequence[str]) -> set[int]:
        ids: set[int] = set()
        for text in texts:
            tokens = self.llm.tokenize(text.encode(), add_bos=False, special=True)
            if len(tokens) == 1:
                ids.add(tokens[0])
        return ids

    def tokenize(self, text: str, add_bos: bool | None = None) -> list[int]:
        """Tokens of `text`; special-token texts (like `<|eot_id|>`) become their special tokens."""
        bos = self.add_bos if add_bos is None else add_bos
        return list(self.llm.tokenize(text.encode("utf-8"), add_bos=bos, special=True))

    def count_tokens(self, text: str) -> int:
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def is_end(self, token: int) -> bool:
        import llama_cpp

        return token in self._stop_ids or bool(llama_cpp.llama_vocab_is_eog(self.llm._model.vocab, token))

    def generate(
        self,
        prompt: str,
        generation: GenerationConfig,
        *,
        on_text: TextCallback | None = None,
        stop_strings: Sequence[str] = (),
        max_tokens: int | None = None,
        cancel: threading.Event | None = None,
    ) -> GenerationResult:
        """Generate a continuation of `prompt` (rendered, without BOS), streaming text to `on_text`."""
        tokens = self.tokenize(prompt)
        return self.generate_tokens(
            tokens,
            generation,
            on_text=on_text,
            stop_strings=stop_strings,
            max_tokens=max_tokens,
            cancel=cancel,
        )

    def generate_tokens(
        self,
        tokens: list[int],
        generation: GenerationConfig,
        *,
        on_text: TextCallback | None = None,
        stop_strings: Sequence[str] = (),
        max_tokens: int | None = None,
        cancel: threading.Event | None = None,
    ) -> GenerationResult:
        """Like `generate`, from prompt tokens."""
        room = self.n_ctx - len(tokens)
        if room < 1:
            raise ContextOverflowError(
                f"the prompt is {len(tokens)} tokens but the context holds {self.n_ctx}; "
                "raise --ctx or shorten the input"
            )
        limit = min(max_tokens or generation.max_tokens, generation.max_tokens, room)
        stops = tuple(stop_strings) + self.format.stop_strings
        with self._lock:
            return self._run(tokens, generation, limit, stops, on_text, cancel)

    def _run(
        self,
        tokens: list[int],
        generation: GenerationConfig,
        limit: int,
        stops: tuple[str, ...],
        on_text: TextCallback | None,
        cancel: threading.Event | None,
    ) -> GenerationResult:
        started = time.perf_counter()
        first: float | None = None
        stream = _StopStream(stops, on_text)
        count = 0
        reason = "length"
        self.llm.set_seed(generation.seed)
        for token in self.llm.generate(
            tokens,
            temp=generation.temperature,
            top_k=generation.top_k,
            top_p=generation.top_p,
            min_p=0.0,
            repeat_penalty=generation.repeat_penalty,
        ):
            if first is None:
                first = time.perf_counter() - started
            if cancel is not None and cancel.is_set():
                reason = "cancelled"
                break
            if self.is_end(token):
                reason = "stop"
                break
            count += 1
            if stream.feed(self.llm.detokenize([token], special=False)):
                reason = "stop"
                break
            if count >= limit:
                break
        text = stream.finish()
        return GenerationResult(text, len(tokens), count, time.perf_counter() - started, first, reason)

    def chat(
        self,
        messages: Sequence[Message],
        generation: GenerationConfig,
        *,
        on_text: TextCallback | None = None,
        cancel: threading.Event | None = None,
    ) -> GenerationResult:
        """Answer the conversation with this model's prompt format."""
        prompt = self.format.render(list(messages), True)
        return self.generate(prompt, generation, on_text=on_text, cancel=cancel)

    def close(self) -> None:
        close = getattr(self.llm, "close", None)
        if close is not None:
            close()


class _StopStream:
    """Decodes token bytes incrementally and holds back text that might begin a stop string."""

    def __init__(self, stops: Sequence[str], on_text: TextCallback | None) -> None:
        self.stops = [s for s in stops if s]
        self.on_text = on_text
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.text = ""
        self.emitted = 0

    def feed(self, data: bytes) -> bool:
        """Add bytes; return True when a stop string has appeared (the text is cut before it)."""
        self.text += self.decoder.decode(data)
        for stop in self.stops:
            # The model may lead with the stop string (a blank line); only a stop after content counts.
            position = self.text.find(stop, 1 if self.text.startswith(stop) else 0)
            if position >= 0:
                self.text = self.text[:position]
                self._emit(len(self.text))
                return True
        self._emit(len(self.text) - self._held_back())
        return False

    def _held_back(self) -> int:
        """Length of the longest tail of the text that is a prefix of some stop string."""
        longest = 0
        for stop in self.stops:
            for size in range(min(len(stop) - 1, len(self.text)), 0, -1):
                if stop.startswith(self.text[-size:]):
                    longest = max(longest, size)
                    break
        return longest

    def _emit(self, upto: int) -> None:
        if upto > self.emitted:
            if self.on_text is not None:
                self.on_text(self.text[self.emitted : upto])
            self.emitted = upto

    def finish(self) -> str:
        self.text += self.decoder.decode(b"", final=True)
        self._emit(len(self.text))
        return self.text
