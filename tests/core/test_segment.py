"""Long segments are split at sentence boundaries, never cut."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bayling_local.translation.sentences import fit_chunks, split_sentences


def words(text: str) -> int:
    return len(text.split()) or (1 if text else 0)


def test_sentences_split_in_several_scripts() -> None:
    text = "Hello there. How are you? 这是中文。很好！Готово. नमस्ते। ok"
    assert split_sentences(text) == [
        "Hello there. ",
        "How are you? ",
        "这是中文。",
        "很好！",
        "Готово. ",
        "नमस्ते। ",
        "ok",
    ]


def test_short_text_stays_whole() -> None:
    assert fit_chunks("One. Two.", words, 10) == ["One. Two."]


def test_chunks_respect_the_budget_and_keep_every_character() -> None:
    text = (
        "First sentence is here. " * 10
        + "A very long clause, with commas, and more words, and even more words here."
    )
    chunks = fit_chunks(text, words, 6)
    assert "".join(chunks) == text
    assert all(words(chunk) <= 6 for chunk in chunks)
    assert chunks[0] == "First sentence is here. "


@given(st.text(alphabet=st.sampled_from(list("ab .,!?。\n")), max_size=200), st.integers(1, 8))
def test_nothing_is_ever_lost(text: str, budget: int) -> None:
    chunks = fit_chunks(text, len, budget) if text else []
    assert "".join(chunks) == text
    assert all(len(chunk) <= budget for chunk in chunks)
