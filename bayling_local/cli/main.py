"""The `bayling-local` command line: a click group whose commands load lazily.

Each verb lives in its own module as a thin click command over a typed function. The registry below names
the module and gives the one-line help, so `bayling-local --help` imports none of them (and nothing heavy).
"""

from __future__ import annotations

import importlib
import sys

import click

from .. import __version__
from .reporting import ReportingGroup, stop_cleanly_on_sigterm

# name -> (module, attribute, short help). Keep the help in step with the command's docstring.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "translate": ("bayling_local.cli.translate", "translate_command", "Translate text, stdin or a file."),
    "serve": (
        "bayling_local.cli.serve",
        "serve_command",
        "Serve models over HTTP (OpenAI and LibreTranslate APIs).",
    ),
    "languages": ("bayling_local.cli.languages", "languages_command", "List the languages and their codes."),
    "chat": (
        "bayling_local.cli.chat",
        "chat_command",
        "Chat and translate in a terminal UI (or --plain REPL).",
    ),
    "doctor": (
        "bayling_local.cli.doctor",
        "doctor_command",
        "Show versions, hardware and which model is used.",
    ),
    "convert": (
        "bayling_local.cli.convert",
        "convert_command",
        "Convert a Hugging Face checkpoint (+ LoRA) to GGUF.",
    ),
    "data": ("bayling_local.cli.data", "data_command", "Build BayLing-2-style language-alignment data."),
    "train": (
        "bayling_local.cli.train",
        "train_command",
        "Fine-tune a model (LoRA or full) from a YAML recipe.",
    ),
    "pull": ("bayling_local.cli.pull", "pull_command", "Download a model from Hugging Face and install it."),
    "detect": ("bayling_local.cli.detect", "detect_command", "Say which language each line of a text is in."),
    "memory": (
        "bayling_local.cli.memory",
        "memory_group",
        "The translation memory: stats, clear, export, import (TMX).",
    ),
    "models": ("bayling_local.cli.models", "models_command", "List the installed models."),
    "show": ("bayling_local.cli.show", "show_command", "Show a model's GGUF metadata."),
    "rm": ("bayling_local.cli.rm", "rm_command", "Remove installed models."),
    "import": ("bayling_local.cli.import_", "import_command", "Register a local .gguf file as a model."),
    "eval": ("bayling_local.cli.eval", "eval_group", "Score translations on FLORES-200 (BLEU, chrF++)."),
    "bench": ("bayling_local.cli.bench", "bench_command", "Measure speed: tok/s, first token, segments/s."),
}


class LazyGroup(ReportingGroup):
    """A group that imports a command's module only when that command runs or shows its own help."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module_name, attribute, _ = entry
        return getattr(importlib.import_module(module_name), attribute)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in sorted(COMMANDS)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bayling-local")
def cli() -> None:
    """Offline multilingual translation and chat with BayLing 2, on llama.cpp.

    Run `bayling-local translate "Good morning" --to fra_Latn` to start, `bayling-local doctor` to see
    what is used.
    """


def main() -> None:
    """Console entry point."""
    stop_cleanly_on_sigterm()
    try:
        cli(prog_name="bayling-local")
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
