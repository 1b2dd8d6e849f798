"""Convert a Hugging Face checkpoint (plus an optional LoRA adapter) to a GGUF llama.cpp can run.

    from convert.api import ConvertConfig, convert_checkpoint
    result = convert_checkpoint(ConvertConfig(src=Path("bayling-2-8b"), out=Path("bayling.gguf"), quant="q4_k_m"))

Steps: read config.json and the shard headers; check the adapter fits; build the vocabulary and the chat
template; resolve `--outtype auto` from the checkpoint's dtypes; stream the tensors into a temp GGUF
(F32/F16/BF16/Q8_0); optionally compare it with the Hugging Face model; optionally quantize it with
llama.cpp; rename onto the output; save the config beside it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from bayling_local.atomic import atomic_path
from bayling_local.config import save_beside
from bayling_local.errors import ConvertError

from . import gemma, llama
from .hf_loader import Checkpoint, load_config, open_checkpoint
from .lora import LoraAdapter, check_fits, load_adapter
from .quantize import check_quant_name, quantize
from .vocab import Vocab, bayling_template, read_vocab, write_vocab
from .writer import OUTTYPES, file_type, resolve_outtype, write_gguf

# HF architecture name -> (GGUF architecture, module with add_hparams/tensor_plan, SentencePiece space prefix).
ARCHITECTURES: dict[str, tuple[str, ModuleType, bool]] = {
    "LlamaForCausalLM": ("llama", llama, True),
    "Gemma3ForCausalLM": ("gemma3", gemma, False),
    "Gemma3ForConditionalGeneration": ("gemma3", gemma, False),
}


@dataclass
class ConvertConfig:
    """One conversion, as asked on the command line."""

    src: Path
    """Hugging Face checkpoint folder (config.json, *.safetensors, tokenizer files)."""
    out: Path
    """The GGUF file to write."""
    lora: Path | None = None
    """PEFT LoRA adapter folder merged into the weights before writing; None for the base alone."""
    outtype: str = "auto"
    """Tensor type of the written GGUF: auto, f32, f16, bf16 or q8_0 (vectors always stay f32). auto keeps
    a BF16 or F16 checkpoint in its own type (a byte copy: no rounding, no bf16 -> f16 overflow) and writes
    an F32 one as f16; the saved config records the type it resolved to."""
    quant: str | None = None
    """llama.cpp quantization applied afterwards (q4_k_m, q5_k_m, q6_k, q8_0, q4_0, ...); None keeps outtype."""
    threads: int | None = None
    """Threads for quantization and verification; None uses every core."""
    force: bool = False
    """Overwrite an existing output file."""
    allow_pickle: bool = False
    """Accept pickled .bin weights (loaded with torch weights_only=True); they can run code otherwise."""
    verify: bool = False
    """Compare tokenization and logits of the unquantized GGUF with the Hugging Face model (needs torch)."""
    progress: bool = True
    """Show a per-tensor progress bar on stderr."""


@dataclass
class ConvertResult:
    """What a conversion produced."""

    path: Path
    """The final GGUF."""
    template: str | None
    """Prompt format embedded: bayling, bayling3, gguf (the checkpoint's own) or None."""
    seconds: float
    """Wall time of the whole conversion."""
    architecture: str
    """GGUF architecture written (llama, gemma3)."""
    n_tensors: int
    """Tensors written."""
    bytes_in: int
    """Size of the checkpoint's weights."""
    bytes_out: int
    """Size of the final GGUF."""
    config_path: Path
    """The resolved config saved beside the GGUF."""
    outtype: str
    """Type the tensors were written in (`auto` resolved): the quantizer's input when `quant` is set."""
    verification: Any = None
    """verify.VerifyReport when --verify was given."""


def _check_request(cfg: ConvertConfig) -> None:
    """Everything that can be refused before reading a byte of weights."""
    if cfg.outtype not in OUTTYPES:
        raise ConvertError(f"unknown --outtype {cfg.outtype!r}; choose one of: {', '.join(OUTTYPES)}")
    if cfg.quant is not None:
        check_quant_name(cfg.quant)
        if cfg.outtype == "q8_0":
            raise ConvertError("--quant needs an auto, f32, f16 or bf16 intermediate; drop --outtype q8_0")
    if cfg.out.exists() and not cfg.force:
        raise ConvertError(f"{cfg.out} already exists; pass --force to overwrite it")
    if cfg.out.is_dir():
        raise ConvertError(f"{cfg.out} is a folder; give the path of the .gguf file to write")


def _architecture(config: dict[str, Any]) -> tuple[str, ModuleType, bool]:
    archs = config.get("architectures") or [config.get("model_type", "unknown")]
    arch = str(archs[0])
    if arch not in ARCHITECTURES:
        raise ConvertError(
            f"architecture {arch} is not supported; supported: {', '.join(sorted(ARCHITECTURES))}"
        )
    return ARCHITECTURES[arch]


def _embedding_rows(ckpt: Checkpoint) -> int:
    for name, ref in ckpt.tensors.items():
        if name.endswith("embed_tokens.weight"):
            return ref.shape[0]
    raise ConvertError(f"{ckpt.path} has no embed_tokens tensor; is the checkpoint complete?")


def _model_name(cfg: ConvertConfig) -> str:
    base = cfg.src.resolve().name
    return f"{base} + {cfg.lora.resolve().name}" if cfg.lora else base


def _template(arch: str, vocab: Vocab, name: str) -> tuple[str | None, str | None]:
    if arch == "llama":
        return bayling_template(vocab, name)
    return vocab.chat_template, ("gguf" if vocab.chat_template else None)


def convert_checkpoint(cfg: ConvertConfig) -> ConvertResult:
    """Convert `cfg.src` (+ `cfg.lora`) to `cfg.out`; a ConvertError for every user mistake."""
    started = time.perf_counter()
    cfg.src, cfg.out = Path(cfg.src), Path(cfg.out)
    cfg.lora = Path(cfg.lora) if cfg.lora else None
    _check_request(cfg)
    arch, module, space_prefix = _architecture(load_config(cfg.src))  # refuse before scanning shards
    ckpt = open_checkpoint(cfg.src, cfg.allow_pickle)
    adapter: LoraAdapter | None = None
    if cfg.lora is not None:
        adapter = load_adapter(cfg.lora)
        check_fits(adapter, ckpt)
    vocab = read_vocab(cfg.src, _embedding_rows(ckpt), space_prefix)
    name = _model_name(cfg)
    # The hub id in config.json (`ICTNLP/bayling-2-llama-3-8b`) also tells a BayLing checkpoint apart.
    template, template_name = _template(arch, vocab, f"{name} {ckpt.config.get('_name_or_path', '')}")
    outtype = resolve_outtype(cfg.outtype, ((ref.dtype, ref.shape) for ref in ckpt.tensors.values()))
    plan = module.tensor_plan(ckpt, adapter, outtype)

    def add_metadata(writer: Any) -> None:
        module.add_hparams(writer, ckpt.config, name, file_type(outtype))
        write_vocab(writer, vocab, template)

    report = None
    with atomic_path(cfg.out) as final_tmp:
        if cfg.quant is None:
            write_gguf(final_tmp, arch, add_metadata, plan, cfg.progress)
            report = _maybe_verify(cfg, final_tmp, outtype)
        else:
            with _scratch_file(cfg.out, f".{outtype}.part") as intermediate:
                write_gguf(intermediate, arch, add_metadata, plan, cfg.progress)
                report = _maybe_verify(cfg, intermediate, outtype)
                quantize(intermediate, final_tmp, cfg.quant, cfg.threads)
    # The saved config says what was written (`auto` resolved), so re-running it gives the same file.
    extra = {
        "architecture": arch,
        "template": template_name,
        "source_bytes": ckpt.nbytes,
        "outtype_requested": cfg.outtype,
    }
    config_path = save_beside(cfg.out, dataclasses.replace(cfg, outtype=outtype), extra=extra)
    return ConvertResult(
        path=cfg.out,
        template=template_name,
        seconds=time.perf_counter() - started,
        architecture=arch,
        n_tensors=len(plan),
        bytes_in=ckpt.nbytes,
        bytes_out=cfg.out.stat().st_size,
        config_path=config_path,
        outtype=outtype,
        verification=report,
    )


@contextlib.contextmanager
def _scratch_file(beside: Path, suffix: str) -> Iterator[Path]:
    """A temp file next to `beside` (same disk, so no cross-device copy), always deleted afterwards."""
    fd, name = tempfile.mkstemp(prefix=f".{beside.name}.", suffix=suffix, dir=beside.parent)
    os.close(fd)
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


def _maybe_verify(cfg: ConvertConfig, gguf_path: Path, outtype: str) -> Any:
    if not cfg.verify:
        return None
    from .verify import verify_conversion

    return verify_conversion(cfg.src, gguf_path, cfg.lora, threads=cfg.threads, outtype=outtype)
