"""Check a converted GGUF against the Hugging Face model it came from (`convert --verify`, and the tests).

Two checks: llama.cpp tokenizes like the Hugging Face tokenizer, and llama.cpp's next-token logits match
transformers' fp32 logits (largest absolute difference, and how often the argmax agrees). Needs torch and
transformers (and peft for an adapter); bayling_local itself never imports them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bayling_local.errors import ConvertError
from bayling_local.llama.logits import GgufRunner, gguf_tokenize

if TYPE_CHECKING:
    import numpy as np

# A few sentences in several scripts for a quick user-facing check (written for this project).
SAMPLE_TEXTS = (
    "The river was calm this morning, and the boats left the harbour early.",
    "La bibliothèque ouvre à neuf heures et ferme tard le samedi.",
    "我们明天早上在火车站见面，然后一起去博物馆。",
    "Вчера вечером в городе прошёл сильный дождь.",
    "السوق مزدحم دائما في نهاية الأسبوع.",
    "आज मौसम बहुत अच्छा है और बच्चे बाहर खेल रहे हैं।",
    "日本の春は桜がとても美しいです。",
    "Η θάλασσα ήταν ήρεμη όλη την ημέρα.",
)

# Least argmax agreement accepted per written type (quantized files are checked before quantization).
MIN_AGREEMENT = {"f32": 0.99, "f16": 0.97, "bf16": 0.95, "q8_0": 0.95}


@dataclass
class VerifyReport:
    """The outcome of comparing a GGUF with its Hugging Face source."""

    texts: int
    """Texts tokenized by both sides."""
    token_mismatches: int
    """Texts whose token ids differ."""
    positions: int
    """Token positions whose logits were compared."""
    argmax_agreement: float
    """Fraction of positions where both pick the same next token."""
    max_abs_diff: float
    """Largest absolute difference between the two sides' logits."""

    def summary(self) -> str:
        return (
            f"tokenization: {self.texts - self.token_mismatches}/{self.texts} texts identical; "
            f"logits: argmax agrees at {self.argmax_agreement:.2%} of {self.positions} positions, "
            f"max |diff| {self.max_abs_diff:.4g}"
        )


def hf_tokenize(src: Path, texts: Sequence[str]) -> list[list[int]]:
    """Token ids from the checkpoint's Hugging Face tokenizer, special tokens (BOS) included."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(src))
    return [list(tokenizer(text)["input_ids"]) for text in texts]


def load_hf_model(src: Path, lora: Path | None = None) -> Any:
    """The fp32 transformers model, with the adapter merged by peft when given."""
    import torch
    from transformers import AutoModelForCausalLM

    model = AutoModelForCausalLM.from_pretrained(str(src), dtype=torch.float32)
    if lora is not None:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, str(lora)).merge_and_unload()
    return model.eval()


def hf_logits(model: Any, ids: Sequence[int]) -> np.ndarray:
    """Next-token logits (positions x vocab) of a transformers model for one sequence."""
    import torch

    with torch.no_grad():
        output = model(torch.tensor([list(ids)]))
    return output.logits[0].float().numpy()


def compare_logits(expected: np.ndarray, actual: np.ndarray) -> tuple[int, int, float]:
    """(positions, positions with the same argmax, largest absolute difference)."""
    import numpy as np

    same = int((expected.argmax(-1) == actual.argmax(-1)).sum())
    return expected.shape[0], same, float(np.abs(expected - actual).max())


def verify_conversion(
    src: Path,
    gguf_path: Path,
    lora: Path | None = None,
    threads: int | None = None,
    outtype: str = "f16",
    texts: Sequence[str] = SAMPLE_TEXTS,
) -> VerifyReport:
    """Compare `gguf_path` with the HF model at `src`; raise ConvertError when they disagree."""
    try:
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError as exc:
        raise ConvertError("--verify needs torch and transformers; install bayling-local[train]") from exc
    expected_ids = hf_tokenize(src, texts)
    actual_ids = gguf_tokenize(gguf_path, texts)
    mismatches = sum(a != b for a, b in zip(expected_ids, actual_ids, strict=True))
    model = load_hf_model(src, lora)
    runner = GgufRunner(gguf_path, n_ctx=max(len(ids) for ids in expected_ids) + 8, threads=threads)
    positions = same = 0
    worst = 0.0
    try:
        for ids in expected_ids:
            count, agree, diff = compare_logits(hf_logits(model, ids), runner.logits(ids))
            positions, same, worst = positions + count, same + agree, max(worst, diff)
    finally:
        runner.close()
    report = VerifyReport(len(texts), mismatches, positions, same / max(positions, 1), worst)
    if mismatches or report.argmax_agreement < MIN_AGREEMENT.get(outtype, 0.95):
        raise ConvertError(f"verification failed: {report.summary()}; the GGUF does not match the source")
    return report
