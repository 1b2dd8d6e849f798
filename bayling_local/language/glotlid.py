"""GlotLID (cis-lmu/glotlid, a fastText classifier of 2,000+ languages written as `eng_Latn`), read with
fasttext-predict, its labels turned into FLORES-200 codes.

Optional: `bayling-local pull glotlid` puts the model (1.7 GB) where `detect.py` finds it. Its labels are
ISO 639-3 plus script like FLORES's, so most map as they are; Chinese is `cmn_Hani`/`yue_Hani` there (no
Simplified/Traditional split) and a few macrolanguages stand for the FLORES variety. A label with no FLORES
counterpart (Scots, Low German, ...) is kept as "outside": its probability is not lent to a FLORES language.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .ngram_model import Guess

LABEL = "__label__"
_LABEL_SHAPE = re.compile(r"^[a-z]{3}_[A-Z][a-z]{3}$")
# GlotLID macrolanguage (or other) codes standing for the one variety FLORES-200 has, by script.
_ALIASES = {
    "swa_Latn": "swh_Latn", "msa_Latn": "zsm_Latn", "fas_Arab": "pes_Arab", "ara_Arab": "arb_Arab",
    "uzb_Latn": "uzn_Latn", "aze_Latn": "azj_Latn", "aze_Arab": "azb_Arab", "ekk_Latn": "est_Latn",
    "lav_Latn": "lvs_Latn", "mon_Cyrl": "khk_Cyrl", "nep_Deva": "npi_Deva", "sqi_Latn": "als_Latn",
    "orm_Latn": "gaz_Latn", "mlg_Latn": "plt_Latn", "pus_Arab": "pbt_Arab", "yid_Hebr": "ydd_Hebr",
    "kau_Latn": "knc_Latn", "kau_Arab": "knc_Arab", "que_Latn": "quy_Latn", "ori_Orya": "ory_Orya",
    "nor_Latn": "nob_Latn", "fil_Latn": "tgl_Latn", "yue_Hani": "yue_Hant", "kur_Latn": "kmr_Latn",
    "kur_Arab": "ckb_Arab", "zho_Hani": "zho_Hans", "cmn_Hani": "zho_Hans",
    "cmn_Hans": "zho_Hans", "cmn_Hant": "zho_Hant", "zho_Hans": "zho_Hans", "zho_Hant": "zho_Hant",
}  # fmt: skip


class GlotlidError(ValueError):
    """The file is not a fastText language identifier with ISO 639-3 + script labels."""


@dataclass(frozen=True)
class GlotlidRanking:
    """One text's FLORES languages by GlotLID's probability, and what it gave to languages FLORES lacks."""

    guesses: tuple[Guess, ...]
    """FLORES codes, most likely first."""
    outside: tuple[Guess, ...]
    """Labels without a FLORES code (GlotLID's own), most likely first."""


class GlotlidModel:
    """A loaded GlotLID model (fastText keeps it all in memory: about as much as the file)."""

    def __init__(self, path: Path, flores_codes: frozenset[str]) -> None:
        try:
            import fasttext  # fasttext-predict: loading and prediction only
        except ImportError as exc:
            raise GlotlidError("GlotLID needs fasttext-predict: pip install fasttext-predict") from exc
        try:
            self._model: Any = fasttext.load_model(str(path))
            # Every label, most likely first: fasttext-predict has no call that lists them.
            labels = [label.removeprefix(LABEL) for label in self._model.predict("", k=-1)[0]]
        except (ValueError, RuntimeError, OSError) as exc:
            # A word-vector model (no labels) also ends here: fastText refuses to predict with it.
            raise GlotlidError(f"{path} is not a fastText classifier fastText can read ({exc})") from exc
        odd = [label for label in labels if not _LABEL_SHAPE.match(label)]
        if not labels:
            raise GlotlidError(f"{path} is a fastText model without labels, not a language identifier")
        if odd:
            raise GlotlidError(
                f"{path} does not label languages as ISO 639-3 + script (it has labels such as "
                f"{', '.join(odd[:3])})"
            )
        self.labels = tuple(sorted(labels))
        self._flores = {label: flores_code(label, flores_codes) for label in labels}

    @property
    def covered(self) -> frozenset[str]:
        """The FLORES codes some label of the model stands for."""
        return frozenset(code for code in self._flores.values() if code is not None)

    def rank(self, text: str, top: int = 12) -> GlotlidRanking:
        """GlotLID's most likely languages for `text` (one line: line breaks become spaces)."""
        labels, probabilities = self._model.predict(" ".join(text.split()), k=max(top, 1) * 2)
        found: dict[str, float] = {}
        outside: list[Guess] = []
        for label, probability in zip(labels, probabilities, strict=True):
            label = label.removeprefix(LABEL)
            code = self._flores.get(label)
            if code is None:
                outside.append(Guess(label, float(probability)))
            else:
                found[code] = found.get(code, 0.0) + float(probability)
        ranked = sorted((Guess(code, p) for code, p in found.items()), key=lambda guess: -guess.probability)
        return GlotlidRanking(tuple(ranked[:top]), tuple(outside[:top]))


def flores_code(label: str, flores_codes: frozenset[str]) -> str | None:
    """The FLORES-200 code a GlotLID label stands for, or None when FLORES has no such language."""
    code = _ALIASES.get(label, label)
    return code if code in flores_codes else None


_LOADING = threading.Lock()
_FAILED: dict[tuple[Path, int], GlotlidError] = {}


def load(path: Path, stamp: int, flores_codes: frozenset[str]) -> GlotlidModel:
    """The model at `path`, read once per process and `stamp` (the install's time: a new `pull --force`
    is read again, and the old copy's memory is let go). A few seconds for the real 1.7 GB file; requests
    that arrive meanwhile wait for that one read instead of each starting their own."""
    with _LOADING:
        failed = _FAILED.get((path, stamp))
        if failed is not None:
            raise failed  # a file that cannot be read is not read again for every text
        try:
            return _load(path, stamp, flores_codes)
        except GlotlidError as exc:
            _FAILED[(path, stamp)] = exc
            raise


@functools.lru_cache(maxsize=1)
def _load(path: Path, stamp: int, flores_codes: frozenset[str]) -> GlotlidModel:
    del stamp  # part of the cache key only
    return GlotlidModel(path, flores_codes)
