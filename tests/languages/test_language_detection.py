"""Source-language detection, measured on FLORES-200 sentences (extracted to a temp folder by conftest)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bayling_local.detect import MIN_CONFIDENCE, detect_language
from bayling_local.languages import ALL_LANGUAGES

# Languages FLORES writes in a script no other FLORES language uses: the script alone must tell.
DISTINCTIVE = sorted(
    lang.code for lang in ALL_LANGUAGES if sum(other.script == lang.script for other in ALL_LANGUAGES) == 1
)
# Languages sharing their script, told apart by letters and words only they use (the script's default first).
BY_LETTERS_AND_WORDS = [
    "arb_Arab", "pes_Arab", "urd_Arab", "pbt_Arab", "snd_Arab", "ckb_Arab", "uig_Arab",
    "rus_Cyrl", "ukr_Cyrl", "bel_Cyrl", "bul_Cyrl", "srp_Cyrl", "kaz_Cyrl", "khk_Cyrl", "tat_Cyrl",
    "bak_Cyrl", "tgk_Cyrl", "hin_Deva", "ben_Beng", "asm_Beng", "mni_Beng", "amh_Ethi", "tir_Ethi",
    "heb_Hebr", "ydd_Hebr", "mya_Mymr", "shn_Mymr", "bod_Tibt", "dzo_Tibt", "tzm_Tfng", "taq_Tfng",
    "zho_Hant",
]  # fmt: skip
# Harder splits inside a script (close alphabets, shared words): a lower bar, still far above chance.
HARDER = ["kir_Cyrl", "mkd_Cyrl", "mar_Deva", "npi_Deva", "kas_Arab"]
MAJOR_LATIN = ["eng_Latn", "fra_Latn", "deu_Latn", "spa_Latn", "por_Latn", "ita_Latn", "nld_Latn"]


def _hit_rate(flores_dir: Path, code: str, step: int = 1) -> tuple[float, Counter[str | None]]:
    lines = (flores_dir / f"{code}.txt").read_text(encoding="utf-8").splitlines()[::step]
    found: Counter[str | None] = Counter()
    for line in lines:
        language = detect_language(line).language
        found[language.code if language else None] += 1
    return found[code] / len(lines), found


def test_distinctive_scripts_are_listed() -> None:
    assert {"kor_Hang", "jpn_Jpan", "tha_Thai", "ell_Grek", "hye_Armn", "kat_Geor", "zho_Hans"} <= set(
        DISTINCTIVE
    )
    assert len(DISTINCTIVE) == 19


@pytest.mark.parametrize("code", DISTINCTIVE)
def test_distinctive_scripts_are_detected(flores_dir: Path, code: str) -> None:
    rate, found = _hit_rate(flores_dir, code, step=5)
    assert rate >= 0.95, (code, found.most_common(3))


@pytest.mark.parametrize("code", BY_LETTERS_AND_WORDS)
def test_shared_scripts_are_split_by_letters_and_words(flores_dir: Path, code: str) -> None:
    rate, found = _hit_rate(flores_dir, code, step=3)
    assert rate >= 0.95, (code, found.most_common(3))


@pytest.mark.parametrize("code", HARDER)
def test_harder_splits_are_mostly_right(flores_dir: Path, code: str) -> None:
    rate, found = _hit_rate(flores_dir, code, step=3)
    assert rate >= 0.8, (code, found.most_common(3))


@pytest.mark.parametrize("code", MAJOR_LATIN)
def test_major_latin_languages_are_detected(flores_dir: Path, code: str) -> None:
    rate, found = _hit_rate(flores_dir, code, step=2)
    assert rate >= 0.9, (code, found.most_common(3))


def test_latin_languages_without_a_profile_are_rarely_named_wrongly(flores_dir: Path) -> None:
    # Unrelated languages sharing a few short words with a profiled one (Samoan "le", "i", "o") stay unnamed.
    for code in ["smo_Latn", "yor_Latn", "mri_Latn", "som_Latn", "zul_Latn", "quy_Latn"]:
        rate, found = _hit_rate(flores_dir, code, step=5)
        wrong = sum(count for name, count in found.items() if name not in (None, code))
        assert wrong <= 0.25 * sum(found.values()), (code, found.most_common(3))


@pytest.mark.parametrize("text", ["hello handsome", "Hello", "OK", "pizza pasta", "Guten Morgen", "lol"])
def test_short_latin_text_is_not_named_with_confidence(text: str) -> None:
    detection = detect_language(text)
    assert detection.language is None or detection.language.code == "eng_Latn"
    assert detection.language is None or detection.confidence >= MIN_CONFIDENCE


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("안녕하세요", "kor_Hang"),
        ("こんにちは、元気ですか", "jpn_Jpan"),
        ("東京は日本の首都です。", "jpn_Jpan"),
        ("Привет, как дела?", "rus_Cyrl"),
        ("Добрий день, як справи?", "ukr_Cyrl"),
        ("Ελληνικά είναι ωραία", "ell_Grek"),
        ("สวัสดีครับ", "tha_Thai"),
        ("سلام، حال شما چطور است؟", "pes_Arab"),
        ("नमस्ते, आप कैसे हैं?", "hin_Deva"),
        ("这是一个测试", "zho_Hans"),
        ("這是一個測試，我們會說明", "zho_Hant"),
        ("Good morning, how are you?", "eng_Latn"),
        ("Ich bin ein Berliner und das ist gut.", "deu_Latn"),
        ("Xin chào, bạn khỏe không?", "vie_Latn"),
    ],
)
def test_everyday_sentences(text: str, code: str) -> None:
    detection = detect_language(text)
    assert detection.language is not None and detection.language.code == code, detection
    assert MIN_CONFIDENCE <= detection.confidence <= 1.0
    assert detection.reason


@pytest.mark.parametrize("text", ["", "   ", "12345 !!!", "🙂🙂"])
def test_no_letters_no_language(text: str) -> None:
    detection = detect_language(text)
    assert detection.language is None and detection.confidence == 0.0


def test_unnamed_results_report_low_confidence() -> None:
    for text in ["hello handsome", "¿Dónde?", "你好", "Tack"]:
        detection = detect_language(text)
        if detection.language is None:
            assert detection.confidence < MIN_CONFIDENCE
