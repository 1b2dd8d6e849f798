"""Short everyday text (greetings, thanks, short questions in 32 widely used languages, the phrases users
type): named right, not left unnamed or given to a small neighbour whose letters look alike."""

from __future__ import annotations

from pathlib import Path

from bayling_local.language.detect import CLOSE_VARIETIES, detect_language

PHRASES = Path(__file__).parent / "data" / "everyday_phrases.tsv"


def phrases() -> list[tuple[str, str, set[str]]]:
    rows = []
    for line in PHRASES.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            code, text, *also = line.split("\t")
            rows.append((code, text, {code, *(also[0].split(",") if also else [])}))
    return rows


def named_right(code: str, text: str, accepted: set[str]) -> bool:
    found = detect_language(text).language
    if found is None:
        return False
    return found.code in accepted or any(found.code in group and code in group for group in CLOSE_VARIETIES)


def test_at_least_95_percent_of_everyday_phrases_are_named_right() -> None:
    rows = phrases()
    assert len({code for code, _, _ in rows}) == 32 and len(rows) >= 250
    wrong = [(code, text) for code, text, accepted in rows if not named_right(code, text, accepted)]
    assert len(wrong) <= 0.05 * len(rows), wrong


def test_the_greetings_users_complained_about_are_named() -> None:
    for text, code in [("Bonjour", "fra_Latn"), ("Good morning", "eng_Latn"), ("Bom dia", "por_Latn"),
                       ("Dank je", "nld_Latn"), ("谢谢", "zho_Hans"), ("God morgon", "swe_Latn")]:  # fmt: skip
        found = detect_language(text).language
        assert found is not None and found.code == code, (text, found)
    # "Tak" is Danish, Norwegian, Polish and Swedish alike: better unnamed than Mizo
    tak = detect_language("Tak")
    assert tak.language is None or tak.language.code != "lus_Latn"
