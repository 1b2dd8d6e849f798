"""Finding glossary terms in a segment and in a translation, and reading glossary files (pure)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bayling_local.errors import InputError, UsageError
from bayling_local.language.names import resolve_language
from bayling_local.translation.glossary import Entry, Glossary, present
from bayling_local.translation.glossary_files import load_glossary

EN, FR, DE, ZH = (resolve_language(code) for code in ("en", "fr", "de", "zh"))
PUMP = Entry({"eng_Latn": "pump", "fra_Latn": "pompe", "deu_Latn": "Pumpe", "zho_Hans": "泵"})
WATER_PUMP = Entry({"eng_Latn": "water pump", "fra_Latn": "pompe à eau", "zho_Hans": "水泵"})


def found(glossary: Glossary, text: str, source=EN, target=FR) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(m.source, m.target) for m in glossary.matches(text, source, target)]


def test_whole_words_only_with_plurals_and_possessives() -> None:
    glossary = Glossary([PUMP, Entry({"eng_Latn": "battery", "fra_Latn": "batterie"})])
    assert found(glossary, "Pumps, a pump's valve and the batteries.") == [
        ("Pumps", "pompe"), ("pump's", "pompe"), ("batteries", "batterie"),
    ]  # fmt: skip
    assert found(glossary, "The pumpkin and the sump pumping station.") == []


def test_longest_match_wins_and_overlaps_are_resolved() -> None:
    glossary = Glossary([PUMP, WATER_PUMP])
    assert found(glossary, "The water pump and the pump.") == [
        ("water pump", "pompe à eau"),
        ("pump", "pompe"),
    ]


def test_case_sensitive_entries_and_kept_names_match_exactly() -> None:
    apple = Entry({"eng_Latn": "Apple", "fra_Latn": "Apple"}, case_sensitive=True)
    glossary = Glossary([apple, Entry({"keep": "PumpCo"}, keep=True)])
    assert found(glossary, "An apple from Apple and pumpco by PumpCo.") == [
        ("Apple", "Apple"),
        ("PumpCo", "PumpCo"),
    ]


def test_substrings_in_scripts_without_spaces() -> None:
    glossary = Glossary([PUMP, WATER_PUMP])
    assert found(glossary, "新的水泵和旧的泵", source=ZH, target=FR) == [
        ("水泵", "pompe à eau"),
        ("泵", "pompe"),
    ]


def test_terms_inside_markers_are_left_alone_and_unknown_source_tries_every_language() -> None:
    glossary = Glossary([PUMP, Entry({"eng_Latn": "m1", "fra_Latn": "x"})])
    assert found(glossary, "The <m1>pump</m1> and <m1/>") == [("pump", "pompe")]
    assert found(glossary, "Die Pumpe läuft.", source=None, target=FR) == [("Pumpe", "pompe")]


def test_a_target_term_counts_inflected_but_not_as_another_word() -> None:
    assert present("pompe à eau", "Les pompes à eau tournent.", FR)
    assert present("Pumpe", "Die Pumpen laufen.", DE)
    assert present("Wasserpumpe", "Die Wasserpumpen laufen.", DE)
    assert not present("pompe", "une pomme", FR)
    assert present("水泵", "新的水泵", ZH)
    assert present("PumpCo", "Chez PumpCo,", FR, exact=True) and not present(
        "PumpCo", "Chez Pumpco,", FR, exact=True
    )


def test_reading_tsv_csv_headerless_and_tbx(tmp_path: Path) -> None:
    tsv = tmp_path / "g.tsv"
    tsv.write_text(
        "English\tfra_Latn\tde\tcase\tnote\npump\tpompe\tPumpe\t\tmain part\nApple\tApple\t\tsensitive\t\n"
    )
    glossary = load_glossary([tsv], None, FR, [], [])
    assert glossary.entries[0].terms == {"eng_Latn": "pump", "fra_Latn": "pompe", "deu_Latn": "Pumpe"}
    assert glossary.entries[0].note == "main part" and glossary.entries[1].case_sensitive
    csv = tmp_path / "g.csv"
    csv.write_text('en,fr\n"valve, main",vanne\n')
    assert load_glossary([csv], None, FR, [], []).entries[0].terms["eng_Latn"] == "valve, main"
    plain = tmp_path / "plain.tsv"
    plain.write_text("pump\tpompe\n")
    assert load_glossary([plain], EN, FR, [], []).entries[0].terms == {
        "eng_Latn": "pump",
        "fra_Latn": "pompe",
    }
    with pytest.raises(UsageError, match="no header row"):
        load_glossary([plain], None, FR, [], [])
    tbx = tmp_path / "g.tbx"
    tbx.write_text(
        '<?xml version="1.0"?><martif type="TBX"><text><body><termEntry id="1">'
        '<langSet xml:lang="en"><tig><term>pump</term></tig></langSet>'
        '<langSet xml:lang="fr"><tig><term>pompe</term></tig></langSet></termEntry></body></text></martif>'
    )
    assert load_glossary([tbx], None, FR, [], []).entries[0].terms == {
        "eng_Latn": "pump",
        "fra_Latn": "pompe",
    }
    keep = tmp_path / "keep.txt"
    keep.write_text("# brands\nPumpCo\nAquaMax\n")
    names = [e.terms["keep"] for e in load_glossary([], None, FR, ["PumpCo"], [keep]).entries]
    assert names == ["PumpCo", "AquaMax"]
    with pytest.raises(InputError, match="no such glossary file"):
        load_glossary([tmp_path / "missing.tsv"], None, FR, [], [])


def test_urls_spaces_apostrophes_and_hyphens() -> None:
    glossary = Glossary([PUMP, Entry({"eng_Latn": "power supply", "fra_Latn": "alimentation"}),
                         Entry({"eng_Latn": "O'Brien valve", "fra_Latn": "vanne O'Brien"}),
                         Entry({"eng_Latn": "e-mail", "fra_Latn": "courriel"}), Entry({"keep": "C"}, keep=True)])  # fmt: skip
    assert found(glossary, "Read https://example.com/pump-guide now.") == []
    assert found(glossary, "The power  supply and the O’Brien valve.") == [
        ("power  supply", "alimentation"), ("O’Brien valve", "vanne O'Brien"),
    ]  # fmt: skip
    assert found(glossary, "Send an e‑mail in C++ or C.") == [("e‑mail", "courriel"), ("C", "C")]


def test_presence_is_not_fooled_by_other_words_or_apostrophes() -> None:
    assert present("l'eau", "de l’eau claire", FR)
    assert not present("réseau", "une réserve", FR) and present("réseau", "les réseaux", FR)
    assert not present("port", "le portail", FR) and present("port", "les ports", FR)
    assert present("ciudad", "las ciudades", resolve_language("es"))


def test_a_first_row_of_terms_is_not_taken_for_a_header(tmp_path: Path) -> None:
    plain = tmp_path / "plain.tsv"
    plain.write_text("French\tfrançais\npump\tpompe\n")
    entries = load_glossary([plain], EN, FR, [], []).entries
    assert entries[0].terms == {"eng_Latn": "French", "fra_Latn": "français"}
    quoted = tmp_path / "quoted.tsv"
    quoted.write_text('\ufeffen\tfr\n"Quote\tcitation\npump\tpompe\n')
    assert [e.terms["eng_Latn"] for e in load_glossary([quoted], None, FR, [], []).entries] == [
        '"Quote',
        "pump",
    ]
    german = tmp_path / "de.tsv"
    german.write_text("en\tde\npump\tPumpe\n")
    with pytest.raises(InputError, match="no column for fra_Latn"):
        load_glossary([german], None, FR, [], [])
