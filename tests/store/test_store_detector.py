"""`pull glotlid` against the fake Hub: installed where detection finds it, checked by fastText first,
the Hugging Face cache emptied, an unusable file refused, `rm glotlid`; a tiny model in fastText's format
stands in for the real 1.7 GB one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from serve_fake_hub import FakeHub
from tiny_fasttext import GLOTLID_LIKE, write_fasttext

from bayling_local.cli.main import cli
from bayling_local.errors import NetworkError, StoreError
from bayling_local.language.detect import detect_language
from bayling_local.language.detectors import glotlid_folder, glotlid_model_file
from bayling_local.store.detectors import GLOTLID_REPO, DetectorPullRequest, pull_glotlid


@pytest.fixture
def glotlid_hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> FakeHub:
    model = write_fasttext(tmp_path / "model.bin", GLOTLID_LIKE)
    fake = FakeHub()
    fake.add(GLOTLID_REPO, {"model.bin": model, "model_v3.bin": model, "README.md": b"# GlotLID\n"})
    fake.start()
    monkeypatch.setenv("HF_ENDPOINT", fake.url)
    yield fake
    fake.stop()


def test_pull_installs_glotlid_and_detection_uses_it(glotlid_hub: FakeHub, hf_env: Path) -> None:
    result = pull_glotlid(DetectorPullRequest(progress=False))
    installed = glotlid_folder() / "model.bin"
    assert (
        glotlid_model_file() == installed
        and installed.read_bytes() == (glotlid_hub.repos[GLOTLID_REPO].files["model.bin"])
    )
    manifest = json.loads((glotlid_folder() / "manifest.json").read_text())
    assert manifest["source"]["commit"] == glotlid_hub.repos[GLOTLID_REPO].commit
    assert (manifest["labels"], manifest["flores_covered"]) == (6, 4)
    assert "eng_Latn" in manifest["flores_missing"] and "fra_Latn" not in manifest["flores_missing"]
    assert result.downloaded_bytes == installed.stat().st_size
    # Only the one file came down, and the cache's copy is gone (the installed one is the copy kept).
    fetched = {p.rsplit("/", 1)[-1] for m, p, _ in glotlid_hub.requests if m == "GET" and "/api/" not in p}
    assert fetched == {"model.bin"}
    assert not list((hf_env / "models--cis-lmu--glotlid" / "blobs").iterdir())
    assert "GlotLID" in detect_language("bonjour le monde merci").reason


def test_a_second_pull_does_nothing_unless_forced(glotlid_hub: FakeHub) -> None:
    pull_glotlid(DetectorPullRequest(progress=False))
    installed = glotlid_folder() / "model.bin"
    installed.write_bytes(b"damaged")
    again = pull_glotlid(DetectorPullRequest(progress=False))
    assert again.already_installed and installed.read_bytes() == b"damaged"
    forced = pull_glotlid(DetectorPullRequest(progress=False, force=True))
    assert not forced.already_installed
    assert installed.read_bytes() == glotlid_hub.repos[GLOTLID_REPO].files["model.bin"]
    assert "GlotLID" in detect_language("bonjour le monde merci", detector="glotlid").reason


def test_a_file_fasttext_cannot_use_is_refused_and_nothing_is_installed(
    monkeypatch: pytest.MonkeyPatch, glotlid_hub: FakeHub
) -> None:
    broken = FakeHub()
    broken.add(GLOTLID_REPO, {"model.bin": b"<html>not a model</html>" * 100})
    with broken:
        monkeypatch.setenv("HF_ENDPOINT", broken.url)
        with pytest.raises(StoreError, match="not usable: .*not a fastText classifier"):
            pull_glotlid(DetectorPullRequest(progress=False))
    assert glotlid_model_file() is None and not (glotlid_folder() / "manifest.json").exists()
    # Over a working install, a broken download changes nothing: the old model still answers.
    monkeypatch.setenv("HF_ENDPOINT", glotlid_hub.url)
    pull_glotlid(DetectorPullRequest(progress=False))
    with broken:
        monkeypatch.setenv("HF_ENDPOINT", broken.url)
        with pytest.raises(StoreError, match="not usable"):
            pull_glotlid(DetectorPullRequest(progress=False, force=True))
    assert "GlotLID" in detect_language("bonjour le monde merci", detector="glotlid").reason


def test_a_revision_without_the_model_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeHub()
    fake.add(GLOTLID_REPO, {"README.md": b"moved\n"})
    with fake:
        monkeypatch.setenv("HF_ENDPOINT", fake.url)
        with pytest.raises(StoreError, match="has no model.bin"):
            pull_glotlid(DetectorPullRequest(progress=False))


def test_pull_and_rm_glotlid_on_the_command_line(glotlid_hub: FakeHub) -> None:
    runner = CliRunner()
    pulled = runner.invoke(cli, ["pull", "glotlid", "--no-progress"])
    assert pulled.exit_code == 0, pulled.output
    assert "6 labels, 4 of the 205 FLORES-200 languages" in pulled.stderr
    assert pulled.stdout.strip() == str(glotlid_folder())
    assert "already installed" in runner.invoke(cli, ["pull", "glotlid"]).stderr
    refused = runner.invoke(cli, ["pull", "glotlid", "--name", "lid"])
    assert refused.exit_code != 0 and "takes neither" in refused.output
    tagged = runner.invoke(cli, ["pull", "glotlid:q4"])
    assert tagged.exit_code != 0 and "no :tag" in tagged.output
    detected = runner.invoke(cli, ["detect", "--json", "bonjour le monde merci"])
    assert json.loads(detected.stdout)["language"] == "fra_Latn"
    removed = runner.invoke(cli, ["rm", "glotlid"])
    assert removed.exit_code == 0 and "Removed GlotLID" in removed.stderr
    assert glotlid_model_file() is None and not glotlid_folder().exists()
    again = runner.invoke(cli, ["rm", "glotlid"])
    assert again.exit_code != 0 and "not installed" in again.output


def test_without_a_network_the_way_in_by_hand_is_for_the_detector() -> None:
    with pytest.raises(NetworkError, match="hf download cis-lmu/glotlid model.bin") as refused:
        pull_glotlid(DetectorPullRequest(progress=False))
    assert "convert" not in str(refused.value) and glotlid_model_file() is None


def test_a_model_bin_brought_in_by_hand_installs_without_a_network(tmp_path: Path) -> None:
    # HF_ENDPOINT points at a closed port (conftest): nothing may be asked of a Hub.
    write_fasttext(tmp_path / "model.bin", GLOTLID_LIKE)
    runner = CliRunner()
    pulled = runner.invoke(cli, ["pull", "glotlid", "--file", str(tmp_path / "model.bin")])
    assert pulled.exit_code == 0, pulled.output
    assert f"from {tmp_path / 'model.bin'}" in pulled.stderr and (tmp_path / "model.bin").exists()
    manifest = json.loads((glotlid_folder() / "manifest.json").read_text())
    assert manifest["source"] == {"file": str((tmp_path / "model.bin").resolve())}
    assert "GlotLID" in detect_language("bonjour le monde merci").reason
    (tmp_path / "notes.txt").write_text("not a model")
    refused = runner.invoke(cli, ["pull", "glotlid", "--force", "--file", str(tmp_path / "notes.txt")])
    assert refused.exit_code != 0 and "not usable" in refused.output
    assert "GlotLID" in detect_language("bonjour le monde merci").reason  # the installed one still answers
    wrong = runner.invoke(cli, ["pull", "some-org/model", "--file", str(tmp_path / "model.bin")])
    assert wrong.exit_code != 0 and "bayling-local import" in wrong.output


def test_pull_list_names_the_detector() -> None:
    listed = CliRunner().invoke(cli, ["pull", "--list"])
    assert "glotlid" in listed.stdout and "cis-lmu/glotlid" in listed.stdout
