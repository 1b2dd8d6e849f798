"""Write bayling_local/language/data/common_words.json.gz: the words people commonly write in 39 widely used
languages, which let `language/detect.py` name the language of a few everyday words ("God morgon",
"Bom dia", "Apa kabar?") that character n-grams learnt from news cannot tell from a small neighbour's.

From wordfreq's "small" word lists (wordfreq by Robyn Speer, Apache-2.0; its data CC BY-SA 4.0, drawn from
Wikipedia, subtitles, news, books, web text and social media; the derived file is CC BY-SA 4.0 too, as its
header says): every word of Zipf frequency 4 or more (at least one in 100,000 words written), with its
Zipf value rounded to one decimal. Chinese, Japanese and Korean are left out (their words are not split by
spaces; their scripts decide most of it already).

    pip install wordfreq   # only here, never at run time
    python scripts/make_common_words.py
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

OUTPUT = Path(__file__).resolve().parents[1] / "bayling_local" / "language" / "data" / "common_words.json.gz"
MIN_ZIPF = 4.0
# wordfreq's language codes and the FLORES-200 codes their lists stand for.
LANGUAGES = {
    "ar": ("arb_Arab",), "bg": ("bul_Cyrl",), "bn": ("ben_Beng",), "ca": ("cat_Latn",), "cs": ("ces_Latn",),
    "da": ("dan_Latn",), "de": ("deu_Latn",), "el": ("ell_Grek",), "en": ("eng_Latn",), "es": ("spa_Latn",),
    "fa": ("pes_Arab",), "fi": ("fin_Latn",), "fil": ("tgl_Latn",), "fr": ("fra_Latn",), "he": ("heb_Hebr",),
    "hi": ("hin_Deva",), "hu": ("hun_Latn",), "id": ("ind_Latn",), "is": ("isl_Latn",), "it": ("ita_Latn",),
    "lt": ("lit_Latn",), "lv": ("lvs_Latn",), "mk": ("mkd_Cyrl",), "ms": ("zsm_Latn",), "nb": ("nob_Latn",),
    "nl": ("nld_Latn",), "pl": ("pol_Latn",), "pt": ("por_Latn",), "ro": ("ron_Latn",), "ru": ("rus_Cyrl",),
    "sh": ("hrv_Latn", "bos_Latn"), "sk": ("slk_Latn",), "sl": ("slv_Latn",), "sv": ("swe_Latn",),
    "ta": ("tam_Taml",), "tr": ("tur_Latn",), "uk": ("ukr_Cyrl",), "ur": ("urd_Arab",), "vi": ("vie_Latn",),
}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    import wordfreq

    words: dict[str, dict[str, float]] = {}
    for code, flores in LANGUAGES.items():
        listed = {
            word: round(wordfreq.zipf_frequency(word, code, wordlist="small"), 1)
            for word in wordfreq.top_n_list(code, 100_000, wordlist="small")
        }
        kept = {word: zipf for word, zipf in listed.items() if zipf >= MIN_ZIPF}
        for name in flores:
            words[name] = kept
    data = {
        "about": "words of Zipf frequency >= 4 by FLORES-200 code, from wordfreq's small lists (wordfreq by "
        "Robyn Speer; data CC BY-SA 4.0 from Wikipedia, subtitles, news, books, web text, social media); "
        "this file is CC BY-SA 4.0; made by scripts/make_common_words.py",
        "min_zipf": MIN_ZIPF,
        "words": words,
    }
    with gzip.open(args.output, "wt", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, separators=(",", ":"))
    total = sum(len(kept) for kept in words.values())
    print(
        f"wrote {args.output}: {len(words)} languages, {total:,} words, {args.output.stat().st_size:,} bytes"
    )


if __name__ == "__main__":
    main()
