"""Tokenizers of a Hugging Face checkpoint as GGUF vocabulary metadata.

Two families, as llama.cpp knows them:
- `llama` (SentencePiece): tokens, scores and token types, from `tokenizer.model`, or from a `tokenizer.json`
  whose BPE model works like SentencePiece (byte fallback, `▁` for spaces), e.g. Gemma saved by transformers.
- `gpt2` (byte-level BPE, Llama-3): tokens in byte-level spelling, their types and the merges, plus the
  pre-tokenizer name llama.cpp must use to split text the same way as the Hugging Face tokenizer.
Special tokens, add_bos and the chat template come from tokenizer_config.json and friends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bayling_local.errors import ConvertError

from .hf_loader import read_json

# llama.cpp token types (gguf.TokenType): kept as ints so this module does not need gguf at import.
NORMAL, UNKNOWN, CONTROL, USER_DEFINED, UNUSED, BYTE = 1, 2, 3, 4, 5, 6

# Llama-3's pre-tokenizer regex; llama.cpp implements it natively under the name `llama-bpe`.
LLAMA3_SPLIT = (
    r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|"
    r"\s*[\r\n]+|\s+(?!\S)|\s+"
)
_BYTE_TOKEN = re.compile(r"^<0x[0-9A-Fa-f]{2}>$")
# End-of-turn markers llama.cpp tools stop on (besides EOS).
EOT_TOKENS = ("<|eot_id|>", "<end_of_turn>", "<|im_end|>")


@dataclass
class Vocab:
    """Everything llama.cpp's tokenizer needs, read from the checkpoint folder."""

    model: str
    """llama.cpp tokenizer model: `llama` (SentencePiece) or `gpt2` (byte-level BPE)."""
    tokens: list[str]
    """Token texts by id, padded to the model's vocab size."""
    types: list[int]
    """Token types by id (NORMAL, CONTROL, BYTE, ...)."""
    scores: list[float] = field(default_factory=list)
    """SentencePiece scores by id (merge priority); empty for byte-level BPE."""
    merges: list[str] = field(default_factory=list)
    """Byte-level BPE merges as `left right`, by rank; empty for SentencePiece."""
    pre: str | None = None
    """llama.cpp pre-tokenizer name for byte-level BPE (`llama-bpe`, `gpt-2`)."""
    special: dict[str, int] = field(default_factory=dict)
    """Special token ids by role: bos, eos, unk, pad, eot."""
    add_bos: bool = True
    """Whether the tokenizer puts BOS in front of every text."""
    add_eos: bool = False
    """Whether the tokenizer appends EOS to every text."""
    add_space_prefix: bool | None = None
    """SentencePiece: prepend a space to the text before tokenizing (Llama-2 yes, Gemma no)."""
    chat_template: str | None = None
    """The checkpoint's own chat template, if it ships one."""

    @property
    def family(self) -> str:
        """`spm` or `bpe`: which BayLing prompt format goes with this tokenizer."""
        return "spm" if self.model == "llama" else "bpe"


def read_vocab(src: Path, n_vocab: int, add_space_prefix: bool = True) -> Vocab:
    """Build the vocabulary from `src`; `n_vocab` is the embedding's row count (the real vocab size)."""
    tokenizer_json = src / "tokenizer.json"
    if (src / "tokenizer.model").is_file():
        vocab = _from_sentencepiece(src / "tokenizer.model", add_space_prefix)
        _overlay_added_tokens(vocab, src)
    elif tokenizer_json.is_file():
        vocab = _from_tokenizer_json(read_json(tokenizer_json, "tokenizer"), add_space_prefix)
    else:
        raise ConvertError(
            f"{src} has no tokenizer.model or tokenizer.json; save the tokenizer with the model"
        )
    _pad(vocab, n_vocab)
    _read_special(vocab, src)
    return vocab


