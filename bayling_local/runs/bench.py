"""`bayling-local bench`'s measurements: how fast this machine runs a model, the way translation uses it.

Prompt reading (tok/s), generation (tok/s), time to first token, segments/s one at a time and batched, and
the process's peak resident memory.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..config import GenerationConfig, RuntimeConfig

if TYPE_CHECKING:
    from ..llama.engine import Engine
    from ..translation.translator import Translator

# Everyday sentences written for this benchmark (no test-set text is shipped).
SAMPLE_SENTENCES = [
    "The train to the airport leaves every twenty minutes.",
    "My sister is learning to play the violin this year.",
    "Please close the window before you go to bed.",
    "The museum is free for children under twelve.",
    "We planted tomatoes and beans in the garden last spring.",
    "The meeting has been moved to Thursday afternoon.",
    "He forgot his umbrella and came home soaking wet.",
    "This recipe needs two eggs, flour and a little milk.",
    "The bridge was closed for repairs during the summer.",
    "She reads a newspaper every morning with her coffee.",
    "Our neighbours are going to Spain for their holidays.",
    "The doctor said I should drink more water.",
    "A new library opened near the central station.",
    "The children built a snowman in the park.",
    "Could you tell me where the nearest pharmacy is?",
    "The concert was cancelled because of the storm.",
]
PROMPT_TEXT = " ".join(SAMPLE_SENTENCES)


@dataclass
class BenchJob:
    """What to measure."""

    runtime: RuntimeConfig
    sentences: list[str] = field(default_factory=lambda: list(SAMPLE_SENTENCES))
    """Segments for the translation measurements."""
    target: str = "fra_Latn"
    """Translation target language."""
    parallel: int | None = None
    """Batch width (None: the translate default for this model)."""
    generate_tokens: int = 128
    """Tokens to generate for the generation-speed figure."""


@dataclass
class BenchResult:
    """Measured figures (seconds, tokens per second, MB)."""

    model: str
    threads: int
    gpu_layers: int
    prompt_tokens: int
    prompt_tokens_per_s: float
    generation_tokens: int
    generation_tokens_per_s: float
    time_to_first_token_s: float
    segments: int
    sequential_segments_per_s: float
    batched_segments_per_s: float
    parallel: int
    batched_speedup: float
    peak_rss_mb: float


def peak_rss_mb() -> float:
    """This process's peak resident set size (Linux reports KB, macOS bytes)."""
    import resource
    import sys

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def run_bench(job: BenchJob, log: Callable[[str], None] = lambda line: None) -> BenchResult:
    """Load the model once and measure everything with it."""
    from ..store.opening import open_engine

    engine = open_engine(job.runtime, slots=job.parallel)
    try:
        return _measure(engine, job, log)
    finally:
        engine.close()


def _measure(engine: Engine, job: BenchJob, log: Callable[[str], None]) -> BenchResult:
    from ..language.names import resolve_language
    from ..translation.batch import translate_segments, translate_text
    from ..translation.translator import make_translator

    if engine.notice:
        log(engine.notice)
    # Speed of the decode itself: retries after failed output checks would add work that depends on the text.
    greedy = GenerationConfig(max_retries=0)
    engine.generate("Hello", greedy, max_tokens=1)  # creates the scheduler's context outside the timings
    # Prompt reading: a long prompt, nothing of it cached; one token generated.
    read = engine.generate(PROMPT_TEXT, greedy, max_tokens=1)
    prompt_speed = read.prompt_tokens / read.first_token_seconds if read.first_token_seconds else 0.0
    log(f"prompt: {read.prompt_tokens} tokens, {prompt_speed:.1f} tok/s")
    # Generation: a continuation with no stop string; it shares nothing with the prompt above.
    story = engine.generate(
        "Once upon a time, in a small village by the sea,", greedy, max_tokens=job.generate_tokens
    )
    log(f"generation: {story.completion_tokens} tokens, {story.tokens_per_second:.1f} tok/s")
    translator = make_translator(engine, resolve_language(job.target), resolve_language("eng_Latn"), greedy)
    translate_text(
        translator, job.sentences[0]
    )  # caches the few-shot prefix, as after the first line of a file
    ttft = _first_token_seconds(translator, job.sentences[1])
    started = time.perf_counter()
    for sentence in job.sentences:
        translate_text(translator, sentence)
    sequential = len(job.sentences) / (time.perf_counter() - started)
    log(f"one at a time: {sequential:.2f} segments/s")
    started = time.perf_counter()
    translate_segments(translator, job.sentences, progress=False)
    batched = len(job.sentences) / (time.perf_counter() - started)
    log(f"batched x{engine.slots}: {batched:.2f} segments/s")
    return BenchResult(
        model=engine.name,
        threads=engine.threads,
        gpu_layers=engine.n_gpu_layers,
        prompt_tokens=read.prompt_tokens,
        prompt_tokens_per_s=round(prompt_speed, 1),
        generation_tokens=story.completion_tokens,
        generation_tokens_per_s=round(story.tokens_per_second, 1),
        time_to_first_token_s=round(ttft, 3),
        segments=len(job.sentences),
        sequential_segments_per_s=round(sequential, 2),
        batched_segments_per_s=round(batched, 2),
        parallel=engine.slots,
        batched_speedup=round(batched / sequential, 2) if sequential else 0.0,
        peak_rss_mb=round(peak_rss_mb(), 1),
    )


def _first_token_seconds(translator: Translator, sentence: str) -> float:
    """Time to the first translated token of a new segment, the few-shot prefix already cached (as in use)."""
    from ..translation.pieces import chunk_request

    request = chunk_request(translator, sentence, translator.begin(sentence)[1], max_tokens=1)
    return translator.engine.submit(request).result().first_token_seconds or 0.0


def render_table(result: BenchResult) -> str:
    rows = [
        ("Model", result.model),
        ("Threads / GPU layers", f"{result.threads} / {result.gpu_layers}"),
        ("Prompt reading", f"{result.prompt_tokens_per_s:.1f} tok/s ({result.prompt_tokens} tokens)"),
        ("Generation", f"{result.generation_tokens_per_s:.1f} tok/s ({result.generation_tokens} tokens)"),
        ("Time to first token", f"{result.time_to_first_token_s * 1000:.0f} ms (one segment, prefix cached)"),
        ("Segments/s, one at a time", f"{result.sequential_segments_per_s:.2f} ({result.segments} segments)"),
        ("Segments/s, batched", f"{result.batched_segments_per_s:.2f} (--parallel {result.parallel})"),
        ("Batched speed-up", f"{result.batched_speedup:.2f}x"),
        ("Peak RSS", f"{result.peak_rss_mb:.0f} MB"),
    ]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows) + "\n"
