"""Read a Hugging Face checkpoint folder lazily: config.json and the weights, one tensor at a time.

Safetensors shards are parsed here (an 8-byte header length, a JSON header, raw little-endian data) and each
tensor is mapped with `np.memmap` only while it is being converted: the pages it touched leave the process
when the map is dropped, so converting a 16 GB checkpoint needs about one tensor of memory, not sixteen GB.
Pickled `.bin` checkpoints run code when loaded; they are read only with `--allow-pickle`, through
`torch.load(weights_only=True)`.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bayling_local.errors import ConvertError

if TYPE_CHECKING:
    import numpy as np

# Safetensors dtype names -> numpy dtype strings; BF16 is kept as raw uint16 and widened on demand.
_SAFETENSORS_DTYPES = {"F32": "<f4", "F16": "<f2", "BF16": "<u2", "F64": "<f8", "I64": "<i8", "I32": "<i4"}


@dataclass(frozen=True)
class TensorRef:
    """Where one tensor lives, known without reading its data."""

    name: str
    """The checkpoint's own tensor name (`model.layers.0.self_attn.q_proj.weight`)."""
    shape: tuple[int, ...]
    """Shape in the checkpoint's (PyTorch, row-major) order."""
    dtype: str
    """Safetensors dtype name: F32, F16, BF16, ..."""
    nbytes: int
    """Size of the stored data."""
    raw_loader: Callable[[], np.ndarray] = field(repr=False, compare=False)
    """Returns the stored data as is (BF16 as its uint16 bits); maps or reads it only then."""
    file: Path | None = None
    """The safetensors file holding the bytes (None for a pickle); lets unchanged tensors be copied raw."""
    offset: int = 0
    """Byte offset of the data in `file`."""

    def load_raw(self) -> np.ndarray:
        """The stored data: a fresh memmap (or array) in the stored dtype, BF16 as uint16 bits."""
        return self.raw_loader()

    def load(self) -> np.ndarray:
        """The data as floats: F16/F32 as stored, BF16 widened to float32."""
        data = self.raw_loader()
        return bf16_to_f32(data) if self.dtype == "BF16" else data


