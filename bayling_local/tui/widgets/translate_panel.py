"""Translation mode: source and target language buttons, a swap button, and source and translation side by side.

The panel owns the languages, what was detected last, and the translation in progress: the whole source
text goes to the translation core at once (one segment per line, batched by the scheduler) with one cancel
event, so Esc stops even a long paragraph mid-sentence and the partial translation stays. It tells the app
`LanguagesChanged` (remembered for next time), `PickLanguage` (the app opens the picker) and
`events.UsageChanged` (status bar).
"""

from __future__ import annotations

import threading

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import var
from textual.widgets import Button, Label, TextArea

from ...language.names import BY_CODE, Language
from ...translation.translator import SegmentResult
from .. import events, workers
from ..models import Models
from .prompt_input import PromptInput

AUTO_LABEL = "Auto-detect"
NO_MODEL = "no model is loaded; pick another model with F2"


class TranslatePanel(Vertical):
    """Source text on the left, its translation on the right."""

    source: var[Language | None] = var(None, init=False)
    """None: detect each line's language."""
    target: var[Language] = var(BY_CODE["fra_Latn"], init=False)
    busy: var[bool] = var(False)
    """True while a translation is being generated."""

    class PickLanguage(Message):
        """A language button was pressed: `side` is `source` or `target`."""

        def __init__(self, side: str) -> None:
            super().__init__()
            self.side = side

    class LanguagesChanged(Message):
        """The user picked or swapped languages."""

        def __init__(self, source: Language | None, target: Language) -> None:
            super().__init__()
            self.source, self.target = source, target

    def __init__(self, models: Models, source: Language | None, target: Language, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.models = models
        self.set_reactive(TranslatePanel.source, source)
        self.set_reactive(TranslatePanel.target, target)
        self.translation = ""
        self.last_detected: str | None = None
        """FLORES code detected in the last auto-detected translation (swap uses it)."""
        self.last_results: list[SegmentResult] = []
        """Each line's result in the last finished translation (its source language, checks, terms)."""
        self.cancel = threading.Event()
        """Set to stop the translation in progress (a fresh one per translation)."""

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

    # Languages

    def _source_label(self) -> str:
        return f"From: {self.source.name if self.source else AUTO_LABEL}"

    def _target_label(self) -> str:
        return f"To: {self.target.name}"

    def watch_source(self) -> None:
        self.query_one("#pick-source", Button).label = self._source_label()

    def watch_target(self) -> None:
        self.query_one("#pick-target", Button).label = self._target_label()

    def set_languages(self, source: Language | None, target: Language) -> None:
        self.source, self.target = source, target
        self.post_message(self.LanguagesChanged(source, target))

    def pick_target(self, target: Language) -> None:
        """A new target from the picker: the translation on screen is in the old one, so it goes."""
        if target != self.target and not self.busy and self.translation:
            self.set_translation("")
            self.set_info(f"Press Enter to translate into {target.name}.")
        self.set_languages(self.source, target)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "swap":
            self.swap()
        elif event.button.id in ("pick-source", "pick-target"):
            self.post_message(self.PickLanguage(event.button.id.removeprefix("pick-")))

    def swap(self) -> None:
        """Swap languages and texts; with auto-detect, the last detected language becomes the target."""
        if self.busy:
            self.notify("Still generating; press Esc to stop it first.", severity="warning")
            return
        source = self.source or (BY_CODE.get(self.last_detected) if self.last_detected else None)
        if source is None:
            self.notify(
                "Pick the source language first (F4): auto-detect cannot become a target.", severity="warning"
            )
            return
        self.set_languages(self.target, source)
        if self.translation:
            old_source = self.source_text
            self.set_source_text(self.translation)
            self.set_translation(old_source)

    # The two texts

    @property
    def source_text(self) -> str:
        return self.query_one("#source-text", PromptInput).text

    def set_source_text(self, text: str) -> None:
        self.query_one("#source-text", PromptInput).load_text(text)

    def focus_source(self) -> None:
        self.query_one("#source-text", PromptInput).focus()

    def set_translation(self, text: str) -> None:
        self.translation = text
        self.query_one("#translation", TextArea).load_text(text)

    def append_translation(self, piece: str) -> None:
        self.set_translation(self.translation + piece)

    def set_info(self, text: str) -> None:
        self.query_one("#translate-info", Label).update(text)

    # Translating

    def on_prompt_input_submitted(self, message: PromptInput.Submitted) -> None:
        message.stop()
        self.translate(message.text)

    def translate(self, text: str) -> None:
        """Start translating `text` in a worker thread, streaming into the translation pane."""
        if not text.strip():
            return
        if self.busy:
            self.notify("Still generating; press Esc to stop it.", severity="warning")
            return
        self.busy = True
        self.cancel = threading.Event()
        self.set_translation("")
        self.set_info("Translating…")
        self.run_translation(text, self.source, self.target, self.cancel)

    @work(thread=True, group="translation", exit_on_error=False)
    def run_translation(
        self, text: str, source: Language | None, target: Language, cancel: threading.Event
    ) -> None:
        engine = self.models.load(self.post_message)
        if engine is None:
            self.post_message(events.TaskFailed("translation", NO_MODEL))
            return
        glossary = None
        if self.models.glossary_file():
            from pathlib import Path

            from ...errors import BaylingError
            from ...translation.glossary_files import load_glossary

            try:
                glossary = load_glossary([Path(self.models.glossary_file())], source, target, [], [])
            except BaylingError as exc:
                self.post_message(events.TaskFailed("translation", f"{exc} (change the glossary with F2)"))
                return
        workers.translate(
            engine, text, source, target, self.models.generation(), cancel, self.post_message, glossary
        )

    def stop(self) -> None:
        """Stop the translation within one decode step; what was translated so far stays."""
        if self.busy:
            self.cancel.set()
            self.notify("Stopping…", timeout=2)

    def on_translation_chunk(self, message: events.TranslationChunk) -> None:
        self.append_translation(message.text)

    def on_translation_done(self, message: events.TranslationDone) -> None:
        self.busy = False
        results = self.last_results = message.results
        self.set_translation("\n".join(r.translation for r in results))
        self.last_detected = next(
            (r.source_language for r in results if r.detected and r.source_language), None
        )
        speed = message.tokens / message.seconds if message.seconds else None
        self.post_message(events.UsageChanged(speed, message.prompt_tokens + message.tokens, "Translate"))
        info = self.detection_info(message)
        failing = [f"line {n} {r.check}" for n, r in enumerate(results, 1) if r.check and not r.cancelled]
        if failing:
            # The best attempt is shown; say which lines are still doubtful and why (see translation.checks).
            more = f" (+{len(failing) - 3} more)" if len(failing) > 3 else ""
            info = f"Check failed: {', '.join(failing[:3])}{more} · {info}"
        from ...translation.terms import glossary_summary

        terms = glossary_summary([(f"line {n}", r.terms) for n, r in enumerate(results, 1)])
        if terms:
            info = f"{terms[0][0].upper()}{terms[0][1:]} · {info}"
        if message.stopped:
            info = f"Stopped: the translation is partial · {info}"
            self.notify("Stopped.", timeout=3)
        self.set_info(info)

    def detection_info(self, message: events.TranslationDone) -> str:
        if self.source is not None:
            return f"{self.source.name} → {self.target.name}"
        codes = [r.source_language for r in message.results if r.source.strip()]
        known = [BY_CODE[c].name for c in dict.fromkeys(codes) if c and c in BY_CODE]
        if not known:
            return f"Source language not recognised (pick it with F4) → {self.target.name}"
        return f"Detected {', '.join(known)} → {self.target.name} (F4 to set the source)"

    def on_task_failed(self, message: events.TaskFailed) -> None:
        message.stop()
        self.busy = False
        self.set_info("")
        self.notify(message.error, title="Translation failed", severity="error", timeout=15)
