"""Shown while a model loads: a spinner and what is being loaded."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, LoadingIndicator


class LoadStatus(Horizontal):
    """A LoadingIndicator and a status line; hidden when no model is loading."""

    def compose(self) -> ComposeResult:
        yield LoadingIndicator()
        yield Label("", id="load-text", markup=False)

    def on_mount(self) -> None:
        self.display = False

    def show(self, text: str) -> None:
        self.query_one("#load-text", Label).update(text)
        self.display = True

    def hide(self) -> None:
        self.display = False