def read_json(path: Path, what: str) -> dict[str, Any]:
    """Parse a JSON file, turning a broken one into a ConvertError that names it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConvertError(f"cannot read {what} {path} ({exc}); is the checkpoint complete?") from exc
    if not isinstance(data, dict):
        raise ConvertError(f"{what} {path} is not a JSON object; is the checkpoint complete?")
    return data


def load_config(src: Path) -> dict[str, Any]:
    """config.json of a checkpoint folder, or a one-line error saying what is missing."""
    if not src.is_dir():
        raise ConvertError(
            f"{src} is not a folder; give the Hugging Face checkpoint folder (with config.json)"
        )
    path = src / "config.json"
    if not path.is_file():
        raise ConvertError(
            f"{src} has no config.json; give a Hugging Face checkpoint folder (save_pretrained)"
        )
    config = read_json(path, "config")
    # Multimodal wrappers keep the language model's settings in `text_config`.
    if "text_config" in config and "hidden_size" not in config:
        merged = dict(config["text_config"])
        merged.setdefault("architectures", config.get("architectures"))
        return merged
    return config


def bf16_to_f32(raw: np.ndarray) -> np.ndarray:
    """Widen bfloat16 bits (uint16) to float32: they are the top half of a float32."""
    import numpy as np

    wide = raw.astype(np.uint32)
    wide <<= 16  # in place: a second 4-byte temporary would double the peak for the largest tensor
    return wide.view(np.float32)


# safetensors' own reader refuses headers above 100 MB; a larger length is a damaged or foreign file.
_MAX_HEADER_BYTES = 100_000_000


def safetensors_refs(path: Path) -> Iterator[TensorRef]:
    """Every tensor of one safetensors file, from its header alone."""
    header, data_start = _safetensors_header(path)
    size = path.stat().st_size
    for name, info in header.items():
        if name == "__metadata__":
            continue
        try:
            dtype = info["dtype"]
            begin, end = (int(x) for x in info["data_offsets"])
            shape = tuple(int(d) for d in info["shape"])
        except (KeyError, TypeError, ValueError):
            raise ConvertError(f"{path} is a damaged safetensors file (bad entry for {name!r})") from None
        if not 0 <= begin <= end or data_start + end > size:
            raise ConvertError(
                f"{path} is a damaged or truncated safetensors file ({name!r} ends at byte "
                f"{data_start + end}, the file has {size})"
            )
        if dtype not in _SAFETENSORS_DTYPES:
            raise ConvertError(f"tensor {name} in {path.name} has dtype {dtype}, which cannot be converted")
        offset = data_start + begin
        loader = _memmap_loader(path, offset, dtype, shape)
        yield TensorRef(name, shape, dtype, end - begin, loader, path, offset)


def _safetensors_header(path: Path) -> tuple[dict[str, Any], int]:
    """The JSON header and where the data starts, with its length checked against the file before reading."""
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            (header_len,) = struct.unpack("<Q", handle.read(8))
            if header_len > min(size - 8, _MAX_HEADER_BYTES):
                raise ConvertError(
                    f"{path} is not a safetensors file (its first bytes announce a {header_len}-byte header "
                    f"in a {size}-byte file); check that it was downloaded whole"
                )
            header = json.loads(handle.read(header_len))
    except (OSError, ValueError, struct.error) as exc:
        raise ConvertError(f"{path} is not a readable safetensors file ({exc})") from exc
    if not isinstance(header, dict):
        raise ConvertError(f"{path} is not a safetensors file (its header is not a JSON object)")
    return header, 8 + header_len


def _memmap_loader(path: Path, offset: int, dtype: str, shape: tuple[int, ...]) -> Callable[[], np.ndarray]:
    def load() -> np.ndarray:
        import numpy as np

        count = 1
        for dim in shape:
            count *= dim
        if count == 0:
            return np.zeros(shape, dtype=_SAFETENSORS_DTYPES[dtype])
        return np.memmap(path, dtype=_SAFETENSORS_DTYPES[dtype], mode="r", offset=offset, shape=shape)

    return load


def pickle_refs(path: Path) -> Iterator[TensorRef]:
    """Tensors of a PyTorch `.bin` file, loaded with `weights_only=True` (no code runs from the file)."""
    try:
        import torch
    except ImportError as exc:
        raise ConvertError("reading .bin checkpoints needs torch; install bayling-local[train]") from exc
    try:
        state = torch.load(path, map_location="cpu", weights_only=True, mmap=True)
    except Exception as exc:  # torch raises many types for a bad or unsafe pickle
        raise ConvertError(f"cannot load {path.name} safely ({type(exc).__name__}: {exc})") from exc
    names = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16"}
    for name, tensor in state.items():
        dtype = names.get(tensor.dtype, "F32")
        shape = tuple(tensor.shape)
        yield TensorRef(name, shape, dtype, tensor.numel() * tensor.element_size(), _torch_loader(tensor))


def _torch_loader(tensor: Any) -> Callable[[], np.ndarray]:
    def load() -> np.ndarray:
        import torch

        if tensor.dtype in (torch.float16, torch.float32):
            return tensor.numpy()
        if tensor.dtype == torch.bfloat16:
            return tensor.view(torch.int16).numpy().view("<u2")
        return tensor.to(torch.float32).numpy()

    return load


def weight_files(src: Path, allow_pickle: bool) -> list[Path]:
    """The weight shards of a checkpoint: safetensors when present, else `.bin` only if allowed."""
    safetensors = sorted(src.glob("*.safetensors"))
    # Adapter files and consolidated copies are not part of the model proper.
    safetensors = [p for p in safetensors if not p.name.startswith(("adapter_", "consolidated"))]
    if safetensors:
        return safetensors
    pickles = sorted(p for p in src.glob("*.bin") if not p.name.startswith(("adapter_", "training_args")))
    if pickles and not allow_pickle:
        raise ConvertError(
            f"{src} holds only pickled .bin weights, which can run code when loaded; "
            "re-save them as safetensors or pass --allow-pickle if you trust the source"
        )
    if not pickles:
        raise ConvertError(f"{src} has no *.safetensors (or *.bin) weight files")
    return pickles


@dataclass
class Checkpoint:
    """A checkpoint folder: its config and a lazy map of its tensors."""

    path: Path
    """The folder."""
    config: dict[str, Any]
    """config.json (a multimodal model's `text_config` merged in)."""
    tensors: dict[str, TensorRef]
    """Tensor name -> reference, in file order."""

    @property
    def nbytes(self) -> int:
        return sum(ref.nbytes for ref in self.tensors.values())


def open_checkpoint(src: Path, allow_pickle: bool = False) -> Checkpoint:
    """Read config.json and every shard header; no tensor data is read yet."""
    config = load_config(src)
    tensors: dict[str, TensorRef] = {}
    for path in weight_files(src, allow_pickle):
        refs = safetensors_refs(path) if path.suffix == ".safetensors" else pickle_refs(path)
        for ref in refs:
            tensors[ref.name] = ref
    return Checkpoint(src, config, tensors)
