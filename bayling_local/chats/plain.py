"""The plain line REPL of `bayling-local chat --plain` (also used when stdin or stdout is not a terminal).

Each line is a message; the answer streams to stdout. Commands start with `/`:
`/to LANG` translates the following lines into LANG (`/to off` goes back to chatting), `/system TEXT` sets the
system prompt, `/clear` forgets the conversation, `/save FILE` writes it as Markdown or JSON, `/exit` quits.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ..config import GenerationConfig, RuntimeConfig
from ..engine.protocol import EngineLike
from ..errors import BaylingError, ModelUnavailableError
from ..language.names import Language, language_label, resolve_language
from ..prompts.formats import Message
from .export import export_chat
from .session import ChatSession, EngineHolder, EngineLoader, drop_notice
from .settings import ChatSettings
from .store import Chat, StoredMessage

HELP = (
    "Commands: /to LANG (translate into LANG; /to off to chat again), /system TEXT (set the system prompt), "
    "/clear (forget the conversation), /save FILE (.md or .json), /exit (quit)."
)

Emit = Callable[[str], None]


@dataclass
class PlainRepl:
    """State of one plain-mode run: the conversation, the translation target, and where text goes."""

    session: ChatSession
    engines: EngineHolder
    runtime: RuntimeConfig
    generation: GenerationConfig
    out: Emit
    """Answers (stdout)."""
    err: Emit
    """Notices and errors (stderr)."""
    target: Language | None = None
    finished: bool = False

    def handle(self, line: str) -> None:
        """Handle one input line: a command or a message."""
        text = line.rstrip("\n")
        if not text.strip():
            return
        try:
            if text.startswith("/"):
                self.command(text)
            elif self.target is not None:
                self.translate(text)
            else:
                self.chat(text)
        except ModelUnavailableError:
            raise  # nothing can be answered without the model: the session ends with its error
        except BaylingError as exc:
            self.err(f"Error: {exc}\n")

    def command(self, text: str) -> None:
        name, _, argument = text.partition(" ")
        argument = argument.strip()
        if name == "/exit" or name == "/quit":
            self.finished = True
        elif name == "/to":
            self.set_target(argument)
        elif name == "/system":
            self.session.settings.system_prompt = argument
            self.err("System prompt cleared.\n" if not argument else "System prompt set.\n")
        elif name == "/clear":
            self.session.clear()
            self.err("Conversation cleared.\n")
        elif name == "/save":
            self.save(argument)
        elif name == "/help":
            self.err(HELP + "\n")
        else:
            self.err(f"Unknown command {name}. {HELP}\n")

    def set_target(self, argument: str) -> None:
        if not argument or argument.lower() in {"off", "chat", "none"}:
            self.target = None
            self.err("Back to chat.\n")
            return
        self.target = resolve_language(argument)
        self.err(f"Translating into {self.target.name} ({self.target.code}); /to off to chat again.\n")

    def engine(self) -> EngineLike:
        try:
            engine = self.engines.get(self.session.settings.runtime(self.runtime))
        except BaylingError as exc:
            raise ModelUnavailableError(exc) from exc
        notice = self.engines.take_notice()
        if notice:
            self.err(notice + "\n")
        return engine

    def chat(self, text: str) -> None:
        engine = self.engine()
        self.session.history.append(Message("user", text))
        before = self.session.dropped
        stream = _Stripped(self.out)
        generation = self.session.settings.generation(self.generation)
        try:
            _, fitted = self.session.answer(engine, generation, on_text=stream)
        except BaylingError:
            self.session.history.pop()  # the turn was not answered: don't keep it
            raise
        self.out("\n")
        if fitted.dropped > before:
            self.err(drop_notice(fitted.dropped, engine.n_ctx) + "\n")

    def translate(self, text: str) -> None:
        from ..translation.batch import translate_text
        from ..translation.translator import make_translator

        assert self.target is not None
        engine = self.engine()
        generation = self.session.settings.generation(self.generation)
        translator = make_translator(engine, self.target, None, generation, lines=[text])
        translate_text(translator, text, _Stripped(self.out))
        self.out("\n")

    def save(self, argument: str) -> None:
        if not argument:
            self.err("Give a file name: /save chat.md or /save chat.json\n")
            return
        now = time.time()
        chat = Chat(0, "Chat", now, now, self.session.settings.as_dict())
        messages = [StoredMessage(i, m.role, m.content, now) for i, m in enumerate(self.session.history)]
        path = export_chat(chat, messages, Path(argument))
        self.err(f"Saved {len(messages)} message(s) to {path}.\n")


class _Stripped:
    """Streams text without the leading blanks completion models put before an answer."""

    def __init__(self, emit: Emit) -> None:
        self.emit = emit
        self.started = False

    def __call__(self, piece: str) -> None:
        if not self.started:
            piece = piece.lstrip()
            self.started = bool(piece)
        if piece:
            self.emit(piece)


def run_plain(repl: PlainRepl, lines: Iterable[str], prompt: Emit | None = None) -> None:
    """Read lines until /exit or end of input; `prompt` (interactive use) shows `> ` before each line."""
    if prompt is not None:
        target = f" Translation into {language_label(repl.target)}." if repl.target else ""
        prompt(f"bayling-local chat (plain mode).{target} {HELP}\n")
    iterator = iter(lines)
    while not repl.finished:
        if prompt is not None:
            prompt("> ")
        line = next(iterator, None)
        if line is None:
            break
        repl.handle(line)


def run_plain_session(
    runtime: RuntimeConfig,
    generation: GenerationConfig,
    target: str | None,
    system: str | None,
    *,
    lines: Iterable[str],
    out: Emit,
    err: Emit,
    interactive: bool,
    loader: EngineLoader,
) -> None:
    """The whole plain-mode run of `bayling-local chat --plain`: one conversation, the model loaded on first use."""
    settings = ChatSettings.from_configs(runtime, generation)
    settings.system_prompt = system or ""
    repl = PlainRepl(
        session=ChatSession(settings),
        engines=EngineHolder(loader),
        runtime=runtime,
        generation=generation,
        out=out,
        err=err,
        target=resolve_language(target) if target else None,
    )
    try:
        run_plain(repl, lines, prompt=err if interactive else None)
    finally:
        repl.engines.close()
