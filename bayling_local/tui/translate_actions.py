"""Translation mode: pickers, swap, and translating the source pane with the `translate` command's Translator.

A mixin of BaylingApp (methods annotate `self`).
"""

from __future__ import annotations

import threading

from textual import work

from ..config import GenerationConfig
from ..languages import BY_CODE, Language
from . import events, workers
from .base import AppState
from .widgets.status_bar import StatusBar
from .widgets.translate_panel import TranslatePanel


class TranslateActions(AppState):
    """Translation-mode behaviour of the app."""

    def translate_text(self, text: str) -> None:
        if not text.strip():
            return
        cancel = self.start_task()
        if cancel is None:
            return
        panel = self.query_one(TranslatePanel)
        panel.set_translation("")
        panel.set_info("Translating…")
        generation = self.session.settings.generation(self.options.generation)
        self.run_translation(text, self.source_language, self.target_language, generation, cancel)

    @work(thread=True, group="task", exit_on_error=False)
    def run_translation(
        self,
        text: str,
        source: Language | None,
        target: Language,
        generation: GenerationConfig,
        cancel: threading.Event,
    ) -> None:
        engine = workers.load_model(self.engines, self.runtime(), self.post_message, self.load_notices)
        if engine is None:
            self.post_message(
                events.TaskFailed("translation", "no model is loaded; pick another model with F2")
            )
            return
        workers.translate(engine, text, source, target, generation, cancel, self.post_message)

    def on_translation_chunk(self, message: events.TranslationChunk) -> None:
        self.query_one(TranslatePanel).append_translation(message.text)

    def on_translation_done(self, message: events.TranslationDone) -> None:
        self.busy = False
        panel = self.query_one(TranslatePanel)
        panel.set_translation("\n".join(r.translation for r in message.results))
        panel.last_detected = next(
            (r.source_language for r in message.results if r.detected and r.source_language), None
        )
        stats = message.stats
        speed = stats["tokens"] / stats["seconds"] if stats["seconds"] else None
        self.query_one(StatusBar).set_usage(speed, stats["prompt_tokens"] + stats["tokens"])
        panel.set_info(self.detection_info(message))

    def detection_info(self, message: events.TranslationDone) -> str:
        if self.source_language is not None:
            return f"{self.source_language.name} → {self.target_language.name}"
        codes = [r.source_language for r in message.results if r.source.strip()]
        known = [BY_CODE[c].name for c in dict.fromkeys(codes) if c and c in BY_CODE]
        if not known:
            return f"Source language not recognised (pick it with F4) → {self.target_language.name}"
        return f"Detected {', '.join(known)} → {self.target_language.name} (F4 to set the source)"

    def action_pick_language(self, side: str) -> None:
        from .screens.language_picker import AUTO, LanguagePickerScreen

        if not self.in_translate_mode():
            self.action_toggle_mode()

        def chosen(code: str | None) -> None:
            if code is None:
                return
            if side == "source":
                self.source_language = None if code == AUTO else BY_CODE[code]
                self.store.set_pref("translate.source", code)
            else:
                self.target_language = BY_CODE[code]
                self.store.set_pref("translate.target", code)
            self.query_one(TranslatePanel).set_languages(self.source_language, self.target_language)

        title = "Translate from (type to search)" if side == "source" else "Translate into (type to search)"
        self.push_screen(LanguagePickerScreen(title, allow_auto=side == "source"), chosen)

    def on_translate_panel_pick_language(self, message: TranslatePanel.PickLanguage) -> None:
        self.action_pick_language(message.side)

    def on_translate_panel_swap(self, message: TranslatePanel.Swap) -> None:
        self.action_swap_languages()

    def action_swap_languages(self) -> None:
        """Swap languages and texts; with auto-detect, the last detected language becomes the target."""
        if self.refuse_while_busy():
            return
        panel = self.query_one(TranslatePanel)
        source = self.source_language or self.last_detected()
        if source is None:
            self.notify(
                "Pick the source language first (F4): auto-detect cannot become a target.", severity="warning"
            )
            return
        self.source_language, self.target_language = self.target_language, source
        self.store.set_pref("translate.source", self.source_language.code)
        self.store.set_pref("translate.target", self.target_language.code)
        panel.set_languages(self.source_language, self.target_language)
        if panel.translation:
            old_source = panel.source_text
            panel.set_source_text(panel.translation)
            panel.set_translation(old_source)

    def last_detected(self) -> Language | None:
        info = self.query_one(TranslatePanel).last_detected
        return BY_CODE.get(info) if info else None
