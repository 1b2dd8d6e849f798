"""Check and retry one piece: the first attempt is judged by `translation.checks`; a failing one is tried
again (split into sentences, then a stricter prompt, then that prompt sampled) within `max_retries`, and the
best attempt is kept with the problem it still has. A piece whose protected markers still do not come back
whole is then translated run by run between its markers (`fallback = "markers"`): a document is never broken.

Retries go to the scheduler ahead of the segments submitted in advance (`priority`), so the piece holding
back the ordered output is not queued behind them.
"""

from __future__ import annotations

import dataclasses
import threading
import zlib
from dataclasses import dataclass

from ..languages import Language
from ..llama.requests import GenerationResult, Handle, Request
from ..segment import split_sentences
from .checks import Candidate, clean, first_problem, severity
from .markers import strip_markers, unmarked_runs
from .pieces import chunk_request
from .translator import Translator, one_line, spacing_after

RETRY_PRIORITY = 1
# A sampled retry explores away from the greedy answer that failed, without wandering off.
RETRY_TEMPERATURE = 0.7


@dataclass
class Attempt:
    """One way a piece came out."""

    text: str
    problem: str | None
    truncated: bool = False


@dataclass
class Settled:
    """What a piece ends as, and what its retries cost."""

    text: str
    problem: str | None
    retries: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    truncated: bool = False
    cancelled: bool = False
    fallback: str | None = None
    """`markers` when the piece had to be translated between its markers."""


class PieceSettler:
    """Judges and retries the pieces of one translator's segments."""

    def __init__(self, translator: Translator, cancel: threading.Event) -> None:
        self.translator = translator
        self.cancel = cancel
        self.examples = translator.example_sentences()

    def settle(self, chunk: str, source: Language | None, first: GenerationResult, index: int) -> Settled:
        """The best of the first attempt and the retries it needed."""
        settled = Settled("", None)
        _account(settled, first)
        attempts = [self._attempt(chunk, source, [first])]
        for plan in self._plans(chunk)[: self.translator.generation.max_retries]:
            if attempts[-1].problem is None or self.cancel.is_set() or settled.cancelled:
                break
            if settled.retries and all(attempt.problem == "markers" for attempt in attempts):
                break  # a model that lost the markers twice loses them again: go between them (below)
            settled.retries += 1
            attempts.append(self._retry(plan, chunk, source, index, settled))
        best = min(enumerate(attempts), key=lambda item: _rank(item[1], item[0]))[1]
        if best.problem == "markers" and not (self.cancel.is_set() or settled.cancelled):
            best = self._between_markers(chunk, source, index, settled)
            settled.fallback = "markers"
        settled.text, settled.problem, settled.truncated = best.text, best.problem, best.truncated
        return settled

    def judge(self, chunk: str, output: str, source: Language | None) -> str | None:
        candidate = Candidate(chunk, output, self.translator.target, source, self.examples)
        return first_problem(candidate, self.translator.checks)

    def _plans(self, chunk: str) -> list[str]:
        plans = ["split"] if len(split_sentences(chunk.strip())) > 1 else []
        return plans + ["strict", *["sampled"] * self.translator.generation.max_retries]

    def _retry(self, plan: str, chunk: str, source: Language | None, index: int, settled: Settled) -> Attempt:
        if plan == "split":
            parts = split_sentences(chunk)
            requests = [self._request(part, source, index) for part in parts]
            return self._attempt(chunk, source, self._run(requests, settled), parts)
        request = self._request(chunk, source, index, strict=True)
        if plan == "sampled":
            # Seeded by the text, not its position: the same piece gets the same retry in any batch.
            seed = zlib.crc32(chunk.encode()) + self.translator.generation.seed + settled.retries
            request = _sampled(request, seed=seed & 0xFFFFFFFF)
        return self._attempt(chunk, source, self._run([request], settled))

    def _between_markers(self, chunk: str, source: Language | None, index: int, settled: Settled) -> Attempt:
        """Each run of words between markers translated on its own, the markers kept where they were."""
        runs = unmarked_runs(chunk)
        wanted = [i for i in range(0, len(runs), 2) if any(char.isalpha() for char in runs[i])]
        results = self._run([self._request(runs[i].strip(), source, index) for i in wanted], settled)
        for i, result in zip(wanted, results, strict=True):
            run = runs[i]
            text = strip_markers(clean(one_line(result.text), run)) or run.strip()
            runs[i] = run[: len(run) - len(run.lstrip())] + text + run[len(run.rstrip()) :]
        joined = "".join(runs)
        truncated = any(result.stop_reason == "length" for result in results)
        return Attempt(joined.strip(), self.judge(chunk, joined, source), truncated)

    def _request(self, text: str, source: Language | None, index: int, strict: bool = False) -> Request:
        request = chunk_request(
            self.translator, text, source, seed_offset=index, cancel=self.cancel, strict=strict
        )
        return dataclasses.replace(request, priority=RETRY_PRIORITY)

    def _run(self, requests: list[Request], settled: Settled) -> list[GenerationResult]:
        handles: list[Handle] = [self.translator.engine.submit(request) for request in requests]
        results = [handle.result() for handle in handles]
        for result in results:
            _account(settled, result)
        return results

    def _attempt(
        self,
        chunk: str,
        source: Language | None,
        results: list[GenerationResult],
        parts: list[str] | None = None,
    ) -> Attempt:
        parts = parts or [chunk]
        texts = [clean(one_line(result.text), part) for result, part in zip(results, parts, strict=True)]
        joined = "".join(
            text + spacing_after(part, position == len(parts) - 1)
            for position, (text, part) in enumerate(zip(texts, parts, strict=True))
        )
        truncated = any(result.stop_reason == "length" for result in results)
        return Attempt(joined.strip(), self.judge(chunk, joined, source), truncated)


def _account(settled: Settled, result: GenerationResult) -> None:
    settled.prompt_tokens += result.prompt_tokens
    settled.completion_tokens += result.completion_tokens
    settled.seconds = max(settled.seconds, result.seconds)
    settled.cancelled |= result.stop_reason == "cancelled"


def _rank(attempt: Attempt, order: int) -> tuple[int, int, int]:
    """Sort key of the best attempt: the mildest problem; among short ones the longest, among long ones the
    shortest; then the earliest."""
    length = len(attempt.text)
    by_length = (
        -length if attempt.problem == "low-coverage" else length if attempt.problem == "too-long" else 0
    )
    return severity(attempt.problem), by_length, order


def _sampled(request: Request, seed: int) -> Request:
    temperature = max(request.sampling.temperature, RETRY_TEMPERATURE)
    return dataclasses.replace(
        request, sampling=dataclasses.replace(request.sampling, temperature=temperature, seed=seed)
    )
