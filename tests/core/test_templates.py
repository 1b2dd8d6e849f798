"""Prompt formats: the exact strings BayLing was trained on, and how a format is chosen."""

from __future__ import annotations

import pytest

from bayling_local.errors import UsageError
from bayling_local.prompts.formats import (
    BAYLING,
    BAYLING3,
    BAYLING3_JINJA,
    BAYLING_JINJA,
    FEWSHOT,
    Message,
    ModelFacts,
    choose_format,
    render_bayling,
    render_bayling3,
    render_jinja,
    translation_message,
)

CONVERSATION = [Message("user", "Hi"), Message("assistant", "Hello!"), Message("user", "Translate: cat")]


def test_bayling_prompt_is_the_official_string() -> None:
    assert render_bayling(CONVERSATION) == (
        "I am an intelligent language assistant developed by the NLP Group of ICT/CAS.\n"
        "Below is a dialog consisting of instructions and responses. Write a response that completes the request.\n"
        "\n### Instruction:\nHi\n### Response:\nHello!</s>"
        "\n### Instruction:\nTranslate: cat\n### Response:\n"
    )
    assert BAYLING.stop_tokens == ("</s>",)


def test_bayling3_prompt_uses_llama3_headers_and_strips_messages() -> None:
    messages = [Message("user", "  Hi \n"), Message("assistant", "Hello!"), Message("user", "Bye")]
    assert render_bayling3(messages) == (
        "<|start_header_id|>system<|end_header_id|>\n\nI am BayLing developed by the NLP Group of ICT/CAS.<|eot_id|>"
        "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\nHello!<|eot_id|>"
        "<|start_header_id|>user<|end_header_id|>\n\nBye<|eot_id|>"
        "<|start_header_id|>assistant<|end_header_id|>\n\n"
    )
    assert BAYLING3.stop_tokens == ("<|eot_id|>", "<|end_of_text|>")


def test_custom_system_prompt_replaces_the_default() -> None:
    text = render_bayling3([Message("system", "Be brief."), Message("user", "Hi")])
    assert text.startswith("<|start_header_id|>system<|end_header_id|>\n\nBe brief.<|eot_id|>")
    assert "ICT/CAS" not in text


@pytest.mark.parametrize(
    ("jinja", "renderer", "bos", "eos"),
    [
        (BAYLING_JINJA, render_bayling, "<s>", "</s>"),
        (BAYLING3_JINJA, render_bayling3, "<|begin_of_text|>", "<|eot_id|>"),
    ],
)
def test_embedded_jinja_template_renders_like_the_python_one(jinja, renderer, bos, eos) -> None:  # type: ignore[no-untyped-def]
    for messages in (CONVERSATION, [Message("system", "Sys."), *CONVERSATION]):
        assert render_jinja(jinja, messages, True, bos, eos) == renderer(messages)


def test_translation_instruction_is_baylings() -> None:
    assert (
        translation_message("Bonjour", "English")
        == "Provide the English translation for this sentence: Bonjour"
    )


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (ModelFacts("bayling-2-7b.Q4_K_M.gguf", "llama", vocab_size=32000), "bayling"),
        (ModelFacts("model.gguf", "llama", "BayLing 2 Llama 3 8B", vocab_size=128256), "bayling3"),
        (ModelFacts("bayling-2-llama-3-8b-q4_k_m.gguf", "llama"), "bayling3"),
        (ModelFacts("x.gguf", "llama", chat_template=BAYLING_JINJA), "bayling"),
        (ModelFacts("x.gguf", "llama", chat_template=BAYLING3_JINJA), "bayling3"),
        (
            ModelFacts("qwen2.5-1.5b-instruct.gguf", "qwen2", chat_template="{{ messages[0]['content'] }}"),
            "gguf",
        ),
        (
            ModelFacts("gemma-3-270m-q4_k_m.gguf", "gemma3", "Gemma 3 270m", chat_template="{{ x }}"),
            "fewshot",
        ),
        (ModelFacts("mystery.gguf", "llama"), "fewshot"),
    ],
)
def test_format_is_chosen_from_metadata_and_file_name(facts: ModelFacts, expected: str) -> None:
    assert choose_format(facts).name == expected


def test_template_override_wins_and_bad_names_are_refused() -> None:
    facts = ModelFacts("bayling-2-7b.gguf", "llama")
    assert choose_format(facts, "fewshot") is FEWSHOT
    with pytest.raises(UsageError, match="choose one of"):
        choose_format(facts, "alpaca")
    with pytest.raises(UsageError, match="no embedded chat template"):
        choose_format(facts, "gguf")


def test_gguf_templates_run_sandboxed() -> None:
    hostile = "{{ ''.__class__.__mro__[1].__subclasses__() }}"
    with pytest.raises(UsageError, match="cannot be rendered"):
        render_jinja(hostile, CONVERSATION)


def test_gguf_template_can_refuse_a_conversation() -> None:
    template = "{% if messages[0]['role'] != 'system' %}{{ raise_exception('system first') }}{% endif %}"
    with pytest.raises(UsageError, match="system first"):
        render_jinja(template, CONVERSATION)


def test_gguf_template_bos_is_left_to_the_tokenizer() -> None:
    text = render_jinja("{{ bos_token }}{{ messages[0]['content'] }}", CONVERSATION, True, "<bos>", "")
    assert text == "Hi"
