"""Builders for the converter tests: tokenizers trained on FLORES text and tiny random Llama checkpoints.

Kept out of conftest.py so the session fixtures stay short; nothing here runs at import.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

# One FLORES language per script (30 scripts): the tokenization check covers each of them.
SCRIPT_LANGS = (
    "eng_Latn",
    "fra_Latn",
    "vie_Latn",
    "rus_Cyrl",
    "arb_Arab",
    "heb_Hebr",
    "hin_Deva",
    "ben_Beng",
    "pan_Guru",
    "guj_Gujr",
    "ory_Orya",
    "tam_Taml",
    "tel_Telu",
    "kan_Knda",
    "mal_Mlym",
    "sin_Sinh",
    "tha_Thai",
    "lao_Laoo",
    "bod_Tibt",
    "mya_Mymr",
    "khm_Khmr",
    "kat_Geor",
    "hye_Armn",
    "amh_Ethi",
    "ell_Grek",
    "zho_Hans",
    "zho_Hant",
    "jpn_Jpan",
    "kor_Hang",
    "tzm_Tfng",
    "sat_Olck",
    "nqo_Nkoo",
)
TRAIN_LINES = slice(0, 150)  # tokenizers learn from these lines ...
TEST_LINES = slice(300, 308)  # ... and are checked on unseen ones (so byte fallback is exercised too)

LLAMA3_SPECIALS = (
    "<|begin_of_text|>",
    "<|end_of_text|>",
    "<|start_header_id|>",
    "<|end_header_id|>",
    "<|eot_id|>",
)


def flores_lines(flores_dir: Path, lang: str, lines: slice) -> list[str]:
    text = (flores_dir / f"{lang}.txt").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines()[lines] if line.strip()]


def training_text(flores_dir: Path) -> list[str]:
    return [line for lang in SCRIPT_LANGS for line in flores_lines(flores_dir, lang, TRAIN_LINES)]


def test_sentences(flores_dir: Path) -> list[str]:
    return [line for lang in SCRIPT_LANGS for line in flores_lines(flores_dir, lang, TEST_LINES)]


def train_sentencepiece(flores_dir: Path, target: Path, vocab_size: int = 4000) -> Path:
    """A Llama-2-style SentencePiece BPE model (byte fallback, digits split, no normalization)."""
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(training_text(flores_dir)),
        model_writer=model,
        vocab_size=vocab_size,
        model_type="bpe",
        byte_fallback=True,
        split_digits=True,
        normalization_rule_name="identity",
        remove_extra_whitespaces=False,
        allow_whitespace_only_pieces=True,
        character_coverage=0.99,
        unk_id=0,
        bos_id=1,
        eos_id=2,
        pad_id=-1,
        num_threads=2,
        minloglevel=2,
    )
    target.write_bytes(model.getvalue())
    return target


def train_llama3_bpe(flores_dir: Path, vocab_size: int = 3000) -> Any:
    """A Llama-3-style byte-level BPE: Llama-3's split regex, ignore_merges, special tokens at the end."""
    from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, processors, trainers

    from convert.vocab import LLAMA3_SPLIT

    tokenizer = Tokenizer(models.BPE(ignore_merges=True))
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Split(Regex(LLAMA3_SPLIT), behavior="isolated", invert=False),
            pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=False),
        ]
    )
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False
    )
    tokenizer.train_from_iterator(training_text(flores_dir), trainer=trainer)
    tokenizer.add_special_tokens(list(LLAMA3_SPECIALS))
    bos_id = tokenizer.token_to_id("<|begin_of_text|>")
    tokenizer.post_processor = processors.TemplateProcessing(
        single="<|begin_of_text|> $A", special_tokens=[("<|begin_of_text|>", bos_id)]
    )
    return tokenizer


