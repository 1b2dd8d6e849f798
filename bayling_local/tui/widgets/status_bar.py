"""One line above the key footer: model, speed of the last answer, and how much of the context is used."""

from __future__ import annotations

from textual.widgets import Static


class StatusBar(Static):
    """Model name, tokens per second, context use."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__("", markup=False, **kwargs)  # type: ignore[arg-type]
        self.model = "no model loaded"
        self.speed: float | None = None
        self.used: int | None = None
        self.n_ctx: int | None = None
        self.mode = "Chat"

    def on_mount(self) -> None:
        self.refresh_text()

    def set_model(self, name: str, n_ctx: int | None) -> None:
        self.model, self.n_ctx = name, n_ctx
        self.refresh_text()

    def set_usage(self, tokens_per_second: float | None, used: int | None) -> None:
        self.speed, self.used = tokens_per_second, used
        self.refresh_text()

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.refresh_text()

    def refresh_text(self) -> None:
        parts = [self.mode, self.model]
        parts.append(f"{self.speed:.1f} tok/s" if self.speed else "-- tok/s")
        if self.n_ctx:
            used = self.used or 0
            parts.append(f"context {used}/{self.n_ctx} ({100 * used // self.n_ctx}%)")
        self.update(" │ ".join(parts))
