"""The `bayling-local` command line: one module per verb, each a thin click wrapper over a core function.

Nothing outside this package imports it (import-linter checks that); `python -m training.sft` and
`python -m training.data` are the only shims that call into it.
"""

from .main import COMMANDS, cli, main

__all__ = ["COMMANDS", "cli", "main"]
