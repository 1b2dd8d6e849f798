"""How the command line words the library's errors. The library says what is wrong in words any front-end
can use (the server answers them as they are); where a flag of this command line is the way out, it is
named here, never in the library."""

from __future__ import annotations

from ..errors import BaylingError


def worded(error: BaylingError) -> str:
    """`error`'s message as the command line says it."""
    from ..documents.formats import EXTENSIONS, UnknownFormatError
    from ..documents.model import AlreadyTranslatedError
    from ..translation.glossary_files import GlossaryLanguageError, GlossaryNeedsSourceError

    if isinstance(error, UnknownFormatError):
        if error.override is not None:
            return f"unknown --format {error.override!r}; choose one of {', '.join(EXTENSIONS)}"
        return f"{error} (or give --format)"
    if isinstance(error, AlreadyTranslatedError):
        return f"{error}, or give --overwrite to translate every {error.entries} anew"
    if isinstance(error, GlossaryLanguageError):
        return f"{error}, or pick --to"
    if isinstance(error, GlossaryNeedsSourceError):
        return f"{error} (--from)"
    return str(error)
