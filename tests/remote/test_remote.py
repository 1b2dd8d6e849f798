"""`translate --server`: the translation core on this side, generation on a real server (uvicorn on
127.0.0.1, fake models) reached through the real `openai` client."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from server.conftest import Running, _wait_healthy, free_port, running
from tui.fakes import FakeEngine

from bayling_local.cli.main import cli
from bayling_local.config import GenerationConfig, RemoteConfig, RuntimeConfig
from bayling_local.engine.requests import Handle, Request
from bayling_local.errors import RemoteServerError
from bayling_local.prompts.formats import Message, PromptFormat
from bayling_local.remote.engine import RemoteEngine
from bayling_local.store.opening import open_remote


class Recording(FakeEngine):
    """Remembers every prompt text it was asked to tokenize (what the client built, as the server saw it)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.texts: list[str] = []

    def tokenize(self, text: str, add_bos: bool | None = None) -> list[int]:
        self.texts.append(text)
        return super().tokenize(text, add_bos)


@pytest.fixture(autouse=True)
def no_client_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The client tries a refused connection or a 500 again with a back-off: seconds these tests need not wait."""
    monkeypatch.setattr("bayling_local.remote.link.CLIENT_RETRIES", 0)


@pytest.fixture
def fake() -> Recording:
    return Recording(translation="Bonjour le monde", delay=0)


@pytest.fixture
def live(fake: Recording) -> Running:
    with running(lambda _name: fake) as server:
        _wait_healthy(server)
        yield server  # type: ignore[misc]


def translate(*args: str) -> object:
    return CliRunner().invoke(cli, ["translate", *args])


def translate_file(source: Path, out: Path, url: str, *extra: str) -> object:
    """eng_Latn -> fra_Latn, file to file, through the server at `url`."""
    where = ["-i", str(source), "-o", str(out), "--server", url]
    return translate(*where, "--to", "fra_Latn", "--from", "eng_Latn", *extra)


def test_translate_through_the_server_prints_its_translation_and_says_where_it_ran(
    live: Running, fake: Recording
) -> None:
    outcome = translate("Hello world", "--to", "fra_Latn", "--from", "eng_Latn", "--server", live.url)
    assert outcome.exit_code == 0, outcome.output  # type: ignore[attr-defined]
    assert outcome.stdout == "Bonjour le monde\n"  # type: ignore[attr-defined]
    assert f"Translating on {live.url} with fake" in outcome.stderr  # type: ignore[attr-defined]
    # The few-shot prompt the server reported for its model was built here and continued there.
    assert any(text.endswith("English: Hello world\nFrench:") for text in fake.texts), fake.texts[-3:]


def test_a_file_goes_through_with_one_line_per_line_and_the_checks_run_here(
    live: Running, fake: Recording, tmp_path: Path
) -> None:
    source = tmp_path / "in.txt"
    source.write_text("Hello world\n\nHello world\n", encoding="utf-8")
    out = tmp_path / "out.txt"
    fake.translation = "Hello world"  # an echo: the client's checks catch it and retry through the server
    outcome = translate_file(source, out, live.url + "/v1", "--max-retries", "1")
    assert outcome.exit_code == 0, outcome.output  # type: ignore[attr-defined]
    assert out.read_text(encoding="utf-8") == "Hello world\n\nHello world\n"
    assert "still fail the output checks" in outcome.stderr  # type: ignore[attr-defined]
    strict = [
        text for text in fake.texts if text.endswith("Hello world\nFrench:") and "never copy it" in text
    ]
    assert strict, "a retry with the stricter prompt reached the server"


def test_a_wrong_key_an_unknown_model_and_no_server_are_each_one_line(fake: Recording) -> None:
    with running(lambda _name: fake, api_key="sesame") as keyed:
        _wait_healthy(keyed)
        wrong = translate("Hi there", "--to", "fra_Latn", "--server", keyed.url, "--api-key", "nope")
        unknown = translate(
            "Hi there", "--to", "fra_Latn", "--server", keyed.url, "--api-key", "sesame", "-m", "nosuch"
        )
        right = translate("Hi there", "--to", "fra_Latn", "--server", keyed.url, "--api-key", "sesame")
    nobody = translate("Hi there", "--to", "fra_Latn", "--server", f"http://127.0.0.1:{free_port()}")
    for outcome, said in (
        (wrong, "refused the API key"),
        (unknown, "has no model 'nosuch'; it has: fake, other"),
        (nobody, "cannot reach the server"),
    ):
        lines = outcome.stderr.strip().splitlines()  # type: ignore[attr-defined]
        assert outcome.exit_code != 0 and len(lines) == 1 and said in lines[0], outcome.stderr  # type: ignore[attr-defined]
    assert right.exit_code == 0 and right.stdout == "Bonjour le monde\n"  # type: ignore[attr-defined]


def test_a_chat_model_gets_messages_and_the_server_applies_its_own_template(fake: Recording) -> None:
    fake.format = PromptFormat(
        "gguf", lambda messages, _add: "|".join(m.content for m in messages) + "|ASSISTANT:"
    )
    with running(lambda _name: fake) as live:
        _wait_healthy(live)
        outcome = translate("Hello world", "--to", "deu_Latn", "--from", "eng_Latn", "--server", live.url)
    assert outcome.exit_code == 0 and outcome.stdout == "Bonjour le monde\n"  # type: ignore[attr-defined]
    assert "server prompts" in outcome.stderr  # type: ignore[attr-defined]
    assert "Provide the German translation for this sentence: Hello world|ASSISTANT:" in fake.texts


def test_a_server_that_fails_mid_run_keeps_the_lines_already_done(fake: Recording, tmp_path: Path) -> None:
    calls = {"n": 0}
    real_submit = fake.submit

    def failing_submit(request: Request) -> Handle:
        calls["n"] += 1
        if calls["n"] >= 2:
            raise RuntimeError("the model crashed")
        return real_submit(request)

    fake.submit = failing_submit  # type: ignore[method-assign]
    source = tmp_path / "in.txt"
    source.write_text("One line.\nTwo lines.\nThree lines.\n", encoding="utf-8")
    out = tmp_path / "out.txt"
    with running(lambda _name: fake) as live:
        _wait_healthy(live)
        outcome = translate_file(source, out, live.url, "--parallel", "1", "--max-retries", "0")
    assert outcome.exit_code != 0 and "the model crashed" in outcome.stderr  # type: ignore[attr-defined]
    assert not out.exists()
    assert Path(str(out) + ".partial").read_text(encoding="utf-8").startswith("Bonjour le monde\n")


def _remote(live: Running, parallel: int) -> RemoteEngine:
    return open_remote(RemoteConfig(server=live.url), RuntimeConfig(), None, parallel)


def test_a_retry_goes_ahead_of_the_queue_and_close_cancels_what_waits(fake: Recording) -> None:
    fake.delay = 0.05
    fake.translation = "un deux trois quatre"
    with running(lambda _name: fake) as live:
        _wait_healthy(live)
        remote = _remote(live, parallel=1)
        try:
            generation = GenerationConfig(max_tokens=8)
            handles = [
                remote.submit(remote.request(remote.tokenize(f"Line {n}"), generation)) for n in range(4)
            ]
            urgent = remote.request(remote.tokenize("Retry"), generation)
            urgent.priority = 1
            first_retry = remote.submit(urgent)
            assert first_retry.result(timeout=20).text.strip() == "un deux trois quatre"
            assert sum(h.done() for h in handles) <= 2  # it overtook the lines still queued
        finally:
            remote.close()
        outcomes = [h.result(timeout=10).stop_reason for h in handles]
    assert "cancelled" in outcomes


def test_cancelling_a_streamed_request_ends_it_on_the_server(fake: Recording) -> None:
    fake.delay = 0.05
    fake.translation = " ".join(["mot"] * 200)
    with running(lambda _name: fake) as live:
        _wait_healthy(live)
        remote = _remote(live, parallel=2)
        try:
            handle = remote.submit(remote.request(remote.tokenize("Long"), GenerationConfig(max_tokens=400)))
            pieces = handle.pieces()
            next(pieces)
            handle.cancel()
            assert handle.result(timeout=10).stop_reason == "cancelled"
            deadline = time.monotonic() + 10
            while not any(r.stop_reason == "cancelled" for r in fake.results):
                assert time.monotonic() < deadline, "the server kept generating for a client that left"
                time.sleep(0.05)
            assert fake.results[-1].completion_tokens < 100
            after = remote.generate("Next", GenerationConfig(max_tokens=3))
            assert after.text.split() == ["mot", "mot"]  # the freed slot serves the next request
        finally:
            remote.close()


def test_chat_and_generate_answer_through_the_server(live: Running, fake: Recording) -> None:
    remote = _remote(live, parallel=1)
    try:
        seen: list[str] = []
        answer = remote.chat([Message("user", "Hi")], GenerationConfig(max_tokens=64), on_text=seen.append)
    finally:
        remote.close()
    assert answer.text.strip() == "Bonjour le monde" and "".join(seen) == answer.text
    assert answer.stop_reason == "stop" and answer.completion_tokens > 0


def test_a_closed_engine_refuses_new_work_at_once(live: Running) -> None:
    remote = _remote(live, parallel=1)
    remote.close()
    handle = remote.submit(remote.request(remote.tokenize("Late"), GenerationConfig()))
    with pytest.raises(RuntimeError, match="closed"):
        handle.result(timeout=1)


def test_no_server_at_the_url_fails_before_any_work() -> None:
    with pytest.raises(RemoteServerError, match="cannot reach"):
        open_remote(RemoteConfig(server=f"http://127.0.0.1:{free_port()}"), RuntimeConfig(), None)
    with pytest.raises(RemoteServerError, match="not an http"):
        open_remote(RemoteConfig(server="127.0.0.1:8080"), RuntimeConfig(), None)
