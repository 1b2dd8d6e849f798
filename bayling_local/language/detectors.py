"""The statistical detector behind `detect.py`: the shipped n-gram model (with lid.176's second opinion on a
few words, `short_text.py`), or GlotLID once `bayling-local pull glotlid` installed it.

`detector`: "auto" uses GlotLID when it is installed, "glotlid" insists on it, "ngram" never uses it. An
installed GlotLID that cannot be read (a damaged file, fasttext-predict missing) is an error only when asked
for by name; "auto" goes on with the n-gram model and says why in the reason.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .. import paths
from ..errors import UsageError
from . import short_text
from .names import BY_CODE

if TYPE_CHECKING:
    import numpy as np

    from .ngram_model import Guess

DETECTORS = ("auto", "glotlid", "ngram")
GLOTLID_FILE = "model.bin"
MANIFEST = "manifest.json"
_FLORES_CODES = frozenset(BY_CODE)


@dataclass(frozen=True)
class InstalledGlotlid:
    """The GlotLID install a detection uses (hashable: part of the detection cache's key)."""

    path: Path
    """The model file."""
    stamp: int
    """When its manifest was written (ns): a new pull is a new install, read again."""
    strict: bool
    """Asked for by name (`--detector glotlid`): a model that cannot be read is an error."""


def glotlid_folder() -> Path:
    """Where `bayling-local pull glotlid` installs GlotLID."""
    return paths.detectors_dir() / "glotlid"


def glotlid_model_file(detector: str = "auto") -> Path | None:
    """The GlotLID model file `detector` would use, None for the n-gram model."""
    installed = installed_glotlid(detector)
    return installed.path if installed else None


def installed_glotlid(detector: str = "auto") -> InstalledGlotlid | None:
    """The install `detector` asks for: the installed one for "auto" (None when there is none) and
    "glotlid" (an error when there is none), None for "ngram". One stat a call: it runs every detection."""
    if detector not in DETECTORS:
        raise UsageError(f"unknown detector {detector!r}: choose one of {', '.join(DETECTORS)}")
    if detector == "ngram":
        return None
    manifest, model = _glotlid_files(os.environ.get("BAYLING_HOME"))
    try:
        # The manifest is written last and removed first: a pull under way, or broken off, is not used.
        stamp = os.stat(manifest).st_mtime_ns
    except OSError:
        if detector == "glotlid":
            raise UsageError(
                "GlotLID is not installed: run `bayling-local pull glotlid` once (1.7 GB from Hugging "
                "Face), or use --detector ngram"
            ) from None
        return None
    return InstalledGlotlid(model, stamp, strict=detector == "glotlid")


@functools.lru_cache(maxsize=8)
def _glotlid_files(home: str | None) -> tuple[str, Path]:
    """The manifest (as a string, for os.stat) and model of the install under `home`."""
    del home  # the cache key: BAYLING_HOME decides where paths.detectors_dir() is
    folder = glotlid_folder()
    return str(folder / MANIFEST), folder / GLOTLID_FILE


def model_guesses(
    sample: str, top: int, glotlid: InstalledGlotlid | None, script: str, letters: int
) -> tuple[list[Guess], str]:
    """The statistical model's ranking (enough candidates to weigh a group of close varieties), among the
    languages written in the text's main `script` (`letters` of it), and how it was made, for the reason.
    Han text stays with the n-gram model and the character rule (`detect._han_form`): GlotLID and lid.176
    write Chinese without its form (Simplified, Traditional, Cantonese)."""
    if glotlid is None or script == "Hani":
        return _ngram_guesses(sample, top, script, letters)
    from . import glotlid as glot

    try:
        ranking = glot.load(glotlid.path, glotlid.stamp, _FLORES_CODES).rank(sample, top)
    except glot.GlotlidError as exc:
        if glotlid.strict:
            raise UsageError(f"{exc}; run `bayling-local pull glotlid --force` to fetch it again") from exc
        guesses, how = _ngram_guesses(sample, top, script, letters)
        return guesses, f"{how} (GlotLID is installed but unusable: `bayling-local pull glotlid --force`)"
    how = "GlotLID"
    guesses = [guess for guess in ranking.guesses if writes(guess.code, script)] or list(ranking.guesses)
    best = guesses[0].probability if guesses else 0.0
    if ranking.outside and ranking.outside[0].probability > best:
        # Its own label is more likely than any FLORES language: say so, lend it to none.
        how += f" (most likely {ranking.outside[0].code}, which FLORES-200 does not have)"
    return guesses, how


def _ngram_guesses(sample: str, top: int, script: str, letters: int) -> tuple[list[Guess], str]:
    from .ngram_model import load

    model = load()
    probabilities = model.probabilities(sample)
    how = "character n-grams"
    if short_text.asked(script, letters, probabilities):
        # A few words, or a sentence the n-grams are unsure of ("Quiero comprar un billete..." was
        # Asturian): fastText's lid.176, trained on everyday text too, is asked as well.
        probabilities = short_text.weighed(sample, probabilities, model.codes)
        how = "character n-grams and lid.176"
    if letters < short_text.WORDS_LETTERS:
        # A few words: everyday words of widely used languages say more than n-grams learnt from news.
        probabilities = short_text.with_common_words(sample, probabilities, model.codes, letters)
    if letters < short_text.PRIOR_LETTERS:
        # A word or two: languages many people write are the likelier ones (`short_text.WRITERS`).
        probabilities = short_text.with_prior(probabilities, model.codes, letters, script)
    # The n-grams of two Han characters can sound like Polish; the script has already said they are not.
    written = probabilities * script_mask(model.codes, script)
    total = written.sum()
    return model.best(written / total if total > 0 else probabilities, top), how


# Scripts of the text (ISO 15924, as `detect.script_of` names them) and the FLORES script tags of the
# languages that write them; any other script is its own tag.
_WRITTEN_AS = {"Hani": ("Hans", "Hant", "Jpan"), "Kana": ("Jpan",)}


def writes(code: str, script: str) -> bool:
    """Whether the FLORES language `code` (`zho_Hans`) is written in `script` (`Hani`)."""
    return code.rsplit("_", 1)[-1] in _WRITTEN_AS.get(script, (script,))


@functools.cache
def script_mask(codes: tuple[str, ...], script: str) -> np.ndarray:
    """1 for the languages of `codes` written in `script`, else 0."""
    import numpy as np

    return np.array([1.0 if writes(code, script) else 0.0 for code in codes])
