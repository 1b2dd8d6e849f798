"""`pull` against the fake Hub: both kinds of repository, resume, checksum, offline, disk space."""

from __future__ import annotations

import hashlib
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from serve_fake_hub import TINY, TINY_GGUF, FakeHub

from bayling_local import paths
from bayling_local.errors import NetworkError, StoreError
from bayling_local.store import list_models, lookup
from bayling_local.store.pull import PullRequest, pull


def do_pull(spec: str, **kwargs: object) -> object:
    return pull(PullRequest(spec, progress=False, **kwargs))  # type: ignore[arg-type]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot_dir(hf_cache: Path, repo: str, hub: FakeHub) -> Path:
    return hf_cache / f"models--{repo.replace('/', '--')}" / "snapshots" / hub.repos[repo].commit


def test_pull_checkpoint_converts_quantizes_and_registers(hub: FakeHub, hf_env: Path) -> None:
    result = do_pull(TINY)
    model = lookup("tiny-llama")
    assert model is not None and [m.name for m in list_models()] == ["tiny-llama"]
    assert result.converted and model.path.name == "tiny-llama.Q4_K_M.gguf"  # type: ignore[attr-defined]
    manifest = json.loads((model.path.parent / "manifest.json").read_text())
    assert manifest["complete"] is True
    assert manifest["source"] == {"repo": TINY, "revision": hub.repos[TINY].commit, "path": None}
    assert manifest["sha256"] == sha256(model.path)
    assert manifest["size"] == model.path.stat().st_size
    assert manifest["quantization"] == "q4_k_m"
    assert manifest["template"] == model.template == "bayling3"  # byte-level BPE Llama: BayLing-3 format
    assert manifest["created"].endswith("Z")
    saved = json.loads(Path(str(model.path) + ".config.json").read_text())
    # The f16 checkpoint was quantized from an f16 intermediate chosen by `auto`, recorded resolved.
    assert (saved["ConvertConfig"]["outtype"], saved["outtype_requested"]) == ("f16", "auto")
    fetched = {p.rsplit("/", 1)[-1] for m, p, _ in hub.requests if m == "GET" and "/api/" not in p}
    assert fetched == {"config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"}
    # The verified conversion removed the downloaded checkpoint from the Hugging Face cache.
    assert not snapshot_dir(hf_env, TINY, hub).exists()
    assert not list((hf_env / "models--some-org--tiny-llama" / "blobs").iterdir())


def test_keep_source_keeps_the_checkpoint(hub: FakeHub, hf_env: Path) -> None:
    do_pull(TINY, keep_source=True)
    kept = snapshot_dir(hf_env, TINY, hub)
    assert sorted(p.name for p in kept.iterdir()) == [
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "tokenizer_config.json",
    ]


def test_pull_gguf_repo_chooses_file_by_tag(hub: FakeHub) -> None:
    result = do_pull(f"{TINY_GGUF}:q8_0", name="tiny-q8")
    model = lookup("tiny-q8")
    assert model is not None and not result.converted  # type: ignore[attr-defined]
    assert model.path.name == "tiny-llama.Q8_0.gguf"
    assert model.path.read_bytes() == hub.repos[TINY_GGUF].files["tiny-llama.Q8_0.gguf"]
    assert model.manifest["sha256"] == sha256(model.path)
    assert model.manifest["quantization"] == "q8_0"
    assert hub.gets("tiny-llama.F16.gguf") == []  # only the chosen file is downloaded


def test_gguf_repo_without_matching_tag_lists_the_tags(hub: FakeHub) -> None:
    with pytest.raises(StoreError, match=r"no GGUF file tagged 'q5_k_m'.*available: f16, q8_0"):
        do_pull(f"{TINY_GGUF}:q5_k_m")
    with pytest.raises(StoreError, match=r"several GGUF files and none tagged 'q4_k_m'.*f16, q8_0"):
        do_pull(TINY_GGUF)
    assert list_models() == []