def _from_sentencepiece(path: Path, add_space_prefix: bool) -> Vocab:
    from sentencepiece import SentencePieceProcessor

    processor = SentencePieceProcessor(model_file=str(path))
    tokens, scores, types = [], [], []
    for token_id in range(processor.vocab_size()):
        tokens.append(processor.id_to_piece(token_id))
        scores.append(processor.get_score(token_id))
        if processor.is_unknown(token_id):
            types.append(UNKNOWN)
        elif processor.is_control(token_id):
            types.append(CONTROL)
        elif processor.is_unused(token_id):
            types.append(UNUSED)
        elif processor.is_byte(token_id):
            types.append(BYTE)
        else:
            types.append(NORMAL)
    return Vocab(
        "llama", tokens, types, scores=scores, add_space_prefix=_dummy_prefix(path, add_space_prefix)
    )


def _dummy_prefix(path: Path, default: bool) -> bool:
    """The model's own `add_dummy_prefix` setting when protobuf can read it."""
    try:
        from sentencepiece import sentencepiece_model_pb2

        proto = sentencepiece_model_pb2.ModelProto()  # type: ignore[attr-defined]
        proto.ParseFromString(path.read_bytes())
        return bool(proto.normalizer_spec.add_dummy_prefix)
    except Exception:  # protobuf missing or an unusual file: keep the architecture's default
        return default


def _overlay_added_tokens(vocab: Vocab, src: Path) -> None:
    """Tokens added on top of a SentencePiece model (tokenizer.json `added_tokens`)."""
    added: list[dict[str, Any]] = []
    if (src / "tokenizer.json").is_file():
        added = read_json(src / "tokenizer.json", "tokenizer").get("added_tokens", [])
    elif (src / "added_tokens.json").is_file():
        added = [
            {"id": i, "content": t, "special": True}
            for t, i in read_json(src / "added_tokens.json", "").items()
        ]
    for entry in sorted(added, key=lambda e: int(e["id"])):
        token_id, text = int(entry["id"]), str(entry["content"])
        _pad(vocab, token_id + 1, allow_grow=True)
        vocab.tokens[token_id] = text
        vocab.types[token_id] = CONTROL if entry.get("special") else USER_DEFINED


def _from_tokenizer_json(data: dict[str, Any], add_space_prefix: bool) -> Vocab:
    model = data.get("model") or {}
    kind = model.get("type")
    if kind not in ("BPE", "Unigram"):
        raise ConvertError(
            f"tokenizer.json uses a {kind} model; only BPE and Unigram tokenizers can be converted"
        )
    vocab = _byte_level(data) if _is_byte_level(data) else _sentencepiece_like(data, add_space_prefix)
    for entry in data.get("added_tokens", []):
        token_id = int(entry["id"])
        _pad(vocab, token_id + 1, allow_grow=True)
        vocab.tokens[token_id] = str(entry["content"])
        vocab.types[token_id] = CONTROL if entry.get("special") else USER_DEFINED
    return vocab


