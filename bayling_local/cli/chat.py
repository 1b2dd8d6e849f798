"""`bayling-local chat`: the Textual chat/translation UI, or a plain line REPL (`--plain`, or no terminal)."""

from __future__ import annotations

import sys
from typing import BinaryIO

import click

from ..config import GenerationConfig, RunFlags, RuntimeConfig, resolve_run_settings
from .options import hardware_options, max_tokens_option, temperature_option


def use_plain(plain: bool) -> bool:
    """The plain REPL when asked for, or when stdin or stdout is not a terminal (pipes, files, CI)."""
    return plain or not (sys.stdin.isatty() and sys.stdout.isatty())


def run_plain_mode(
    runtime: RuntimeConfig, generation: GenerationConfig, target: str | None, system: str | None
) -> None:
    from .. import chats
    from ..chats.plain import run_plain_session

    # Bad bytes in piped input must not end the session: they become U+FFFD.
    binary: BinaryIO = sys.stdin.buffer
    run_plain_session(
        runtime,
        generation,
        target,
        system,
        lines=(raw.decode("utf-8", errors="replace") for raw in binary),
        out=lambda text: click.echo(text, nl=False),
        err=lambda text: click.echo(text, nl=False, err=True),
        interactive=sys.stdin.isatty(),
        loader=chats.default_loader,
    )


def run_tui(
    runtime: RuntimeConfig, generation: GenerationConfig, target: str | None, translate: bool
) -> None:
    from ..language.names import resolve_language
    from ..tui.app import AppOptions, create_app

    if target:
        resolve_language(target)  # a bad --to fails here, with suggestions, before the screen opens
    app = create_app(AppOptions(runtime=runtime, generation=generation, translate=translate, target=target))
    app.run()


@click.command("chat")
@click.option("--plain", is_flag=True, help="Line-by-line REPL instead of the full-screen UI.")
@click.option(
    "-m", "--model", help="Model for new chats: name from `bayling-local models`, `builtin`, or a .gguf path."
)
@click.option(
    "--template", help="Prompt format: bayling, bayling3, gguf or fewshot (default: from the model)."
)
@click.option("--to", "target", help="Translation target language (starts plain mode in translation).")
@click.option("--translate", is_flag=True, help="Open the UI in translation mode.")
@click.option("--system", help="System prompt (plain mode; in the UI use the chat settings, F2).")
@temperature_option("Sampling temperature for new chats (default 0: greedy).")
@max_tokens_option("Most tokens per answer for new chats (default 512).")
@hardware_options(ctx_help="Context size in tokens for new chats (default 4096).")
@click.option("--verbose", is_flag=True, help="Show llama.cpp's own log.")
def chat_command(
    plain: bool,
    model: str | None,
    template: str | None,
    target: str | None,
    translate: bool,
    system: str | None,
    temperature: float | None,
    max_tokens: int | None,
    ctx: int | None,
    threads: int | None,
    n_gpu_layers: int | None,
    verbose: bool,
) -> None:
    """Chat with the model or translate, in a terminal UI; chats are saved and can be resumed.

    Keys: Enter sends, Ctrl+J new line, Esc stops, Ctrl+T translation mode, F1 help, Ctrl+Q quit.
    Plain mode commands: /to LANG, /system TEXT, /clear, /save FILE, /exit.
    """
    flags = RunFlags(
        model=model,
        template=template,
        threads=threads,
        n_gpu_layers=n_gpu_layers,
        ctx=ctx,
        verbose=verbose,
        temperature=temperature,
        max_tokens=max_tokens,
    )
    runtime, generation = resolve_run_settings(flags)
    if use_plain(plain):
        run_plain_mode(runtime, generation, target, system)
    else:
        run_tui(runtime, generation, target, translate)
