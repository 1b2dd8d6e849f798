"""Exceptions the library raises. The CLI prints their message as one line and exits with `exit_code`.

Every message says what is wrong and what to do about it.
"""

from __future__ import annotations


class BaylingError(Exception):
    """Base class: a user-facing failure with a one-line message."""

    exit_code = 1


class UsageError(BaylingError):
    """The user asked for something that cannot be done as asked (bad option value, bad name)."""

    exit_code = 2


class UnknownLanguageError(UsageError):
    """A language name or code that matches nothing; the message lists the closest matches."""


class InputError(BaylingError):
    """The input text or file cannot be read (missing, empty, not UTF-8)."""


class OutputError(BaylingError):
    """The output cannot be written."""


class ModelError(BaylingError):
    """A model file is missing, not a GGUF, corrupt, or of an unsupported architecture."""


class ModelNotFoundError(ModelError):
    """No model by that name in the store and no file at that path."""


class ModelUnavailableError(ModelError):
    """The model a session needs could not be loaded, so the session cannot go on (keeps the cause's code)."""

    def __init__(self, cause: BaylingError) -> None:
        super().__init__(str(cause))
        self.exit_code = cause.exit_code


class ContextOverflowError(BaylingError):
    """A prompt does not fit in the context window even after splitting."""


class ConvertError(BaylingError):
    """A checkpoint cannot be converted (missing files, unsupported architecture, LoRA mismatch)."""


class StoreError(BaylingError):
    """The model store cannot do what was asked (bad name, already exists, download failed)."""


class NetworkError(StoreError):
    """The network is needed and not reachable."""


class TrainingError(BaylingError):
    """A training or data-building run cannot start or continue."""


class RemoteServerError(BaylingError):
    """An OpenAI-compatible server (`translate --server`) cannot be reached, refuses the key, or fails."""


class DocumentError(InputError):
    """A document cannot be read as its format (broken HTML, a bad subtitle timestamp, a DOCX that is not a
    zip) or its format is not known; the message names the file, the place and what is wrong."""

    exit_code = 2
