"""Quantize a GGUF with llama.cpp's own quantizer (`llama_model_quantize`, through llama-cpp-python).

Only types that need no importance matrix are offered; the input must be an F32, F16 or BF16 GGUF.
"""

from __future__ import annotations

from pathlib import Path

from bayling_local.errors import ConvertError

# --quant name -> llama.cpp file type (llama_ftype), as named in llama.h.
QUANT_TYPES = {
    "q4_0": "LLAMA_FTYPE_MOSTLY_Q4_0",
    "q4_1": "LLAMA_FTYPE_MOSTLY_Q4_1",
    "q5_0": "LLAMA_FTYPE_MOSTLY_Q5_0",
    "q5_1": "LLAMA_FTYPE_MOSTLY_Q5_1",
    "q8_0": "LLAMA_FTYPE_MOSTLY_Q8_0",
    "q2_k": "LLAMA_FTYPE_MOSTLY_Q2_K",
    "q3_k_s": "LLAMA_FTYPE_MOSTLY_Q3_K_S",
    "q3_k_m": "LLAMA_FTYPE_MOSTLY_Q3_K_M",
    "q3_k_l": "LLAMA_FTYPE_MOSTLY_Q3_K_L",
    "q4_k_s": "LLAMA_FTYPE_MOSTLY_Q4_K_S",
    "q4_k_m": "LLAMA_FTYPE_MOSTLY_Q4_K_M",
    "q5_k_s": "LLAMA_FTYPE_MOSTLY_Q5_K_S",
    "q5_k_m": "LLAMA_FTYPE_MOSTLY_Q5_K_M",
    "q6_k": "LLAMA_FTYPE_MOSTLY_Q6_K",
    "iq4_nl": "LLAMA_FTYPE_MOSTLY_IQ4_NL",
    "iq4_xs": "LLAMA_FTYPE_MOSTLY_IQ4_XS",
}


def check_quant_name(name: str) -> str:
    """The normalised quant name, or a one-line error listing the choices."""
    key = name.strip().lower().replace("-", "_")
    if key not in QUANT_TYPES:
        raise ConvertError(f"unknown --quant {name!r}; choose one of: {', '.join(QUANT_TYPES)}")
    return key


def quantize(src: Path, dst: Path, quant: str, threads: int | None = None) -> None:
    """Write `dst` as `src` quantized to `quant` by llama.cpp; raise ConvertError if it refuses."""
    from bayling_local.llama.quantize import quantize_file

    key = check_quant_name(quant)
    status = quantize_file(src, dst, QUANT_TYPES[key], threads)
    if status != 0 or not dst.is_file() or dst.stat().st_size == 0:
        raise ConvertError(f"llama.cpp could not quantize {src.name} to {key} (status {status})")
