"""The n-gram model's parts: features are deterministic and bounded, the shipped file loads, scores are
calibrated probabilities."""

from __future__ import annotations

import numpy as np

from bayling_local.language.ngram_features import BUCKETS, char_features, normalized, word_features
from bayling_local.language.ngram_model import load, softmax


def test_features_are_the_same_for_the_same_text_in_any_process_and_stay_in_range() -> None:
    first = char_features("Hello  World")
    assert np.array_equal(first, char_features("hello world"))  # case and runs of spaces do not matter
    assert first.min() >= 0 and first.max() < BUCKETS
    # 13 characters padded: 13 unigrams + 12 bigrams + 11 + 10 + 9
    assert len(first) == 13 + 12 + 11 + 10 + 9 and normalized("Hello  World") == " hello world "
    assert len(word_features("Hello World")) == 2 and len(word_features("   ")) == 0
    assert len(char_features("")) == 3  # the two padding spaces: two unigrams and a bigram


def test_the_shipped_model_covers_every_flores_language_and_gives_probabilities() -> None:
    from bayling_local.language.names import ALL_LANGUAGES

    model = load()
    assert set(model.codes) == {language.code for language in ALL_LANGUAGES}
    probabilities = model.probabilities("The weather is nice today, so we are going to the beach.")
    assert abs(probabilities.sum() - 1) < 1e-6
    assert model.codes[int(probabilities.argmax())] == "eng_Latn"
    assert model.rank("", 3) == [] or model.rank("", 3)[0].probability <= 1


def test_softmax_is_stable_for_large_scores() -> None:
    assert np.allclose(softmax(np.array([1000.0, 1000.0])), [0.5, 0.5])