def test_interrupted_download_resumes_with_a_range_request(hub: FakeHub) -> None:
    hub.drop_once.add("tiny-llama.Q8_0.gguf")
    do_pull(f"{TINY_GGUF}:q8_0")
    size = len(hub.repos[TINY_GGUF].files["tiny-llama.Q8_0.gguf"])
    first, second = hub.gets("tiny-llama.Q8_0.gguf", cdn=True)
    assert first is None and second == f"bytes={size // 2}-"  # every byte received was kept
    model = lookup("tiny-llama-gguf")
    assert model is not None and model.path.read_bytes() == hub.repos[TINY_GGUF].files["tiny-llama.Q8_0.gguf"]


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGINT])
def test_a_killed_pull_resumes_from_the_bytes_already_on_disk(hub: FakeHub, hf_env: Path, stop: int) -> None:
    name = "tiny-llama.Q8_0.gguf"
    data = hub.repos[TINY_GGUF].files[name]
    hub.stall_once.add(name)
    partial = (
        hf_env / "models--some-org--tiny-llama-GGUF" / "blobs" / f"{hashlib.sha256(data).hexdigest()}.partial"
    )
    command = [str(Path(sys.executable).with_name("bayling-local")), "pull", f"{TINY_GGUF}:q8_0"]
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (partial.exists() and partial.stat().st_size == len(data) // 2):
        assert time.monotonic() < deadline and run.poll() is None, run.communicate()
        time.sleep(0.05)
    run.send_signal(stop)
    _, stderr = run.communicate(timeout=30)
    assert (
        partial.stat().st_size == len(data) // 2
    )  # huggingface_hub would have deleted it, or never reused it
    if stop == signal.SIGINT:
        assert run.returncode == 130 and "the same pull resumes from there" in stderr, stderr
    notices: list[str] = []
    pull(PullRequest(f"{TINY_GGUF}:q8_0", progress=False), notify=notices.append)
    assert hub.gets(name, cdn=True)[-1] == f"bytes={len(data) // 2}-"
    kept = f"{len(data) // 2 / 1e3:.1f} kB"
    assert any(f"from {kept} already on disk" in line and "not downloaded again" in line for line in notices)
    model = lookup("tiny-llama-gguf")
    assert model is not None and model.path.read_bytes() == data and not partial.exists()


@pytest.mark.parametrize("bad_file", ["model.safetensors", "config.json"])  # LFS sha256 and git blob id
def test_corrupt_download_is_caught_and_not_registered(hub: FakeHub, hf_env: Path, bad_file: str) -> None:
    hub.corrupt.add(bad_file)
    with pytest.raises(StoreError, match=f"{bad_file} is corrupt.*nothing was registered"):
        do_pull(TINY)
    assert list_models() == []
    assert not (paths.models_dir() / "tiny-llama").exists()
    assert not (snapshot_dir(hf_env, TINY, hub) / bad_file).exists()  # the damaged copy is not kept
    hub.corrupt.clear()
    do_pull(TINY)  # a second try downloads it again and succeeds
    assert lookup("tiny-llama") is not None


def test_offline_uses_the_cached_revision(hub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> None:
    do_pull(TINY, keep_source=True, name="first")
    hub.stop()
    seen = len(hub.requests)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    notes: list[str] = []
    result = pull(PullRequest(TINY, progress=False, name="second"), notify=notes.append)
    assert lookup("second") is not None and result.downloaded_bytes == 0
    assert any("from the Hugging Face cache" in n for n in notes)
    assert len(hub.requests) == seen  # not one request


def test_unreachable_hub_falls_back_to_the_cache(hub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> None:
    do_pull(f"{TINY_GGUF}:q8_0", keep_source=True, name="first")
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens there
    do_pull(f"{TINY_GGUF}:q8_0", name="second")
    assert lookup("second") is not None


def test_offline_without_cache_says_the_network_is_needed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(NetworkError) as info:
        do_pull("bayling-2-8b")
    message = str(info.value)
    assert "ICTNLP/bayling-2-llama-3-8b@main is not in the Hugging Face cache" in message
    assert "the network is needed" in message and "bayling-local import" in message
    assert "\n" not in message


def test_not_enough_disk_space_stops_before_downloading(
    hub: FakeHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from bayling_local.store import download

    monkeypatch.setattr(download.shutil, "disk_usage", lambda _: shutil._ntuple_diskusage(10**9, 10**9, 1000))  # type: ignore[attr-defined]
    with pytest.raises(StoreError, match="not enough disk space"):
        do_pull(TINY)
    assert hub.gets("model.safetensors") == [] and list_models() == []


def test_unknown_repository_is_one_clear_error(hub: FakeHub) -> None:
    with pytest.raises(StoreError, match="no repository some-org/nothing-here on http://127.0.0.1"):
        do_pull("some-org/nothing-here")


def test_second_pull_of_an_installed_name_does_nothing_unless_forced(hub: FakeHub) -> None:
    do_pull(f"{TINY_GGUF}:q8_0", name="tiny")
    seen = len(hub.requests)
    assert do_pull(f"{TINY_GGUF}:q8_0", name="tiny").already_installed  # type: ignore[attr-defined]
    assert len(hub.requests) == seen
    do_pull(f"{TINY_GGUF}:f16", name="tiny", force=True)
    model = lookup("tiny")
    assert model is not None and model.path.name == "tiny-llama.F16.gguf"
    assert sorted(p.name for p in model.path.parent.iterdir()) == [
        "manifest.json",
        "tiny-llama.F16.gguf",
        "tiny-llama.F16.gguf.config.json",
    ]


def test_private_repository_needs_hf_token(hub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> None:
    hub.tokens[TINY_GGUF] = "hf_secret"
    with pytest.raises(StoreError, match="or it is private: set HF_TOKEN"):
        do_pull(f"{TINY_GGUF}:q8_0")
    monkeypatch.setenv("HF_TOKEN", "hf_secret")
    do_pull(f"{TINY_GGUF}:q8_0")
    assert lookup("tiny-llama-gguf") is not None


def test_failed_conversion_keeps_the_installed_model_and_the_source(
    hub: FakeHub, hf_env: Path, checkpoint_files: dict[str, bytes]
) -> None:
    from bayling_local.errors import ConvertError

    do_pull(f"{TINY_GGUF}:q8_0", name="tiny")
    broken = dict(checkpoint_files)
    config = json.loads(broken["config.json"])
    broken["config.json"] = json.dumps({**config, "architectures": ["MysteryForCausalLM"]}).encode()
    hub.add("some-org/mystery", broken)
    with pytest.raises(ConvertError, match="MysteryForCausalLM is not supported"):
        do_pull("some-org/mystery", name="tiny", force=True)
    model = lookup("tiny")
    assert model is not None and model.path.name == "tiny-llama.Q8_0.gguf"  # still installed, still whole
    assert (snapshot_dir(hf_env, "some-org/mystery", hub) / "model.safetensors").exists()  # not re-downloaded
    assert not any((paths.cache_dir() / "convert").iterdir())


def test_downloads_go_through_the_https_proxy_from_the_environment(
    hub: FakeHub, monkeypatch: pytest.MonkeyPatch
) -> None:
    from huggingface_hub import close_session

    # The fake Hub doubles as a forward proxy: it serves absolute-URI requests by their path. The endpoint's
    # host name does not resolve, so the pull can only work through the proxy.
    monkeypatch.setenv("HF_ENDPOINT", "http://hub.invalid")
    monkeypatch.setenv("HTTP_PROXY", hub.url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    close_session()  # huggingface_hub's HTTP client reads proxy settings when it is created
    try:
        do_pull(f"{TINY_GGUF}:q8_0")
    finally:
        close_session()
    assert lookup("tiny-llama-gguf") is not None
    assert any(path.startswith("/api/models/") for _, path, _ in hub.requests)


def test_a_catalogue_model_is_found_under_its_other_name(
    hub: FakeHub, hf_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """BayLing-2-8B is linked under two names; when the first does not exist, the other is pulled."""
    from bayling_local.store import catalogue

    entry = catalogue.CatalogueEntry(
        "tiny-alias", "nobody/missing-tiny", "bayling3", 1e6, 0.1, "test", other_repo_ids=(TINY_GGUF,)
    )
    monkeypatch.setattr(catalogue, "CATALOGUE", (*catalogue.CATALOGUE, entry))
    said: list[str] = []
    result = pull(PullRequest("tiny-alias:q8_0", progress=False), notify=said.append)
    assert result.model.name == "tiny-alias"  # type: ignore[attr-defined]
    assert any("nobody/missing-tiny does not exist; trying " + TINY_GGUF in line for line in said)
    assert catalogue.find("ICTNLP/bayling-llama-3-8b").name == "bayling-2-8b"  # type: ignore[union-attr]


def test_a_name_missing_under_every_spelling_is_one_error(
    hub: FakeHub, hf_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bayling_local.store import catalogue

    entry = catalogue.CatalogueEntry(
        "gone", "nobody/a", "bayling3", 1e6, 0.1, "test", other_repo_ids=("nobody/b",)
    )
    monkeypatch.setattr(catalogue, "CATALOGUE", (*catalogue.CATALOGUE, entry))
    with pytest.raises(StoreError, match="no repository nobody/b"):
        do_pull("gone")
