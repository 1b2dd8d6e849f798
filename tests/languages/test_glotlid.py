"""GlotLID as the detector once installed: its labels as FLORES codes, what it cannot name, where the n-gram
model still decides, and the choice of detector. A tiny model in fastText's format stands in for the real
1.7 GB one and runs through the real fasttext-predict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from tiny_fasttext import GLOTLID_LIKE, write_fasttext

from bayling_local.cli.main import cli
from bayling_local.errors import UsageError
from bayling_local.language.detect import detect_language
from bayling_local.language.detectors import glotlid_folder, glotlid_model_file
from bayling_local.language.glotlid import GlotlidError, GlotlidModel, flores_code
from bayling_local.language.names import BY_CODE


def install(words: dict[str, list[str]] = GLOTLID_LIKE) -> Path:
    folder = glotlid_folder()
    folder.mkdir(parents=True)
    write_fasttext(folder / "model.bin", words)
    (folder / "manifest.json").write_text("{}")
    return folder


def test_labels_become_flores_codes_and_the_rest_stay_outside() -> None:
    flores = frozenset(BY_CODE)
    assert flores_code("fra_Latn", flores) == "fra_Latn"
    assert flores_code("swa_Latn", flores) == "swh_Latn"  # the macrolanguage stands for FLORES's variety
    assert flores_code("yue_Hani", flores) == "yue_Hant"
    assert flores_code("sco_Latn", flores) is None
    assert flores_code("eng_Zzzz", flores) is None


def test_glotlid_ranks_flores_languages_and_keeps_scots_outside(tmp_path: Path) -> None:
    write_fasttext(tmp_path / "model.bin", GLOTLID_LIKE)
    model = GlotlidModel(tmp_path / "model.bin", frozenset(BY_CODE))
    assert model.covered == {"fra_Latn", "deu_Latn", "swh_Latn", "zho_Hans"}
    french = model.rank("bonjour tout le monde merci")
    assert french.guesses[0].code == "fra_Latn" and french.guesses[0].probability > 0.9
    scots = model.rank("the bairn gaed tae the kirk")
    assert scots.outside[0].code == "sco_Latn" and scots.outside[0].probability > 0.9
    assert all(guess.probability < 0.1 for guess in scots.guesses)


def test_a_file_that_is_not_a_language_identifier_is_refused(tmp_path: Path) -> None:
    (tmp_path / "model.bin").write_bytes(b"not a model")
    with pytest.raises(GlotlidError, match="not a fastText classifier"):
        GlotlidModel(tmp_path / "model.bin", frozenset(BY_CODE))
    write_fasttext(tmp_path / "vectors.bin", GLOTLID_LIKE, supervised=False)  # word vectors, no labels
    with pytest.raises(GlotlidError, match="not a fastText classifier"):
        GlotlidModel(tmp_path / "vectors.bin", frozenset(BY_CODE))
    write_fasttext(tmp_path / "topics.bin", {"sports": ["goal"], "weather": ["rain"]})
    with pytest.raises(GlotlidError, match="ISO 639-3 \\+ script"):
        GlotlidModel(tmp_path / "topics.bin", frozenset(BY_CODE))


def test_once_installed_glotlid_decides_and_says_so() -> None:
    assert "character n-grams" in detect_language("habari asante sana rafiki").reason
    install()
    found = detect_language("habari asante sana rafiki")
    assert found.language is not None and found.language.code == "swh_Latn"
    assert "GlotLID" in found.reason


def test_a_language_flores_lacks_is_not_lent_to_a_flores_one() -> None:
    install()
    found = detect_language("the bairn gaed tae the kirk")
    assert found.language is None
    assert "most likely sco_Latn, which FLORES-200 does not have" in found.reason


def test_script_rules_and_han_text_stay_with_the_built_in_model() -> None:
    install()
    assert detect_language("안녕하세요").language.code == "kor_Hang"  # type: ignore[union-attr]
    # GlotLID's Chinese has no written form (the tiny model's cmn_Hani would say zho_Hans for anything);
    # the n-gram model and the character rule tell the forms apart.
    traditional = detect_language("這個問題很重要，我們應該認真討論。")
    assert traditional.language is not None and traditional.language.code in {"zho_Hant", "yue_Hant"}
    assert "GlotLID" not in traditional.reason and "traditional characters" in traditional.reason


def test_the_detector_can_be_chosen() -> None:
    with pytest.raises(UsageError, match="pull glotlid"):
        glotlid_model_file("glotlid")
    with pytest.raises(UsageError, match="unknown detector"):
        glotlid_model_file("cld3")
    install()
    assert glotlid_model_file("ngram") is None
    ngram = detect_language("habari asante sana rafiki", detector="ngram")
    assert "GlotLID" not in ngram.reason
    assert "GlotLID" in detect_language("habari asante sana rafiki", detector="glotlid").reason


def test_a_pull_broken_off_before_its_manifest_is_not_used() -> None:
    folder = install()
    (folder / "manifest.json").unlink()
    assert glotlid_model_file() is None
    assert "GlotLID" not in detect_language("bonjour le monde merci").reason


def test_a_damaged_install_says_how_to_mend_it_and_auto_goes_on_without_it() -> None:
    folder = install()
    (folder / "model.bin").write_bytes(b"truncated")
    with pytest.raises(UsageError, match="pull glotlid --force"):
        detect_language("bonjour le monde merci beaucoup", detector="glotlid")
    found = detect_language("Bonjour à tous, merci beaucoup pour votre accueil chaleureux hier soir.")
    assert found.language is not None and found.language.code == "fra_Latn"
    assert "GlotLID is installed but unusable" in found.reason and "pull glotlid --force" in found.reason


def test_a_damaged_install_is_read_once_not_for_every_text(monkeypatch: pytest.MonkeyPatch) -> None:
    import bayling_local.language.glotlid as glot

    folder = install()
    (folder / "model.bin").write_bytes(b"truncated")
    reads = []
    real = glot.GlotlidModel.__init__
    monkeypatch.setattr(glot.GlotlidModel, "__init__", lambda self, *a: reads.append(1) or real(self, *a))
    for text in ("bonjour le monde merci", "guten Tag und danke", "buenos dias amigo"):
        assert "unusable" in detect_language(text).reason
    assert len(reads) == 1


def test_every_alias_stands_for_a_flores_language() -> None:
    from bayling_local.language.glotlid import _ALIASES

    assert set(_ALIASES.values()) <= set(BY_CODE)
    assert flores_code("ekk_Latn", frozenset(BY_CODE)) == "est_Latn"  # Standard Estonian: FLORES's est


def test_a_new_pull_is_read_again(tmp_path: Path) -> None:
    import os

    folder = install()
    assert detect_language("bonjour le monde merci").language.code == "fra_Latn"  # type: ignore[union-attr]
    # `pull --force` of a model that reads the same words as German: a running server picks it up.
    write_fasttext(folder / "model.bin", {"deu_Latn": ["bonjour", "monde", "merci"], "fra_Latn": ["x"]})
    manifest = folder / "manifest.json"
    later = manifest.stat().st_mtime_ns + 1_000_000_000
    os.utime(manifest, ns=(later, later))
    assert detect_language("bonjour le monde merci").language.code == "deu_Latn"  # type: ignore[union-attr]


def test_detect_command_uses_glotlid_and_lets_the_user_opt_out() -> None:
    runner = CliRunner()
    refused = runner.invoke(cli, ["detect", "--detector", "glotlid", "bonjour"])
    assert refused.exit_code != 0 and "bayling-local pull glotlid" in refused.output
    install()
    lines = runner.invoke(
        cli, ["detect", "--json"], input="bonjour le monde merci\nthe bairn gaed tae the kirk\n"
    )
    assert lines.exit_code == 0, lines.output
    first, second = (json.loads(line) for line in lines.stdout.splitlines())
    assert first["language"] == "fra_Latn" and first["confidence"] > 0.9
    assert second["language"] is None and "sco_Latn" not in json.dumps(second["candidates"])
    builtin = runner.invoke(cli, ["detect", "--detector", "ngram", "--json", "bonjour le monde merci"])
    assert json.loads(builtin.stdout)["language"] == "fra_Latn"
