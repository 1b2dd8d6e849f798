"""The output checks (pure): what each flags, what it lets through, and the length bands' data file."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from sample_texts import FRENCH, SOURCE

from bayling_local.language.names import ALL_LANGUAGES, Language, resolve_language
from bayling_local.prompts.fewshot import EXAMPLES
from bayling_local.translation.checks import (
    Candidate,
    check_language,
    check_repetition,
    check_script,
    clean,
    first_problem,
    length_band,
    normalized,
    severity,
)

ENG, FRA, ZHO = (resolve_language(code) for code in ("eng_Latn", "fra_Latn", "zho_Hans"))
EXAMPLE_SET = frozenset(normalized(text) for pair in EXAMPLES.values() for text in pair)


def problem(
    output: str, source: str = SOURCE, target: Language = FRA, language: Language = ENG
) -> str | None:
    return first_problem(Candidate(source, output, target, language, EXAMPLE_SET))


def test_a_good_translation_passes_every_check() -> None:
    assert problem(FRENCH) is None
    assert problem("委员会周二开会讨论新预算，其中包括为北部地区的学校和医院增加资金。", target=ZHO) is None


def test_the_source_copied_back_is_an_echo_but_a_name_or_a_short_word_is_not() -> None:
    assert problem(SOURCE) == "echo"
    assert problem(SOURCE.upper() + " ") == "echo"
    assert problem("Paris", source="Paris") is None
    assert problem("OK", source="OK") is None


def test_a_few_shot_example_sentence_coming_back_is_named() -> None:
    assert problem("La bibliothèque ouvre à neuf heures du matin.") == "prompt-example"
    # ... unless that is what the source says.
    example = "The library opens at nine in the morning."
    assert problem("La bibliothèque ouvre à neuf heures du matin.", source=example) is None


def test_an_answer_in_the_wrong_script_is_named_but_carried_over_names_are_not() -> None:
    english = "The committee discussed a new budget for schools and hospitals."
    assert check_script(Candidate(SOURCE, english, ZHO, ENG)) == "wrong-script"
    assert problem(english, target=ZHO) == "wrong-language"  # it is English too, which is worse
    source = "Apple released the iPhone 15 Pro in September."
    assert problem("Apple 于九月发布了 iPhone 15 Pro。", source=source, target=ZHO) is None


def test_one_sentence_back_for_a_paragraph_is_low_coverage_and_a_very_long_answer_too_long() -> None:
    paragraph = " ".join([SOURCE] * 6)
    assert problem(FRENCH, source=paragraph) == "low-coverage"
    assert problem(FRENCH + " " + FRENCH.lower() + " " + FRENCH.upper()) == "too-long"


def test_commentary_that_cleaning_cannot_remove_is_named() -> None:
    assert problem("Translation of the sentence into French: " + FRENCH) == "commentary"
    assert problem(clean("Here is the French translation: " + FRENCH, SOURCE)) is None


@pytest.mark.parametrize(
    "said",
    [
        "Here is the translation: " + FRENCH,
        "Sure! Here's the translation in French: " + FRENCH,
        "The French translation is: " + FRENCH,
        f'"{FRENCH}"',
        f"« {FRENCH} »",
        FRENCH + " (Note: 'budget' can also be rendered as 'enveloppe'.)",
        "以下是翻译：" + FRENCH,
    ],
)
def test_cleaning_keeps_only_the_translation(said: str) -> None:
    assert clean(said, SOURCE) == FRENCH


def test_cleaning_leaves_quotes_and_notes_the_source_has() -> None:
    quoted = '"We will win," she said.'
    assert clean('"Nous gagnerons", a-t-elle dit.', quoted) == '"Nous gagnerons", a-t-elle dit.'
    assert clean('"Oui" et "non"', "Yes and no") == '"Oui" et "non"'


def test_length_bands_follow_the_target_language() -> None:
    french = length_band(SOURCE, ENG, FRA)
    chinese = length_band(SOURCE, ENG, ZHO)
    assert french is not None and chinese is not None
    assert french[0] < len(FRENCH) / len(SOURCE) < french[1]
    assert chinese[1] < 1.0 < french[1]  # Chinese needs about a third of the characters
    assert length_band("Hi there.", ENG, FRA) is None  # too short to judge
    assert length_band(SOURCE, None, FRA) is not None  # source unknown: its script decides


def test_every_language_has_a_length_band_and_the_file_says_how_it_was_made() -> None:
    data = json.loads(
        resources.files("bayling_local.translation").joinpath("data", "length_bands.json").read_text("utf-8")
    )
    assert "make_length_bands.py" in data["made_by"] and data["about"]
    missing = [lang.code for lang in ALL_LANGUAGES if lang.code not in data["languages"]]
    assert missing == []


def test_severity_orders_the_problems_from_none_up() -> None:
    assert (
        severity(None)
        < severity("commentary")
        < severity("low-coverage")
        < severity("echo")
        < severity("empty")
    )


def test_an_example_sentence_inside_the_answer_is_a_prompt_example() -> None:
    copied = "La police <m1>Je voudrais une tasse de café, s'il vous plaît.</m1> a dit."
    assert problem(copied, source="Police <m1>said</m1> so.") == "prompt-example"
    assert (
        problem(
            "Je voudrais une tasse de café, s'il vous plaît.", source="I would like a cup of coffee, please."
        )
        != "prompt-example"
    )


def test_lost_or_doubled_markers_are_the_worst_problem() -> None:
    source = "Press the <m1>red</m1> button now, then wait for the light."
    assert (
        problem("Appuyez sur le bouton rouge maintenant, puis attendez la lumière.", source=source)
        == "markers"
    )
    assert (
        problem("Appuyez sur le bouton <m1>rouge</m1> maintenant, puis attendez la lumière.", source=source)
        is None
    )
    assert severity("markers") > severity("empty")


DEU, POL, HRV, BOS = (resolve_language(code) for code in ("deu_Latn", "pol_Latn", "hrv_Latn", "bos_Latn"))


def test_english_written_for_a_german_or_polish_target_is_the_wrong_language() -> None:
    source = "The train leaves at noon from platform 4."
    assert problem("The train departs at 12:30 AM from the platform 4.", source, DEU) == "wrong-language"
    assert problem("Der Zug fährt um zwölf Uhr von Gleis 4 ab.", source, DEU) is None
    # a Polish PO's "German" answered with a German sentence about a library
    german = "Die deutsche Bibliothek ist eine Sammlung von Werkzeugen für Entwickler."
    assert problem(german, "German", POL) == "wrong-language"


def test_the_language_check_leaves_short_text_names_and_close_varieties_alone() -> None:
    assert problem("OK", "OK", DEU) is None
    assert check_language(Candidate("Microsoft Teams", "Microsoft Teams", DEU, ENG)) is None
    croatian = "Odbor se sastao u utorak kako bi raspravio o novom proračunu za škole i bolnice."
    assert (
        problem(
            croatian, "Odbor se sastao u utorak da razgovara o novom budžetu za škole i bolnice.", HRV, BOS
        )
        is None
    )


def test_the_source_back_with_a_word_or_two_changed_is_an_echo() -> None:
    near = (
        "The committee met on Tuesday to discuss the budget, which includes money for schools and hospitals."
    )
    assert problem(near, target=ZHO) == "echo"
    assert problem(near, target=FRA) == "echo"
    # a translation between close varieties shares most words and is one
    bosnian = "Odbor se sastao u utorak da razgovara o novom budžetu za škole i bolnice u sjevernoj regiji."
    croatian = (
        "Odbor se sastao u utorak da razgovara o novom proračunu za škole i bolnice u sjevernoj regiji."
    )
    assert problem(croatian, bosnian, HRV, BOS) is None
    assert problem(croatian, bosnian, HRV, None) is None  # source unknown: the detector places the output


def test_a_near_copy_of_a_prompt_example_is_named_unless_the_source_is_like_the_example() -> None:
    assert problem("La bibliothèque ouvre à 9 heures du matin.") == "prompt-example"
    assert (
        problem("Die Bibliothek öffnet um 9 Uhr morgens.", "The shop closes at six.", DEU) == "prompt-example"
    )
    like = "The library opens at 9 in the morning."
    assert problem("La bibliothèque ouvre à 9 heures du matin.", source=like) is None


def test_a_loop_of_a_word_or_a_phrase_is_repetition_but_repeated_text_in_the_source_may_be_kept() -> None:
    assert problem("Je suis désolé, " * 28) == "repetition"
    assert problem("re-" * 60, "Please pre-register now for the event next week.") == "repetition"
    assert problem("请" * 40, target=ZHO) == "repetition"
    chant = "Go, go, go, go, go, go, go, go, go, go, go, go, go, go, go, go, go, go!"
    assert check_repetition(Candidate(chant, "Allez, " * 17 + "allez !", FRA, ENG)) is None
    assert (
        problem("Non, non, non, je ne viendrai pas demain.", "No, no, no, I will not come tomorrow.") is None
    )
