"""A searchable list of all languages (and "Auto-detect" for the source side)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from ...language.names import Language, search_languages

AUTO = "auto"


def ranked(query: str) -> list[Language]:
    """Matching languages, best first: exact code or name, then names that start with the query, then the rest."""
    wanted = query.strip().casefold()

    def rank(lang: Language) -> int:
        if wanted in {lang.code.casefold(), lang.iso3, (lang.iso1 or ""), lang.name.casefold()}:
            return 0
        if lang.name.casefold().startswith(wanted) or lang.native.casefold().startswith(wanted):
            return 1
        return 2

    return sorted(search_languages(query), key=rank) if wanted else search_languages(query)


class LanguagePickerScreen(ModalScreen[str | None]):
    """Returns a FLORES code, `auto`, or None (cancelled). Typing filters; Enter picks the highlighted one."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
    ]

    def __init__(self, title: str, allow_auto: bool) -> None:
        super().__init__()
        self.title_text = title
        self.allow_auto = allow_auto

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="picker-box"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            yield Input(placeholder="Search by name, native name or code", id="language-search")
            yield OptionList(id="language-options")

    def on_mount(self) -> None:
        self.fill("")

    def fill(self, query: str) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        if self.allow_auto and (not query or query.lower() in "auto-detect"):
            options.add_option(Option("Auto-detect", id=AUTO))
        options.add_options(
            Option(f"{lang.name} — {lang.native} ({lang.code})", id=lang.code) for lang in ranked(query)
        )
        options.highlighted = 0 if options.option_count else None

    @on(Input.Changed, "#language-search")
    def search_changed(self, event: Input.Changed) -> None:
        self.fill(event.value)

    @on(Input.Submitted, "#language-search")
    def pick_highlighted(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected)
    def pick(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if options.option_count:
            current = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    def action_cancel(self) -> None:
        self.dismiss(None)
