"""Per-chat settings: system prompt, model, temperature, max tokens, context size, translation glossary."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, TextArea

from ...chats.settings import ChatSettings
from ...config import CTX_RANGE, MAX_TOKENS_RANGE, TEMPERATURE_RANGE

AUTO_MODEL = "__auto__"


def model_choices(current: str | None) -> list[tuple[str, str]]:
    """(label, value) for the model picker: automatic, the built-in model, then installed models."""
    from ...store import list_models

    choices = [
        ("Automatic (installed BayLing, else built-in)", AUTO_MODEL),
        ("gemma3-270m (built-in)", "builtin"),
    ]
    choices += [(model.name, model.name) for model in list_models()]
    if current and current not in {value for _, value in choices}:
        choices.append((current, current))  # a path given with --model
    return choices


class SettingsScreen(ModalScreen[ChatSettings | None]):
    """Edit a copy of the chat's settings; Save returns it, Esc returns None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel"), Binding("ctrl+s", "save", "Save")]

    def __init__(self, settings: ChatSettings, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.settings = settings
        self.choices = choices

    def compose(self) -> ComposeResult:
        s = self.settings
        with Vertical(classes="dialog", id="settings-box"):
            yield Label("Chat settings  (Ctrl+S saves, Esc cancels)", classes="dialog-title")
            with Grid(id="settings-grid"):
                yield Label("Model")
                yield Select(self.choices, value=s.model or AUTO_MODEL, allow_blank=False, id="model")
                yield Label("Temperature")
                yield Input(str(s.temperature), id="temperature", type="number")
                yield Label("Max tokens")
                yield Input(str(s.max_tokens), id="max-tokens", type="integer")
                yield Label("Context size")
                yield Input(str(s.ctx), id="ctx", type="integer")
                yield Label("Glossary file")
                yield Input(s.glossary, placeholder="terms.tsv (translation mode)", id="glossary")
            yield Label("System prompt (empty: the model's default)")
            yield TextArea(s.system_prompt, id="system-prompt", soft_wrap=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.action_cancel()

    def action_save(self) -> None:
        try:
            settings = self.read()
        except ValueError as exc:
            self.notify(str(exc), title="Settings not saved", severity="error")
            return
        self.dismiss(settings)

    def read(self) -> ChatSettings:
        """The settings as entered; ValueError says which field is wrong."""
        model = self.query_one("#model", Select).value
        temperature = _number(
            self.query_one("#temperature", Input).value, "Temperature", float, *TEMPERATURE_RANGE
        )
        max_tokens = _number(self.query_one("#max-tokens", Input).value, "Max tokens", int, *MAX_TOKENS_RANGE)
        ctx = _number(self.query_one("#ctx", Input).value, "Context size", int, *CTX_RANGE)
        glossary = self.query_one("#glossary", Input).value.strip()
        if glossary and not Path(glossary).expanduser().is_file():
            raise ValueError(f"Glossary file {glossary} does not exist")
        return ChatSettings(
            system_prompt=self.query_one("#system-prompt", TextArea).text.strip(),
            model=None if model == AUTO_MODEL else str(model),
            temperature=float(temperature),
            max_tokens=int(max_tokens),
            ctx=int(ctx),
            glossary=str(Path(glossary).expanduser()) if glossary else "",
        )

    def action_cancel(self) -> None:
        self.dismiss(None)


def _number(text: str, name: str, kind: type[int] | type[float], low: float, high: float) -> float:
    try:
        value = kind(text.strip())
    except ValueError:
        raise ValueError(f"{name} must be a number between {_shown(low)} and {_shown(high)}") from None
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {_shown(low)} and {_shown(high)}, not {_shown(value)}")
    return value


def _shown(value: float) -> str:
    """1048576 as 1,048,576 and 0.7 as 0.7 (`:g` would write 1.04858e+06)."""
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"
