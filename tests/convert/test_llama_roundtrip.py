"""Tiny random Llama-2 and Llama-3 checkpoints through the converter, checked against transformers."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from bayling_local.prompts.formats import (
    BAYLING3_SYSTEM,
    BAYLING_SYSTEM,
    Message,
    render_bayling,
    render_bayling3,
    render_jinja,
)
from convert import verify
from convert.api import ConvertResult

CHECKPOINTS = ["llama2", "llama3"]


@pytest.fixture(params=CHECKPOINTS)
def converted(request: pytest.FixtureRequest) -> tuple[Path, ConvertResult]:
    """(HF checkpoint folder, its F32 conversion) for each tokenizer family."""
    return request.getfixturevalue(f"{request.param}_dir"), request.getfixturevalue(f"{request.param}_f32")


def _scripts(texts: list[str]) -> set[str]:
    """Unicode script families present (first word of the character name, e.g. DEVANAGARI, CJK)."""
    names = set()
    for text in texts:
        for char in text:
            if char.isalpha():
                names.add(unicodedata.name(char, "UNKNOWN").split()[0])
    return names


def test_llama_cpp_tokenizes_like_transformers(
    converted: tuple[Path, ConvertResult], flores_sentences: list[str]
) -> None:
    src, result = converted
    assert len(flores_sentences) >= 200 and len(_scripts(flores_sentences)) >= 20
    expected = verify.hf_tokenize(src, flores_sentences)
    actual = verify.gguf_tokenize(result.path, flores_sentences)
    mismatched = [text for text, a, b in zip(flores_sentences, expected, actual, strict=True) if a != b]
    assert mismatched == [], f"{len(mismatched)} sentences tokenized differently, e.g. {mismatched[:2]}"
    assert all(ids[0] == expected[0][0] for ids in actual)  # BOS first, as transformers does


def test_f32_logits_match_transformers(
    converted: tuple[Path, ConvertResult], flores_sentences: list[str]
) -> None:
    src, result = converted
    sequences = verify.hf_tokenize(src, flores_sentences[::16])  # one sentence per script family
    model = verify.load_hf_model(src)
    runner = verify.GgufRunner(result.path, n_ctx=max(len(ids) for ids in sequences) + 8, threads=2)
    try:
        for ids in sequences:
            expected, actual = verify.hf_logits(model, ids), runner.logits(ids)
            assert (expected.argmax(-1) == actual.argmax(-1)).all()
            assert abs(expected - actual).max() < 1e-2
    finally:
        runner.close()


def test_llama2_gguf_metadata(llama2_f32: ConvertResult, gguf_metadata) -> None:  # type: ignore[no-untyped-def]
    meta = gguf_metadata(llama2_f32.path)
    assert meta["tokenizer.ggml.model"] == "llama"
    assert (meta["tokenizer.ggml.bos_token_id"], meta["tokenizer.ggml.eos_token_id"]) == (1, 2)
    assert meta["tokenizer.ggml.add_bos_token"] is True
    assert meta["llama.attention.head_count_kv"] == 4
    assert llama2_f32.template == "bayling"


def test_llama3_gguf_metadata(llama3_dir: Path, llama3_f32: ConvertResult, gguf_metadata) -> None:  # type: ignore[no-untyped-def]
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(llama3_dir)
    meta = gguf_metadata(llama3_f32.path)
    assert (meta["tokenizer.ggml.model"], meta["tokenizer.ggml.pre"]) == ("gpt2", "llama-bpe")
    assert meta["tokenizer.ggml.bos_token_id"] == tokenizer.convert_tokens_to_ids("<|begin_of_text|>")
    assert meta["tokenizer.ggml.eos_token_id"] == tokenizer.convert_tokens_to_ids("<|end_of_text|>")
    assert meta["tokenizer.ggml.eot_token_id"] == tokenizer.convert_tokens_to_ids("<|eot_id|>")
    assert (meta["llama.attention.head_count"], meta["llama.attention.head_count_kv"]) == (4, 2)
    assert meta["llama.rope.freq_base"] == 500000.0
    assert llama3_f32.template == "bayling3"


def test_llama_cpp_stops_on_both_end_tokens(llama3_f32: ConvertResult) -> None:
    """Any llama.cpp tool ends an answer at <|eot_id|> and <|end_of_text|>, not only ours."""
    import llama_cpp

    llm = llama_cpp.Llama(model_path=str(llama3_f32.path), vocab_only=True, verbose=False)
    try:
        eot, eos = (
            llm.tokenize(t.encode(), add_bos=False, special=True) for t in ("<|eot_id|>", "<|end_of_text|>")
        )
        assert len(eot) == len(eos) == 1
        assert llama_cpp.llama_vocab_is_eog(llm._model.vocab, eot[0])
        assert llama_cpp.llama_vocab_is_eog(llm._model.vocab, eos[0])
    finally:
        llm.close()


@pytest.mark.parametrize(
    ("fixture", "render", "system", "bos"),
    [
        ("llama2_f32", render_bayling, BAYLING_SYSTEM, "<s>"),
        ("llama3_f32", render_bayling3, BAYLING3_SYSTEM, "<|begin_of_text|>"),
    ],
)
def test_embedded_chat_template_renders_like_bayling(
    request: pytest.FixtureRequest,
    gguf_metadata,
    fixture: str,
    render,
    system: str,
    bos: str,  # type: ignore[no-untyped-def]
) -> None:
    result = request.getfixturevalue(fixture)
    template = gguf_metadata(result.path)["tokenizer.chat_template"]
    eos = "</s>" if bos == "<s>" else "<|eot_id|>"
    conversations = [
        [Message("user", "Translate: good night")],
        [
            Message("system", system),
            Message("user", "Hi"),
            Message("assistant", "Hello!"),
            Message("user", "Bye"),
        ],
    ]
    for messages in conversations:
        rendered = render_jinja(template, messages, True, bos_token=bos, eos_token=eos)
        assert rendered == render(messages, True)


def test_config_saved_beside_and_no_temp_files_left(llama2_f32: ConvertResult) -> None:
    saved = json.loads(llama2_f32.config_path.read_text(encoding="utf-8"))
    assert saved["ConvertConfig"]["outtype"] == "f32"
    assert saved["template"] == "bayling"
    leftovers = [p.name for p in llama2_f32.path.parent.iterdir() if p.name.endswith(".part")]
    assert leftovers == []
