"""How library errors reach the user: one line on stderr and the error's exit code, never a traceback.

Shared by the main `bayling-local` group and the commands that also run on their own
(`python -m training.data`, `python -m training.sft`).
"""

from __future__ import annotations

from typing import Any

import click

from ..errors import BaylingError


def invoke_reporting_errors(invoke: Any, ctx: click.Context) -> object:
    """Run a click `invoke`, turning BaylingError into one stderr line and its exit code."""
    try:
        return invoke(ctx)
    except BaylingError as exc:
        from .wording import worded

        click.echo(f"Error: {worded(exc)}", err=True)
        ctx.exit(exc.exit_code)
    except BrokenPipeError:
        ctx.exit(0)
    except KeyboardInterrupt as exc:
        # Ctrl-C or SIGTERM: whatever the command finished is already out (stdout, OUT.partial).
        click.echo("Interrupted.", err=True)
        ctx.exit(TERMINATED_EXIT if isinstance(exc, Terminated) else INTERRUPTED_EXIT)
    return None


INTERRUPTED_EXIT = 130  # 128 + SIGINT, as shells report it
TERMINATED_EXIT = 143  # 128 + SIGTERM


class Terminated(KeyboardInterrupt):
    """SIGTERM, turned into the same clean stop as Ctrl-C so finally blocks keep finished work."""


def stop_cleanly_on_sigterm() -> None:
    import signal

    def terminated(signum: int, frame: object) -> None:
        raise Terminated()

    signal.signal(signal.SIGTERM, terminated)


class ReportingGroup(click.Group):
    """A click group whose library errors become one line on stderr."""

    def invoke(self, ctx: click.Context) -> object:
        return invoke_reporting_errors(super().invoke, ctx)


class ReportingCommand(click.Command):
    """A click command whose library errors become one line on stderr."""

    def invoke(self, ctx: click.Context) -> object:
        return invoke_reporting_errors(super().invoke, ctx)
