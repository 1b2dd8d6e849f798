"""A second opinion on short or uncertain texts, from fastText's lid.176 (`lid176.py`).

The n-gram model learnt from FLORES: news and encyclopedia prose, the same number of sentences in each of
205 languages. On a few words of everyday text it knows too little: "Save changes" came out Tok Pisin,
"Sign in" Lombard, "Good morning" Limburgish (22 of 40 short English interface strings right), and between a
big language and its small neighbour it has no reason to prefer the big one ("Quiero comprar un billete de
tren a Madrid mañana" was Asturian). lid.176 learnt from Wikipedia and Tatoeba's short sentences, in
proportion to how much text each language has. Below SHORT_LETTERS letters, or when the n-gram model is
unsure (best guess below UNSURE), the two are multiplied, lid.176's opinion raised to WEIGHT (a FLORES
language lid.176 does not know gets FLOOR). Measured with `benchmarks/detect.py` against the n-gram model
alone: 36 of those 40 strings right as best guess, BayLing-80's questions 0.977 -> 0.992 named, FLORES
3-word prefixes 0.856 -> 0.854 named (0.882 -> 0.874 best guess: lid.176 pulls prefixes of rarer languages
towards the big ones, which is what everyday text needs and FLORES, uniform over 205 languages, does not),
whole sentences 0.9731 -> 0.9726.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from .names import ALL_LANGUAGES

if TYPE_CHECKING:
    import numpy as np

SHORT_LETTERS = 40
# A longer text is asked about too when the n-gram model's best guess is below this. At 0.6 it costs 0.08
# points on whole FLORES sentences; at 0.9 it cost 0.27 (FLORES's Asturian, Galician, Occitan lines pulled
# to their big neighbours).
UNSURE = 0.6
WEIGHT = 0.5
FLOOR = 0.01
TOP_LABELS = 30  # lid.176's labels beyond these get FLOOR too (asking for all 176 takes twice as long)
# lid.176 labels (Wikipedia codes) that stand for several FLORES languages, or for none of the same code.
_SEVERAL = {
    "ar": "arb_Arab ars_Arab acm_Arab acq_Arab aeb_Arab ajp_Arab apc_Arab ary_Arab arz_Arab",
    "fa": "pes_Arab prs_Arab",
    "sh": "bos_Latn hrv_Latn srp_Cyrl",
    "bh": "bho_Deva mai_Deva mag_Deva",
    "no": "nob_Latn",  # Norwegian is `no` there, Bokmål `nb` in ISO 639-1
    "als": "",  # Alemannic on Wikipedia; ISO 639-3 `als` (FLORES's Albanian) is `sq` there
}


@functools.cache
def label_columns(codes: tuple[str, ...]) -> dict[str, tuple[int, ...]]:
    """For each lid.176 label, the positions in `codes` (the n-gram model's order) it stands for."""
    position = {code: i for i, code in enumerate(codes)}
    found: dict[str, list[int]] = {}
    for language in ALL_LANGUAGES:
        for label in {language.iso1, language.iso3} - {None}:
            found.setdefault(str(label), []).append(position[language.code])
    for label, members in _SEVERAL.items():
        found[label] = [position[code] for code in members.split()]
    return {label: tuple(columns) for label, columns in found.items()}


def asked(script: str, letters: int, probabilities: np.ndarray) -> bool:
    """Whether lid.176 is asked about a text: a few words, or a sentence the n-gram model is unsure of; never
    Han text (lid.176 writes Chinese as `zh`, without Cantonese's written form: FLORES's yue_Hant lines
    went to Mandarin)."""
    if script == "Hani" or not probabilities.any():
        return False
    return letters < SHORT_LETTERS or float(probabilities.max()) < UNSURE


def weighed(text: str, probabilities: np.ndarray, codes: tuple[str, ...]) -> np.ndarray:
    """`probabilities` (the n-gram model's, over `codes`) times lid.176's opinion of `text` to the power
    WEIGHT, normalized; unchanged when lid.176 is not installed or has no opinion."""
    import numpy as np

    from . import lid176

    opinion = lid176.predict(text, TOP_LABELS)
    if not opinion:
        return probabilities
    columns = label_columns(codes)
    support = np.full(len(codes), FLOOR)
    for label, probability in opinion:
        for column in columns.get(label, ()):
            support[column] = max(support[column], probability)
    combined = probabilities * support**WEIGHT
    total = combined.sum()
    return combined / total if total > 0 else probabilities
