"""How the client decides to prompt a server's model, from what the server says about it (pure functions)."""

from __future__ import annotations

import pytest

from bayling_local.errors import RemoteServerError, UsageError
from bayling_local.remote.link import SERVER_CHAT, _context_of, _format_for, api_base, estimate_tokens


@pytest.mark.parametrize(
    ("entry", "template", "expected"),
    [
        ({"id": "builtin", "bayling_local": {"prompt_format": "fewshot"}}, None, "fewshot"),
        ({"id": "mine", "bayling_local": {"prompt_format": "gguf"}}, None, "server"),
        ({"id": "bayling-2-7b-q4_k_m"}, None, "bayling"),
        ({"id": "BayLing-2-Llama-3-8B"}, None, "bayling3"),
        ({"id": "Qwen/Qwen2.5-7B-Instruct"}, None, "server"),
        ({"id": "Qwen/Qwen2.5-7B-Instruct"}, "bayling", "bayling"),
        ({"id": "bayling-2-7b", "bayling_local": {"prompt_format": "bayling"}}, "gguf", "server"),
        ({"id": "gemma-base"}, "fewshot", "fewshot"),
    ],
)
def test_the_prompt_format_follows_the_flag_then_the_server_then_the_name(
    entry: dict[str, object], template: str | None, expected: str
) -> None:
    chosen = _format_for(entry, template)
    assert chosen.name == expected
    assert (chosen is SERVER_CHAT) == (expected == "server")


def test_an_unknown_template_is_refused_with_the_choices() -> None:
    with pytest.raises(UsageError, match="choose one of"):
        _format_for({"id": "x"}, "alpaca")


def test_the_context_comes_from_whatever_shape_the_server_reports() -> None:
    assert _context_of({"id": "a", "bayling_local": {"context_length": 2048}}) == 2048
    assert _context_of({"id": "vllm", "max_model_len": 32768}) == 32768
    assert _context_of({"id": "llama-server", "meta": {"n_ctx_train": 8192}}) == 8192
    assert _context_of({"id": "openai"}) is None


def test_the_url_may_be_given_with_or_without_v1() -> None:
    assert api_base("http://127.0.0.1:8080") == "http://127.0.0.1:8080/v1"
    assert api_base("http://127.0.0.1:8080/v1/") == "http://127.0.0.1:8080/v1"
    with pytest.raises(RemoteServerError, match="http"):
        api_base("localhost:8080")


def test_estimated_counts_err_high_for_latin_and_cjk_text() -> None:
    # Llama-2's tokenizer: 11 tokens for this sentence, 9 for the Chinese one (counted offline once).
    assert estimate_tokens("The cat sleeps on the warm windowsill today.") >= 11
    assert estimate_tokens("猫今天睡在温暖的窗台上。") >= 9
    assert estimate_tokens("") == 0


def test_a_served_gguf_is_described_from_its_header_without_loading_it() -> None:
    from bayling_local.config import RuntimeConfig
    from bayling_local.server.run import describe_model

    assert describe_model(RuntimeConfig(ctx=2048))("builtin") == {
        "prompt_format": "fewshot",
        "context_length": 2048,
    }
    assert describe_model(RuntimeConfig(template="bayling"))("builtin")["prompt_format"] == "bayling"
