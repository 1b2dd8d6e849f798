"""Translation mode: source and target language buttons, a swap button, and source and translation side by side."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Label, TextArea

from ...languages import Language
from .prompt_input import PromptInput

AUTO_LABEL = "Auto-detect"


class TranslatePanel(Vertical):
    """Source text on the left, its translation on the right."""

    class PickLanguage(Message):
        """A language button was pressed: `side` is `source` or `target`."""

        def __init__(self, side: str) -> None:
            super().__init__()
            self.side = side

    class Swap(Message):
        """The swap button was pressed."""

    def __init__(self, source: Language | None, target: Language, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.source = source
        self.target = target
        self.translation = ""
        self.last_detected: str | None = None
        """FLORES code detected in the last auto-detected translation (swap uses it)."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="language-bar"):
            yield Button(self._source_label(), id="pick-source", compact=True)
            yield Button("⇄ Swap", id="swap", compact=True)
            yield Button(self._target_label(), id="pick-target", compact=True)
        with Horizontal(id="translate-panes"):
            source = PromptInput(placeholder="Type text to translate, Enter to translate", id="source-text")
            source.border_title = "Source"
            yield source
            output = TextArea("", read_only=True, soft_wrap=True, id="translation")
            output.border_title = "Translation"
            yield output
        yield Label("", id="translate-info", markup=False)

    def _source_label(self) -> str:
        return f"From: {self.source.name if self.source else AUTO_LABEL}"

    def _target_label(self) -> str:
        return f"To: {self.target.name}"

    def set_languages(self, source: Language | None, target: Language) -> None:
        self.source, self.target = source, target
        self.query_one("#pick-source", Button).label = self._source_label()
        self.query_one("#pick-target", Button).label = self._target_label()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "swap":
            self.post_message(self.Swap())
        elif event.button.id in ("pick-source", "pick-target"):
            self.post_message(self.PickLanguage(event.button.id.removeprefix("pick-")))

    @property
    def source_text(self) -> str:
        return self.query_one("#source-text", PromptInput).text

    def set_source_text(self, text: str) -> None:
        self.query_one("#source-text", PromptInput).load_text(text)

    def set_translation(self, text: str) -> None:
        self.translation = text
        self.query_one("#translation", TextArea).load_text(text)

    def append_translation(self, piece: str) -> None:
        self.set_translation(self.translation + piece)

    def set_info(self, text: str) -> None:
        self.query_one("#translate-info", Label).update(text)
