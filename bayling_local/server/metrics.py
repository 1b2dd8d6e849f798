"""`GET /metrics` in Prometheus' text format: requests, tokens, requests in progress, latency."""

from __future__ import annotations

from typing import Any

from ..engine.requests import GenerationResult

_ROUTES = frozenset(
    {
        "/v1/models",
        "/v1/chat/completions",
        "/v1/completions",
        "/translate",
        "/translate_file",
        "/api/translate",
        "/api/files",
        "/api/languages",
        "/",
        "/detect",
        "/languages",
        "/frontend/settings",
        "/tokenize",
        "/health",
        "/metrics",
    }
)


class Metrics:
    """The server's counters, in a registry of their own (several servers in one process stay apart)."""

    def __init__(self, in_flight: Any, loaded: Any) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        self.registry = CollectorRegistry()
        self.requests = Counter(
            "bayling_requests", "HTTP requests answered", ["route", "status"], registry=self.registry
        )
        self.prompt_tokens = Counter("bayling_prompt_tokens", "Prompt tokens read", registry=self.registry)
        self.completion_tokens = Counter(
            "bayling_completion_tokens", "Tokens generated", registry=self.registry
        )
        self.latency = Histogram(
            "bayling_generation_seconds",
            "Seconds from submission to the last token",
            buckets=(0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
            registry=self.registry,
        )
        queue = Gauge(
            "bayling_requests_in_progress", "Requests admitted and not yet answered", registry=self.registry
        )
        queue.set_function(in_flight)
        models = Gauge("bayling_models_loaded", "Models loaded", registry=self.registry)
        models.set_function(loaded)

    def answered(self, path: str, status: int) -> None:
        # Known routes by name; anything else under one label, so a scanner cannot grow the label set.
        route = path if path in _ROUTES else "other"
        self.requests.labels(route=route, status=str(status)).inc()

    def record(self, result: GenerationResult) -> None:
        self.prompt_tokens.inc(result.prompt_tokens)
        self.completion_tokens.inc(result.completion_tokens)
        self.latency.observe(result.seconds)

    def record_translation(self, results: list[Any]) -> None:
        """Translations count their tokens too (each segment's, retries included)."""
        self.prompt_tokens.inc(sum(result.prompt_tokens for result in results))
        self.completion_tokens.inc(sum(result.completion_tokens for result in results))

    def render(self) -> bytes:
        from prometheus_client import generate_latest

        return generate_latest(self.registry)