def tiny_llama(vocab_size: int, n_kv_heads: int, rope_theta: float, bos: int, eos: int, seed: int = 0) -> Any:
    """A 2-layer random Llama; a wide init spreads the logits so argmax ties cannot happen by chance."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=vocab_size,
        hidden_size=256,
        intermediate_size=512,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=n_kv_heads,
        max_position_embeddings=1024,
        rms_norm_eps=1e-5,
        rope_parameters={"rope_type": "default", "rope_theta": rope_theta},
        initializer_range=0.1,
        bos_token_id=bos,
        eos_token_id=eos,
        tie_word_embeddings=False,
    )
    return LlamaForCausalLM(config).eval()


def save_llama2(flores_dir: Path, target: Path) -> Path:
    """Tiny Llama-2-style checkpoint: SentencePiece tokenizer.model (+ tokenizer.json), safetensors."""
    from transformers import LlamaTokenizer

    target.mkdir(parents=True, exist_ok=True)
    train_sentencepiece(flores_dir, target / "tokenizer.model")
    # transformers builds its fast tokenizer from tokenizer.model; both files stay, as in BayLing-2-7B.
    tokenizer = LlamaTokenizer.from_pretrained(target, legacy=False, add_bos_token=True)
    tokenizer.save_pretrained(target)
    model = tiny_llama(len(tokenizer), n_kv_heads=4, rope_theta=10000.0, bos=1, eos=2)
    model.save_pretrained(target, safe_serialization=True)
    return target


def save_llama3(flores_dir: Path, target: Path) -> Path:
    """Tiny Llama-3-style checkpoint: byte-level BPE tokenizer.json, GQA, rope theta 500000."""
    from transformers import PreTrainedTokenizerFast

    target.mkdir(parents=True, exist_ok=True)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=train_llama3_bpe(flores_dir),
        bos_token="<|begin_of_text|>",
        eos_token="<|end_of_text|>",
    )
    tokenizer.save_pretrained(target)
    bos, eos = (tokenizer.get_vocab()[t] for t in ("<|begin_of_text|>", "<|end_of_text|>"))
    model = tiny_llama(len(tokenizer), n_kv_heads=2, rope_theta=500000.0, bos=bos, eos=eos, seed=1)
    model.save_pretrained(target, safe_serialization=True)
    return target


def write_json(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def lora_config(**overrides: Any) -> Any:
    """A PEFT LoRA config over every Llama projection."""
    from peft import LoraConfig

    options: dict[str, Any] = {
        "r": 8,
        "lora_alpha": 16,
        "target_modules": ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"],
        "lora_dropout": 0.0,
        "task_type": "CAUSAL_LM",
    }
    options.update(overrides)
    return LoraConfig(**options)


def random_lora(base_dir: Path, target: Path, seed: int = 2, **overrides: Any) -> Path:
    """An untrained adapter with random A and B (PEFT's init_lora_weights=False), so it changes the output."""
    import torch
    from peft import get_peft_model
    from transformers import AutoModelForCausalLM

    torch.manual_seed(seed)
    base = AutoModelForCausalLM.from_pretrained(base_dir, dtype=torch.float32)
    model = get_peft_model(base, lora_config(init_lora_weights=False, **overrides))
    model.save_pretrained(target, safe_serialization=True)
    return target


def train_answer_lora(base_dir: Path, target: Path, prompts: list[str], answer: str, steps: int = 40) -> Path:
    """An adapter that teaches the tiny model to answer every prompt with `answer` and then `<|eot_id|>`."""
    import torch
    from peft import get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    torch.manual_seed(3)
    tokenizer = AutoTokenizer.from_pretrained(base_dir)
    base = AutoModelForCausalLM.from_pretrained(base_dir, dtype=torch.float32)
    model = get_peft_model(base, lora_config(r=16, lora_alpha=32))
    answer_ids = tokenizer(answer + "<|eot_id|>", add_special_tokens=False)["input_ids"]
    rows = [tokenizer(prompt)["input_ids"] for prompt in prompts]
    width = max(len(r) for r in rows) + len(answer_ids)
    # One right-padded batch of every prompt: the loss covers only the answer and its end-of-turn token.
    ids = torch.zeros((len(rows), width), dtype=torch.long)
    labels = torch.full((len(rows), width), -100)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, row in enumerate(rows):
        full = row + answer_ids
        ids[i, : len(full)] = torch.tensor(full)
        labels[i, len(row) : len(full)] = torch.tensor(answer_ids)
        mask[i, : len(full)] = 1
    optimizer = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=5e-3)
    model.train()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny matrices: one thread is as fast and does not suffer from a busy machine
    try:
        for _ in range(steps):
            loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
    finally:
        torch.set_num_threads(threads)
    model.save_pretrained(target, safe_serialization=True)
    return target


def convert_quietly(src: Path, out: Path, **options: Any) -> Any:
    """convert_checkpoint without a progress bar. Import it from here, not from conftest: when several test
    folders are collected together, `conftest` is whichever folder's conftest.py was imported last."""
    from convert.api import ConvertConfig, convert_checkpoint

    return convert_checkpoint(ConvertConfig(src=src, out=out, progress=False, **options))