def _components(node: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Flatten a tokenizers Sequence into its parts."""
    if not node:
        return []
    if node.get("type") == "Sequence":
        parts = node.get("pretokenizers") or node.get("normalizers") or node.get("decoders") or []
        return [c for part in parts for c in _components(part)]
    return [node]


def _is_byte_level(data: dict[str, Any]) -> bool:
    parts = _components(data.get("pre_tokenizer")) + _components(data.get("decoder"))
    return any(p.get("type") == "ByteLevel" for p in parts)


def _byte_level(data: dict[str, Any]) -> Vocab:
    model = data["model"]
    if model.get("type") != "BPE":
        raise ConvertError("a byte-level tokenizer.json must use a BPE model")
    by_id = {int(i): t for t, i in model["vocab"].items()}
    size = max(by_id) + 1 if by_id else 0
    tokens = [by_id.get(i, f"[PAD{i}]") for i in range(size)]
    types = [NORMAL if i in by_id else UNUSED for i in range(size)]
    merges = [m if isinstance(m, str) else " ".join(m) for m in model.get("merges", [])]
    return Vocab("gpt2", tokens, types, merges=merges, pre=_pre_tokenizer_name(data), add_bos=False)


def _pre_tokenizer_name(data: dict[str, Any]) -> str:
    """Which of llama.cpp's built-in pre-tokenizers splits text like this tokenizer.json."""
    parts = _components(data.get("pre_tokenizer"))
    splits = [p for p in parts if p.get("type") == "Split"]
    if splits:
        pattern = (splits[0].get("pattern") or {}).get("Regex")
        if pattern == LLAMA3_SPLIT:
            return "llama-bpe"
        raise ConvertError(
            "tokenizer.json splits text with a pre-tokenizer regex llama.cpp does not know; "
            "supported: Llama-3 (llama-bpe) and GPT-2 byte-level"
        )
    if any(p.get("type") == "ByteLevel" and p.get("use_regex", True) for p in parts):
        return "gpt-2"
    raise ConvertError("tokenizer.json has a byte-level BPE without a known pre-tokenizer; cannot convert it")


def _sentencepiece_like(data: dict[str, Any], add_space_prefix: bool) -> Vocab:
    """A tokenizer.json that behaves like SentencePiece: Unigram scores, or BPE merge ranks as scores."""
    model = data["model"]
    if model["type"] == "Unigram":
        pieces = [(str(p), float(s)) for p, s in model["vocab"]]
    else:
        # llama.cpp's SentencePiece tokenizer merges the pair whose result scores highest; giving each token
        # minus the rank of the merge that makes it reproduces the BPE merge order.
        rank: dict[str, int] = {}
        for index, merge in enumerate(model.get("merges", [])):
            left, right = merge.split(" ", 1) if isinstance(merge, str) else merge
            rank.setdefault(left + right, index)
        by_id = {int(i): t for t, i in model["vocab"].items()}
        pieces = [(by_id[i], -float(rank.get(by_id[i], 0))) for i in range(max(by_id) + 1)]
    unk_id = model.get("unk_id")
    tokens = [p for p, _ in pieces]
    scores = [s for _, s in pieces]
    types = [BYTE if _BYTE_TOKEN.match(p) else NORMAL for p in tokens]
    if isinstance(unk_id, int):
        types[unk_id] = UNKNOWN
    elif model.get("unk_token") in tokens:
        types[tokens.index(model["unk_token"])] = UNKNOWN
    prefix = any(
        p.get("type") == "Metaspace" and p.get("prepend_scheme", "always") != "never"
        for p in _components(data.get("pre_tokenizer"))
    )
    prepends = any(p.get("type") == "Prepend" for p in _components(data.get("normalizer")))
    return Vocab(
        "llama", tokens, types, scores=scores, add_space_prefix=(prefix or prepends) and add_space_prefix
    )


def _pad(vocab: Vocab, size: int, allow_grow: bool = False) -> None:
    """Pad to `size` tokens with unused placeholders; refuse a tokenizer larger than the embedding."""
    if len(vocab.tokens) > size and not allow_grow:
        raise ConvertError(
            f"the tokenizer has {len(vocab.tokens)} tokens but the model's embedding only {size} rows; "
            "the tokenizer does not belong to these weights"
        )
    while len(vocab.tokens) < size:
        vocab.tokens.append(f"[PAD{len(vocab.tokens)}]")
        vocab.types.append(UNUSED)
        if vocab.model == "llama":
            vocab.scores.append(-1e9)


def _token_text(value: Any) -> str | None:
    if isinstance(value, dict):
        value = value.get("content")
    return value if isinstance(value, str) else None


def _read_special(vocab: Vocab, src: Path) -> None:
    """Special token ids, add_bos/add_eos and the chat template from the tokenizer's config files."""
    config = (
        read_json(src / "tokenizer_config.json", "tokenizer config")
        if (src / "tokenizer_config.json").is_file()
        else {}
    )
    if (src / "special_tokens_map.json").is_file():
        for key, value in read_json(src / "special_tokens_map.json", "special tokens map").items():
            config.setdefault(key, value)
    ids = {text: i for i, text in enumerate(vocab.tokens)}
    for role in ("bos", "eos", "unk", "pad"):
        text = _token_text(config.get(f"{role}_token"))
        if text is not None and text in ids:
            vocab.special[role] = ids[text]
    for text in EOT_TOKENS:
        if text in ids:
            vocab.special["eot"] = ids[text]
            break
    if "add_bos_token" in config:
        vocab.add_bos = bool(config["add_bos_token"])
    elif (src / "tokenizer.json").is_file():
        vocab.add_bos = _post_processor_adds_bos(src, vocab)
    else:
        vocab.add_bos = vocab.model == "llama"  # slow SentencePiece tokenizers add BOS by default
    vocab.add_eos = bool(config.get("add_eos_token", False))
    vocab.chat_template = _chat_template(src, config)


def _post_processor_adds_bos(src: Path, vocab: Vocab) -> bool:
    """Fast tokenizers (Llama-3) add BOS through a TemplateProcessing post-processor."""
    if "bos" not in vocab.special:
        return False
    post = read_json(src / "tokenizer.json", "tokenizer").get("post_processor") or {}
    nodes = post.get("processors", [post]) if post.get("type") == "Sequence" else [post]
    bos = vocab.tokens[vocab.special["bos"]]
    for node in nodes:
        single = node.get("single") or []
        if node.get("type") == "TemplateProcessing" and single:
            first = single[0].get("SpecialToken", {})
            return bool(first.get("id") == bos)
    return False


def _chat_template(src: Path, config: dict[str, Any]) -> str | None:
    if (src / "chat_template.jinja").is_file():
        return (src / "chat_template.jinja").read_text(encoding="utf-8")
    template = config.get("chat_template")
    if isinstance(template, list):  # named templates: keep the default one
        named = {t.get("name"): t.get("template") for t in template if isinstance(t, dict)}
        template = named.get("default")
    if template is None and (src / "chat_template.json").is_file():
        template = read_json(src / "chat_template.json", "chat template").get("chat_template")
    return template if isinstance(template, str) else None


def bayling_template(vocab: Vocab, model_name: str) -> tuple[str | None, str | None]:
    """(jinja, format name) to embed: BayLing's for BayLing and for Llama checkpoints without a template.

    BayLing-2-7B/13B use SentencePiece (format `bayling`); BayLing-2-8B is byte-level BPE (`bayling3`).
    A non-BayLing checkpoint keeps its own template (`gguf`), or gets none when it has none and is not Llama.
    """
    from bayling_local.prompts.formats import BAYLING3_JINJA, BAYLING_JINJA

    is_bayling = "bayling" in model_name.lower()
    if is_bayling or vocab.chat_template is None:
        if vocab.family == "bpe":
            return BAYLING3_JINJA, "bayling3"
        return BAYLING_JINJA, "bayling"
    return vocab.chat_template, "gguf"


def write_vocab(writer: Any, vocab: Vocab, chat_template: str | None) -> None:
    """Add the vocabulary keys to a GGUFWriter."""
    writer.add_tokenizer_model(vocab.model)
    if vocab.pre:
        writer.add_tokenizer_pre(vocab.pre)
    writer.add_token_list(vocab.tokens)
    if vocab.scores:
        writer.add_token_scores(vocab.scores)
    writer.add_token_types(vocab.types)
    if vocab.merges:
        writer.add_token_merges(vocab.merges)
    for role, token_id in vocab.special.items():
        getattr(writer, f"add_{role}_token_id")(token_id)
    writer.add_add_bos_token(vocab.add_bos)
    writer.add_add_eos_token(vocab.add_eos)
    if vocab.add_space_prefix is not None:
        writer.add_add_space_prefix(vocab.add_space_prefix)
    if chat_template:
        writer.add_chat_template(chat_template)
