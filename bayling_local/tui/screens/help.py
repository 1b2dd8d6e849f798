"""The help screen: every key binding and what it does."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Label

# Keys handled inside widgets rather than by app bindings.
EXTRA_KEYS = (
    ("Enter", "Send the message / translate the source text"),
    ("Ctrl+J", "New line in the input (Shift+Enter too, where the terminal reports it)"),
    ("Tab / Shift+Tab", "Move between the input, the chat list and the conversation"),
    ("Ctrl+P", "Command palette"),
    ("Ctrl+Q", "Quit"),
)


class HelpScreen(ModalScreen[None]):
    """Key bindings in a table; Esc or q closes it."""

    BINDINGS = [Binding("escape,q,f1", "dismiss", "Close")]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box", classes="dialog"):
            yield Label("Keys  (Esc closes)", classes="dialog-title")
            table: DataTable[str] = DataTable(show_cursor=False, zebra_stripes=True)
            table.add_columns("Key", "Action")
            for key, action in [*self.keys, *EXTRA_KEYS]:
                table.add_row(key, action)
            yield table
