"""The protected markers' check and the line re-wrapping, as pure functions."""

from __future__ import annotations

from bayling_local.documents.lines import best_split, wrap_to
from bayling_local.translation.markers import markers_intact, unmarked_runs


def test_every_marker_must_come_back_once_and_nested_as_in_the_source() -> None:
    source = "Click <m1>this <m2>bold</m2> link</m1> now<m3/>."
    assert markers_intact(source, "Cliquez <m1>ce lien <m2>gras</m2></m1> maintenant<m3/>.")
    assert not markers_intact(source, "Cliquez <m1>ce lien gras</m1> maintenant<m3/>.")  # one lost
    assert not markers_intact(source, "<m3/><m1>a <m2>b</m2> c</m1> <m3/>")  # one twice
    assert not markers_intact(source, "<m1>a <m2>b</m1> c</m2><m3/>")  # misnested
    assert markers_intact("No markers here.", "Pas de marqueurs.")


def test_a_piece_holding_one_end_of_a_pair_must_keep_it_in_order() -> None:
    assert markers_intact("end</m1> and <m2>start", "fin</m1> et <m2>début")
    assert not markers_intact("end</m1> and <m2>start", "<m2>début et fin</m1>")
    assert markers_intact("a</m2></m1> b", "x</m2></m1> y") and not markers_intact(
        "a</m2></m1> b", "x</m1></m2> y"
    )


def test_runs_between_markers() -> None:
    assert unmarked_runs("a <m1>b</m1> c") == ["a ", "<m1>", "b", "</m1>", " c"]


def test_wrap_follows_the_sources_breaks_and_never_cuts_a_marker() -> None:
    text = "one two three <m1>four five</m1> six seven eight"
    assert wrap_to(text, [0.5]) == ["one two three <m1>four", "five</m1> six seven eight"]
    assert wrap_to("nospaceshere", [0.5]) == ["nospaceshere"]
    assert wrap_to("今天我们谈论新的水泵。", [0.5], split_anywhere=True) == ["今天我们谈", "论新的水泵。"]


def test_best_split_keeps_short_lines_and_balances_long_ones() -> None:
    assert best_split("Short line.", 42) == ["Short line."]
    assert best_split("This subtitle line is far too long for one row.", 42) == [
        "This subtitle line is",
        "far too long for one row.",
    ]


def test_chat_prompts_ask_to_keep_the_markers_only_when_there_are_some() -> None:
    from tui.fakes import FakeEngine

    from bayling_local.language.names import resolve_language
    from bayling_local.prompts.formats import BAYLING, MARKERS_NOTE
    from bayling_local.translation.translator import Translator

    engine = FakeEngine()
    engine.format = BAYLING
    translator = Translator(engine, resolve_language("fr"), resolve_language("en"))
    assert MARKERS_NOTE in translator.prompt("Press <m1>here</m1>.", None)
    assert MARKERS_NOTE not in translator.prompt("Press here.", None)
