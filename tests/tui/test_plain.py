"""`bayling-local chat` without a terminal: the plain REPL, driven through CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import bayling_local.chats as chats
from bayling_local.cli import cli

from .fakes import FakeEngine, FakeLoader


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> FakeLoader:
    loader = FakeLoader(FakeEngine(answer="Paris is the capital.", delay=0))
    monkeypatch.setattr(chats, "default_loader", loader)
    return loader


def run(lines: str, *args: str) -> tuple[str, str, int]:
    result = CliRunner().invoke(cli, ["chat", *args], input=lines)
    return result.stdout, result.stderr, result.exit_code


def test_piped_input_uses_plain_mode_and_streams_answers(fake: FakeLoader) -> None:
    stdout, _, code = run("What is the capital of France?\n")  # no --plain: stdin is not a terminal
    assert code == 0
    assert stdout == "Paris is the capital.\n"


def test_second_turn_sees_the_first(fake: FakeLoader) -> None:
    run("First question\nSecond question\n", "--plain")
    roles = [m.role for m in fake.engine.prompts[-1]]
    assert roles == ["user", "assistant", "user"]


def test_system_clear_and_to(fake: FakeLoader) -> None:
    stdout, stderr, code = run(
        "/system Answer in French.\nHello\n/clear\nAgain\n/to german\nGood morning\n/to off\n"
        "/exit\nnever read\n"
    )
    assert code == 0
    assert fake.engine.prompts[0][0].content == "Answer in French."
    assert [m.content for m in fake.engine.prompts[1]] == [
        "Answer in French.",
        "Again",
    ]  # /clear forgot Hello
    assert "Translating into German (deu_Latn)" in stderr
    assert stdout.splitlines() == ["Paris is the capital.", "Paris is the capital.", "Bonjour le monde"]
    assert len(fake.engine.prompts) == 2  # nothing after /exit


def test_save_writes_markdown_and_json(fake: FakeLoader, tmp_path: Path) -> None:
    md, js = tmp_path / "c.md", tmp_path / "c.json"
    _, stderr, _ = run(f"Hi\n/save {md}\n/save {js}\n")
    assert "Saved 2 message(s)" in stderr
    assert "## Assistant\n\nParis is the capital." in md.read_text()
    assert [m["role"] for m in json.loads(js.read_text())["messages"]] == ["user", "assistant"]


def test_errors_are_one_line_and_the_repl_goes_on(fake: FakeLoader) -> None:
    stdout, stderr, code = run("/to klingonese\n/bogus\nHi\n")
    assert code == 0
    assert "Error: Unknown language 'klingonese'" in stderr
    assert "Unknown command /bogus" in stderr
    assert stdout == "Paris is the capital.\n"


def test_model_that_fails_to_load_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chats, "default_loader", FakeLoader(fail="broken.gguf is not a GGUF file"))
    stdout, stderr, code = run("Hi\nAgain\n")
    assert "Error: broken.gguf is not a GGUF file" in stderr
    assert stderr.count("broken.gguf") == 1  # the session ends at the first failure, once
    assert stdout == ""
    assert code == 1  # like every other command that cannot load its model


def test_a_bad_template_ends_the_session_with_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from bayling_local.errors import UsageError

    class BadTemplate(FakeLoader):
        def __call__(self, runtime):  # type: ignore[no-untyped-def]
            raise UsageError("unknown prompt format 'bogus'")

    monkeypatch.setattr(chats, "default_loader", BadTemplate())
    _, stderr, code = run("Hi\n", "--template", "bogus")
    assert "unknown prompt format" in stderr
    assert code == 2


def test_bad_target_language_fails_before_starting() -> None:
    result = CliRunner().invoke(cli, ["chat", "--plain", "--to", "nowhere"], input="")
    assert result.exit_code == 2
    assert "Unknown language" in result.stderr
