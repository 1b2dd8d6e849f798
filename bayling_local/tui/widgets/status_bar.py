"""One line above the key footer: model, speed of the last answer, and how much of the context is used."""

from __future__ import annotations

from textual.widgets import Static


class StatusBar(Static):
    """Model name, tokens per second, context use."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__("", markup=False, **kwargs)  # type: ignore[arg-type]
        self.model = "no model loaded"
        self.usage: dict[str, tuple[float | None, int | None]] = {}
        """Mode -> (tokens/s, context used) of its last answer: chat figures never show in translation."""
        self.n_ctx: int | None = None
        self.mode = "Chat"

    def on_mount(self) -> None:
        self.refresh_text()

    def set_model(self, name: str, n_ctx: int | None) -> None:
        # The built-in Gemma-3-270M is a base model for trying the tool: say so where the model is named.
        self.model = f"{name} · small demo model" if "built-in" in name else name
        self.n_ctx = n_ctx
        self.refresh_text()

    def set_usage(self, tokens_per_second: float | None, used: int | None, mode: str) -> None:
        self.usage[mode] = (tokens_per_second, used)
        self.refresh_text()

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.refresh_text()

    def refresh_text(self) -> None:
        speed, used = self.usage.get(self.mode, (None, None))
        parts = [self.mode, self.model]
        parts.append(f"{speed:.1f} tok/s" if speed else "-- tok/s")
        if self.n_ctx:
            used = used or 0
            parts.append(f"context {used}/{self.n_ctx} ({100 * used // self.n_ctx}%)")
        self.update(" │ ".join(parts))
