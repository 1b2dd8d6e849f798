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


# About how many million people write each language (first and second language, rounded; orders of
# magnitude from Ethnologue and Wikipedia, weighed towards who writes it: Traditional Chinese is Taiwan's and
# Hong Kong's Mandarin more than written Cantonese). A language not listed counts as `WRITERS_FLOOR`.
WRITERS: dict[str, float] = {
    "eng_Latn": 1500, "zho_Hans": 1100, "hin_Deva": 600, "spa_Latn": 560, "fra_Latn": 310, "arb_Arab": 300,
    "ben_Beng": 270, "por_Latn": 260, "rus_Cyrl": 255, "urd_Arab": 230, "ind_Latn": 200, "deu_Latn": 135,
    "jpn_Jpan": 125, "pes_Arab": 80, "tur_Latn": 90, "vie_Latn": 85, "kor_Hang": 80, "tel_Telu": 95,
    "mar_Deva": 95, "tam_Taml": 85, "ita_Latn": 68, "swh_Latn": 80, "hau_Latn": 70, "tha_Thai": 60,
    "guj_Gujr": 60, "pan_Guru": 50, "kan_Knda": 55, "jav_Latn": 68, "pol_Latn": 40, "ukr_Cyrl": 35,
    "mal_Mlym": 38, "tgl_Latn": 80, "zho_Hant": 40, "yor_Latn": 45, "mya_Mymr": 40, "uzn_Latn": 35,
    "amh_Ethi": 55, "ibo_Latn": 30, "zsm_Latn": 30, "npi_Deva": 32, "sun_Latn": 40, "ron_Latn": 25,
    "nld_Latn": 30, "azj_Latn": 24, "som_Latn": 22, "sin_Sinh": 20, "khm_Khmr": 17, "kaz_Cyrl": 15,
    "ell_Grek": 13, "hun_Latn": 13, "ces_Latn": 11, "swe_Latn": 13, "zul_Latn": 27, "afr_Latn": 17,
    "srp_Cyrl": 10, "hrv_Latn": 6, "bos_Latn": 3, "bul_Cyrl": 8, "heb_Hebr": 9, "cat_Latn": 10,
    "bel_Cyrl": 6, "dan_Latn": 6, "fin_Latn": 6, "nob_Latn": 5, "slk_Latn": 7, "kat_Geor": 4, "hye_Armn": 5,
    "lit_Latn": 3, "lvs_Latn": 2, "est_Latn": 1.2, "slv_Latn": 2.5, "mkd_Cyrl": 2, "isl_Latn": 0.4,
    "yue_Hant": 8, "xho_Latn": 19, "ckb_Arab": 6, "kmr_Latn": 15, "pbt_Arab": 40, "snd_Arab": 30,
    "ory_Orya": 38, "asm_Beng": 15, "mai_Deva": 14, "ary_Arab": 30, "arz_Arab": 40, "apc_Arab": 10,
}  # fmt: skip
WRITERS_FLOOR = 1.0
PRIOR_POWER = 0.5
"""How much the number of writers counts: a language with 100 times the writers is 10 times as likely."""
PRIOR_LETTERS = 10
"""Below this many letters the prior counts, the more the shorter the text; from here on, not at all."""


@functools.cache
def prior(codes: tuple[str, ...]) -> np.ndarray:
    """How likely each of `codes` is to be what a few typed words are in, before reading them: its
    writers to the power `PRIOR_POWER`."""
    import numpy as np

    return np.array([max(WRITERS.get(code, WRITERS_FLOOR), WRITERS_FLOOR) ** PRIOR_POWER for code in codes])


def with_prior(
    probabilities: np.ndarray, codes: tuple[str, ...], letters: int, script: str = ""
) -> np.ndarray:
    """`probabilities` times the prior, weighed by how short the text is (full weight for a word or two,
    none from `PRIOR_LETTERS` letters on), normalized. Han characters without any kana are seldom
    Japanese (`HAN_WITHOUT_KANA`)."""
    if letters >= PRIOR_LETTERS:
        return probabilities
    weight = 1.0 - letters / PRIOR_LETTERS
    combined = probabilities * prior(codes) ** weight
    if script == "Hani":
        combined = combined * japanese_without_kana(codes)
    total = combined.sum()
    return combined / total if total > 0 else probabilities


WORDS_LETTERS = 20
"""Below this many letters the everyday words count (`common_words`): fully up to half of it, then less and
less."""
WORDS_WEIGHT = 0.4
WORDS_WEIGHT_BY_COUNT = {1: 2.0, 2: 1.0}
"""A word or two alone ("Merci", "Bom dia") are judged by their words far more than by their letters."""
"""How much a text's everyday words count against its n-grams, at full weight."""
HAN_WITHOUT_KANA = 0.2
"""How likely a few Han characters with no kana are Japanese, against what their n-grams say: Japanese
writes its particles and endings in kana, so even a short phrase nearly always has some ("晚安" is Chinese)."""


def with_common_words(
    text: str, probabilities: np.ndarray, codes: tuple[str, ...], letters: int
) -> np.ndarray:
    """`probabilities` times the evidence of the text's everyday words (`common_words.evidence`), weighed
    by how short the text is (none from `WORDS_LETTERS` letters on), normalized."""
    import numpy as np

    from . import common_words

    words = len(common_words.words_of(text))
    weight = WORDS_WEIGHT_BY_COUNT.get(words, WORDS_WEIGHT) * min(1.0, 2.0 * (1.0 - letters / WORDS_LETTERS))
    if weight <= 0:
        return probabilities
    combined = probabilities * np.exp(weight * common_words.evidence(text, codes))
    total = combined.sum()
    return combined / total if total > 0 else probabilities


@functools.cache
def japanese_without_kana(codes: tuple[str, ...]) -> np.ndarray:
    import numpy as np

    return np.array([HAN_WITHOUT_KANA if code == "jpn_Jpan" else 1.0 for code in codes])
