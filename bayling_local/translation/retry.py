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
from dataclasses import dataclass, field

from ..engine.requests import GenerationResult, Handle, Request
from ..language.names import Language
from .checks import Candidate, clean, first_problem, severity
from .glossary import Match
from .markers import markers_intact, strip_markers, unmarked_runs
from .pieces import chunk_request
from .sentences import split_sentences
from .terms import TermCheck, put_terms_back, term_records, with_term_markers
from .translator import Translator, one_line, spacing_after

RETRY_PRIORITY = 1
# Answers that are not a translation at all: a run translated alone that comes back so keeps its words.
_NOT_A_TRANSLATION = ("prompt-example", "empty")
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
    terms: list[dict[str, object]] = field(default_factory=list)
    """The piece's glossary terms: found, and by which step (`translation.terms.term_records`)."""


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
        terms = self._terms(chunk, source)
        attempts = [self._attempt(chunk, source, [first])]
        for plan in self._plans(chunk)[: self.translator.generation.max_retries]:
            if attempts[-1].problem is None or self.cancel.is_set() or settled.cancelled:
                break
            if settled.retries and all(attempt.problem == "markers" for attempt in attempts):
                break  # a model that lost the markers twice loses them again: go between them (below)
            if attempts[-1].problem == "terms" and any(a.problem == "terms" for a in attempts[:-1]):
                break  # one retry naming the missing terms; then the marker step (below) puts them in
            settled.retries += 1
            # A retry for missing terms names only those (the others came through).
            named = None
            if attempts[-1].problem == "terms":
                named = terms.prompt_terms(terms.missing(attempts[-1].text))
                plan = (
                    "strict" if plan == "split" else plan
                )  # splitting does not bring terms back; asking does
            attempts.append(self._retry(plan, chunk, source, index, settled, named))
        best = min(enumerate(attempts), key=lambda item: _rank(item[1], item[0]))[1]
        stopped = self.cancel.is_set() or settled.cancelled
        if best.problem == "markers" and not stopped:
            best = self._between_markers(chunk, source, index, settled)
            settled.fallback = "markers"
        if best.problem == "prompt-example":
            # One of the prompt's own example sentences is no translation of anything: the piece stays as it
            # was (still marked `prompt-example`), rather than a sentence from elsewhere in the output.
            best = Attempt(chunk.strip(), best.problem, best.truncated)
        missing = terms.missing(best.text) if terms.matches and not stopped else []
        if missing:
            # Every term becomes a marker, not only the missing ones: a new translation of the piece could
            # lose a term the earlier attempt had.
            best = self._terms_by_marker(chunk, source, index, settled, list(terms.matches))
        settled.terms = term_records(terms, attempts[0].text, best.text, missing)
        settled.text, settled.problem, settled.truncated = best.text, best.problem, best.truncated
        return settled

    def judge(self, chunk: str, output: str, source: Language | None, ran_on: bool = False) -> str | None:
        required = self._terms(chunk, source).required()
        candidate = Candidate(chunk, output, self.translator.target, source, self.examples, required, ran_on)
        return first_problem(candidate, self.translator.checks)

    def _terms(self, chunk: str, source: Language | None) -> TermCheck:
        return TermCheck(tuple(self.translator.term_matches(chunk, source)), self.translator.target)

    def _terms_by_marker(
        self, chunk: str, source: Language | None, index: int, settled: Settled, missing: list[Match]
    ) -> Attempt:
        """The glossary's last step: each source term becomes a marker the model keeps (or, if it does not,
        the words between the markers are translated apart), then each marker its target term."""
        marked, targets = with_term_markers(chunk, missing)
        result = self._run([self._request(marked, source, index)], settled)[0]
        text = clean(one_line(result.text), marked)
        if not markers_intact(marked, text) or self.judge(marked, text, source) in _NOT_A_TRANSLATION:
            text = self._between_markers(marked, source, index, settled).text
        joined = put_terms_back(text, targets)
        return Attempt(joined.strip(), self.judge(chunk, joined, source), self._cut(result))

    def _plans(self, chunk: str) -> list[str]:
        plans = ["split"] if len(split_sentences(chunk.strip())) > 1 else []
        return plans + ["strict", *["sampled"] * self.translator.generation.max_retries]

    def _retry(
        self,
        plan: str,
        chunk: str,
        source: Language | None,
        index: int,
        settled: Settled,
        terms: list[tuple[str, str]] | None = None,
    ) -> Attempt:
        if plan == "split":
            parts = split_sentences(chunk)
            requests = [self._request(part, source, index) for part in parts]
            return self._attempt(chunk, source, self._run(requests, settled), parts)
        request = self._request(chunk, source, index, strict=True, terms=terms)
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
            if self.judge(run.strip(), text, source) in _NOT_A_TRANSLATION:
                text = run.strip()  # the words as they were beat a prompt's example sentence in the document
            runs[i] = run[: len(run) - len(run.lstrip())] + text + run[len(run.rstrip()) :]
        joined = "".join(runs)
        truncated = any(self._cut(result) for result in results)
        return Attempt(joined.strip(), self.judge(chunk, joined, source), truncated)

    def _cut(self, result: GenerationResult) -> bool:
        """The answer stopped at the user's token limit (`--max-tokens`), which raising would let finish; a
        stop at the guard against runaway answers (a few times the source's length) is no such cut."""
        return (
            result.stop_reason == "length"
            and result.completion_tokens >= self.translator.generation.max_tokens
        )

    def _request(
        self,
        text: str,
        source: Language | None,
        index: int,
        strict: bool = False,
        terms: list[tuple[str, str]] | None = None,
    ) -> Request:
        request = chunk_request(
            self.translator, text, source, seed_offset=index, cancel=self.cancel, strict=strict, terms=terms
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
        truncated = any(self._cut(result) for result in results)
        # stopped for running on (past a few times the source's tokens, or past its room), not at its end
        ran_on = any(r.stop_reason in ("length", "too-long") and not self._cut(r) for r in results)
        return Attempt(joined.strip(), self.judge(chunk, joined, source, ran_on), truncated)


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
