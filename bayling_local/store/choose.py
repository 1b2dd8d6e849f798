"""What to fetch from a repository: the GGUF file a `:tag` names, or the files of a checkpoint to convert."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import StoreError, UsageError
from .catalogue import find
from .names import check_file_name, check_repo_id, check_revision

# Files a conversion reads; anything else in a checkpoint repo (pickles, ONNX, Flax, images) is not fetched.
CHECKPOINT_FILES = {
    "config.json",
    "generation_config.json",
    "model.safetensors.index.json",
    "tokenizer.json",
    "tokenizer.model",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "added_tokens.json",
    "chat_template.jinja",
    "chat_template.json",
}
_SPLIT = re.compile(r"-(\d{5})-of-(\d{5})\.gguf$", re.IGNORECASE)
# A quantization label in a GGUF file name: Q4_K_M, IQ4_XS, Q8_0, F16, BF16 ...
_QUANT_LABEL = re.compile(r"(?<![a-z0-9])(i?q\d(?:_[a-z0-9]+)*|bf16|f16|f32)(?![a-z0-9])", re.IGNORECASE)


@dataclass(frozen=True)
class PullSpec:
    """A parsed `pull` argument: `NAME|ORG/REPO[@REVISION][:TAG]`."""

    repo_id: str
    """Hugging Face repository."""
    revision: str
    """Branch, tag or commit (default main)."""
    tag: str | None
    """Quantization asked for (`q4_k_m`), or None for the default."""
    alias: str | None
    """The catalogue name when one was used."""


def parse_spec(spec: str) -> PullSpec:
    """Split `bayling-2-8b:q5_k_m` or `org/repo@rev:tag` into its parts, resolving catalogue names."""
    rest, _, tag = spec.strip().partition(":")
    base, _, revision = rest.partition("@")
    entry = find(base)
    repo_id = entry.repo_id if entry else base
    if entry is None and "/" not in base:
        raise UsageError(
            f"unknown model {base!r}: give a catalogue name (see `bayling-local pull --list`) or a "
            "Hugging Face repo id like `org/name`"
        )
    check_repo_id(repo_id)
    check_revision(revision or "main")
    clean_tag = tag.strip().lower().replace("-", "_") or None
    if clean_tag is not None and clean_tag not in known_quant_tags():
        raise UsageError(
            f"unknown quantization {tag.strip()!r} in {spec.strip()!r}; use one that llama.cpp names, e.g. "
            "q4_k_m, q5_k_m, q8_0, f16 (`bayling-local pull --list` shows what each model offers)"
        )
    return PullSpec(repo_id, revision or "main", clean_tag, entry.name if entry else None)


def known_quant_tags() -> frozenset[str]:
    """Every quantization llama.cpp names (its file types: q4_k_m, iq3_xxs, bf16, ...), plus f32."""
    from gguf import LlamaFileType

    names = {name.removeprefix("MOSTLY_").lower() for name in LlamaFileType.__members__}
    return frozenset(names - {"all_f32", "guessed"} | {"f32"})


def quant_label(file_name: str) -> str | None:
    """The quantization a GGUF file name carries (`q4_k_m` for `model.Q4_K_M.gguf`), lowercased."""
    labels = _QUANT_LABEL.findall(file_name.rsplit("/", 1)[-1].removesuffix(".gguf"))
    return labels[-1].lower() if labels else None


def gguf_files(files: list[str]) -> list[str]:
    """Model GGUFs of a repo (vision projectors left out)."""
    return sorted(f for f in files if f.lower().endswith(".gguf") and "mmproj" not in f.lower())


def choose_gguf(files: list[str], tag: str | None, preferred: str) -> list[str]:
    """The GGUF file(s) to fetch: those carrying `tag` (or `preferred`, or the only one); first part first."""
    candidates = gguf_files(files)
    wanted = tag or preferred
    chosen = [f for f in candidates if quant_label(f) == wanted]
    if not chosen and tag is None and len({_set_key(f) for f in candidates}) == 1:
        chosen = candidates
    if not chosen:
        labels = sorted({quant_label(f) or f for f in candidates})
        what = f"no GGUF file tagged {wanted!r}" if tag else f"several GGUF files and none tagged {wanted!r}"
        raise StoreError(f"{what}; pick one with NAME:TAG, available: {', '.join(labels)}")
    if len({_set_key(f) for f in chosen}) > 1:
        raise StoreError(
            f"several GGUF files match {wanted!r}: {', '.join(chosen)}; pull one with a more precise tag "
            "or download it and use `bayling-local import`"
        )
    for file_name in chosen:
        check_file_name(file_name)  # before anything is downloaded
    return sorted(chosen)


def _set_key(file_name: str) -> str:
    """Files of one split GGUF (`-00001-of-00003.gguf`) share this key."""
    return _SPLIT.sub("", file_name)


def checkpoint_files(files: list[str]) -> list[str]:
    """The files of a safetensors checkpoint a conversion needs; StoreError when it is not one."""
    top = [f for f in files if "/" not in f]
    weights = [f for f in top if f.endswith(".safetensors")]
    if "config.json" not in top or not weights:
        pickled = any(f.endswith((".bin", ".pt", ".pth")) for f in top)
        why = "it has only pickled weights (.bin)" if pickled else "it has neither GGUF files nor safetensors"
        raise StoreError(
            f"cannot pull this repository: {why}; download it yourself and use `bayling-local convert` "
            "(with --allow-pickle for trusted .bin files), then `bayling-local import`"
        )
    return sorted(weights + [f for f in top if f in CHECKPOINT_FILES])


def split_tag(tag: str | None, default_quant: str) -> tuple[str, str | None]:
    """(outtype, quant) for a conversion: `f16`/`bf16`/`f32` keep that type unquantized, else quantize.

    A quantization starts from an `auto` intermediate: a BF16 checkpoint stays BF16 (a byte copy; casting
    to f16 is slower and overflows bf16's wider range), an F16 one F16, an F32 one becomes f16.
    """
    if tag in ("f16", "bf16", "f32"):
        return tag, None
    from convert.quantize import check_quant_name

    return "auto", check_quant_name(tag or default_quant)
