"""Known models: short names for the BayLing 2 checkpoints, their prompt format, and a quantization that fits.

BayLing 2 is published only as Hugging Face checkpoints, so every entry is converted on pull. Any other
`org/repo` can be pulled too; the catalogue only adds a short name, the template and a size hint.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_QUANT = "q4_k_m"

# Approximate bits per weight of llama.cpp's quantizations (as llama-quantize reports them), best first.
QUANT_BITS: dict[str, float] = {"q8_0": 8.5, "q6_k": 6.56, "q5_k_m": 5.69, "q4_k_m": 4.89}


@dataclass(frozen=True)
class CatalogueEntry:
    """One known model."""

    name: str
    """Short name used by `pull` and as the store name (`bayling-2-8b`)."""
    repo_id: str
    """Hugging Face repository of the checkpoint."""
    template: str
    """Prompt format from bayling_local.prompts.formats: `bayling` (Llama-2 based) or `bayling3` (Llama-3 based)."""
    parameters: float
    """Number of weights, to estimate file and memory sizes."""
    overhead_gb: float
    """Memory besides the weights at the default 4096-token context (KV cache, scratch buffers), in GB."""
    description: str
    """One line for `pull --list`."""
    other_repo_ids: tuple[str, ...] = ()
    """Other names the same checkpoint is published under, tried in turn when `repo_id` does not exist."""

    def size_gb(self, quant: str) -> float:
        """Approximate GGUF size in GB at quantization `quant`."""
        return self.parameters * QUANT_BITS.get(quant, QUANT_BITS[DEFAULT_QUANT]) / 8 / 1e9


CATALOGUE: tuple[CatalogueEntry, ...] = (
    CatalogueEntry(
        "bayling-2-7b", "ICTNLP/bayling-2-7b", "bayling", 6.74e9, 2.5, "BayLing 2 7B (Llama-2 based)"
    ),
    CatalogueEntry(
        "bayling-2-13b", "ICTNLP/bayling-2-13b", "bayling", 13.0e9, 3.5, "BayLing 2 13B (Llama-2 based)"
    ),
    CatalogueEntry(
        "bayling-2-8b",
        "ICTNLP/bayling-2-llama-3-8b",
        "bayling3",
        8.03e9,
        1.5,
        "BayLing 2 8B (Llama-3-8B based, recommended)",
        # BayLing's own README links the 8B under both names.
        other_repo_ids=("ICTNLP/bayling-llama-3-8b",),
    ),
)


def find(spec: str) -> CatalogueEntry | None:
    """The entry whose short name or repo id is `spec` (case-insensitive), or None."""
    wanted = spec.strip().lower()
    for entry in CATALOGUE:
        if wanted in (entry.name, entry.repo_id.lower(), *(r.lower() for r in entry.other_repo_ids)):
            return entry
    return None


def available_ram_gb() -> float:
    """Memory the system can give a new process now, in GB."""
    import psutil

    return float(psutil.virtual_memory().available) / 1e9


@dataclass(frozen=True)
class QuantAdvice:
    """Which quantization to use for a catalogue model on this machine."""

    quant: str
    """The best quantization whose weights plus overhead fit in memory (q4_k_m when none does)."""
    needed_gb: float
    """Memory that quantization needs, in GB."""
    fits: bool
    """False when even q4_k_m does not fit: it will swap or fail to load."""


def recommend_quant(entry: CatalogueEntry, ram_gb: float | None = None) -> QuantAdvice:
    """The highest-quality quantization of `entry` that fits in `ram_gb` (default: available RAM)."""
    ram = available_ram_gb() if ram_gb is None else ram_gb
    for quant in QUANT_BITS:  # best quality first
        needed = entry.size_gb(quant) + entry.overhead_gb
        if needed <= ram:
            return QuantAdvice(quant, needed, True)
    return QuantAdvice(DEFAULT_QUANT, entry.size_gb(DEFAULT_QUANT) + entry.overhead_gb, False)
