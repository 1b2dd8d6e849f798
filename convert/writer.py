"""Stream tensors into a GGUF file one at a time.

GGUFWriter normally keeps every tensor in memory until the end. Here the whole tensor table is declared up
front from shapes alone (`add_tensor_info`), the header, metadata and table are written, and then each
tensor is produced, cast, written and dropped in turn: peak memory is about one tensor.

Two fast paths keep the converter near the speed of a file copy:
- a tensor whose bytes do not change (F16 kept F16, BF16 kept BF16) is copied file-to-file by the kernel;
- bfloat16 is widened and narrowed in cache-sized chunks on every core, never as a whole float32 copy.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from bayling_local.errors import ConvertError

if TYPE_CHECKING:
    import numpy as np

# `auto` is resolved per checkpoint (see `resolve_outtype`) before any tensor is planned.
WRITTEN_TYPES = ("f32", "f16", "bf16", "q8_0")
OUTTYPES = ("auto", *WRITTEN_TYPES)
# Source dtype -> the type `auto` writes: 16-bit types stay as they are (a byte copy, no rounding and no
# bf16 -> f16 overflow); wider floats become f16, as llama.cpp's own converter does.
_AUTO_TYPES = {"BF16": "bf16", "F16": "f16"}
_CHUNK = 1 << 18  # elements per conversion chunk: 1 MB of float32, stays in cache


@dataclass(frozen=True)
class FileBytes:
    """Tensor data to copy unchanged from a byte range of a file."""

    path: Path
    offset: int
    nbytes: int
    shape: tuple[int, ...]


@dataclass(frozen=True)
class Bf16Bits:
    """bfloat16 data kept as its uint16 bits until it is written."""

    bits: np.ndarray

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.bits.shape)


@dataclass(frozen=True)
class Bf16File:
    """bfloat16 data still in its file: converted while it is read, chunk by chunk, never mapped whole."""

    path: Path
    offset: int
    nbytes: int
    shape: tuple[int, ...]


TensorData = Union["np.ndarray", FileBytes, Bf16Bits, Bf16File]


class Scratch:
    """Two reusable output buffers, alternated: one tensor is written while the next is prepared.

    Reusing them spares the page faults of fresh memory for every tensor, which cost more than the
    conversion itself; peak memory stays at two of the largest converted tensors.
    """

    def __init__(self) -> None:
        self.buffers: list[Any] = [None, None]
        self.turn = 0

    def take(self, nbytes: int) -> np.ndarray:
        import numpy as np

        self.turn ^= 1
        current = self.buffers[self.turn]
        if current is None or current.size < nbytes:
            current = self.buffers[self.turn] = np.empty(nbytes, dtype=np.uint8)
        return current[:nbytes]


@dataclass
class PlannedTensor:
    """One output tensor: its GGUF name, final shape and type, and how to compute its data."""

    name: str
    """GGUF tensor name (`blk.0.attn_q.weight`)."""
    shape: tuple[int, ...]
    """Row-major shape of the data `produce` returns."""
    produce: Callable[[], TensorData]
    """Computes the tensor (float array, bf16 bits or a raw byte range); called once, while writing."""
    qtype_name: str = "F32"
    """GGML type it is stored as: F32, F16, BF16 or Q8_0."""


def resolve_outtype(outtype: str, matrices: Iterable[tuple[str, tuple[int, ...]]]) -> str:
    """The written type for `outtype`; `auto` follows the (dtype, shape) of the checkpoint's matrices.

    `auto` takes the dtype holding most matrix elements (vectors stay F32 anyway): BF16 -> bf16, F16 -> f16,
    anything wider -> f16. One type for the whole file keeps `general.file_type` exact; in a mixed
    checkpoint the minority tensors are cast. A tie goes to bf16, which cannot overflow.
    """
    if outtype not in OUTTYPES:
        raise ConvertError(f"unknown --outtype {outtype!r}; choose one of: {', '.join(OUTTYPES)}")
    if outtype != "auto":
        return outtype
    elements = {"bf16": 0, "f16": 0}
    for dtype, shape in matrices:
        if len(shape) >= 2:
            count = 1
            for dim in shape:
                count *= dim
            elements[_AUTO_TYPES.get(dtype, "f16")] += count
    return "bf16" if elements["bf16"] >= elements["f16"] and elements["bf16"] else "f16"


def choose_type(shape: tuple[int, ...], outtype: str) -> str:
    """llama.cpp's convention: vectors (norms, biases) stay F32; matrices take the requested type."""
    if outtype not in WRITTEN_TYPES:
        raise ConvertError(f"unknown --outtype {outtype!r}; choose one of: {', '.join(WRITTEN_TYPES)}")
    if len(shape) < 2 or outtype == "f32":
        return "F32"
    if outtype == "q8_0" and shape[-1] % 32 != 0:
        return "F16"  # Q8_0 packs rows in blocks of 32
    return outtype.upper()


def file_type(outtype: str) -> int:
    """The general.file_type value for an outtype."""
    import gguf

    return int(
        {
            "f32": gguf.LlamaFileType.ALL_F32,
            "f16": gguf.LlamaFileType.MOSTLY_F16,
            "bf16": gguf.LlamaFileType.MOSTLY_BF16,
            "q8_0": gguf.LlamaFileType.MOSTLY_Q8_0,
        }[outtype]
    )


def _bf16_to_f16_bits(bits: np.ndarray, out: np.ndarray) -> None:
    """out = bf16 `bits` as float16 bits, exactly as numpy's bf16 -> f32 -> f16 casts would give.

    In float16's normal range a bfloat16 value is exact in float16 (7 mantissa bits fit in 10): rebias
    the exponent and shift the mantissa, integer ops only. The rest (zeros, float16 subnormals, overflow,
    inf, nan; ~0.1% of real weights) goes through numpy's rounding casts.
    """
    import numpy as np

    magnitude = bits & np.uint16(0x7FFF)
    magnitude -= np.uint16(113 << 7)  # bf16 exponent 113..142 is float16's normal range; others wrap high
    special = np.flatnonzero(magnitude >= np.uint16(30 << 7))
    magnitude += np.uint16(1 << 7)
    magnitude <<= np.uint16(3)
    magnitude |= bits & np.uint16(0x8000)
    out[...] = magnitude
    if special.size:
        wide = bits[special].astype(np.uint32)
        wide <<= 16
        with np.errstate(over="ignore"):
            out[special] = wide.view(np.float32).astype(np.float16).view(np.uint16)


def _widen_into(bits: np.ndarray, out: np.ndarray, pool: ThreadPoolExecutor | None) -> None:
    """out[:] = bf16 bits as floats, chunk by chunk, on every core when given a pool (numpy drops the GIL)."""
    import numpy as np

    flat_in, flat_out = bits.reshape(-1), out.reshape(-1)

    def convert(start: int) -> None:
        chunk = flat_in[start : start + _CHUNK]
        if flat_out.dtype == np.float16:
            _bf16_to_f16_bits(chunk, flat_out[start : start + _CHUNK].view(np.uint16))
            return
        wide = chunk.astype(np.uint32)
        wide <<= 16
        flat_out[start : start + _CHUNK] = wide.view(np.float32)

    starts = range(0, flat_in.size, _CHUNK)
    if pool is None:
        for start in starts:
            convert(start)
    else:
        list(pool.map(convert, starts))


def _read_widened(source: Bf16File, out: np.ndarray, pool: ThreadPoolExecutor) -> None:
    """Read bf16 bits from the file in chunks (pread into a small buffer) and widen them into `out`."""
    import numpy as np

    flat_out, count = out.reshape(-1), source.nbytes // 2
    with open(source.path, "rb") as handle:
        fd = handle.fileno()

        def convert(start: int) -> None:
            bits = np.empty(min(_CHUNK, count - start), dtype=np.uint16)
            view = memoryview(bits).cast("B")  # type: ignore[arg-type]
            if os.preadv(fd, [view], source.offset + 2 * start) != bits.nbytes:
                raise ConvertError(f"{source.path} ended early; is the checkpoint complete?")
            _widen_into(bits, flat_out[start : start + bits.size], None)

        list(pool.map(convert, range(0, count, _CHUNK)))


def _encode(data: TensorData, qtype_name: str, pool: ThreadPoolExecutor, scratch: Scratch) -> np.ndarray:
    """Cast or pack one tensor for writing."""
    import gguf
    import numpy as np

    if isinstance(data, Bf16File):
        if qtype_name in ("F16", "F32"):
            target: Any = np.dtype(np.float16 if qtype_name == "F16" else np.float32)
            count = data.nbytes // 2
            out = scratch.take(count * target.itemsize).view(target).reshape(data.shape)
            _read_widened(data, out, pool)
            return out
        raw = np.fromfile(data.path, dtype="<u2", count=data.nbytes // 2, offset=data.offset)
        data = Bf16Bits(raw.reshape(data.shape))
    if isinstance(data, Bf16Bits):
        if qtype_name == "BF16":
            return np.ascontiguousarray(data.bits)
        out = np.empty(data.shape, dtype=np.float16 if qtype_name == "F16" else np.float32)
        _widen_into(data.bits, out, pool)
        if qtype_name in ("F16", "F32"):
            return out
        data = out
    assert not isinstance(data, (FileBytes, Bf16File))
    if qtype_name == "F32":
        return np.ascontiguousarray(data, dtype=np.float32)
    if qtype_name == "F16":
        return np.ascontiguousarray(data, dtype=np.float16)
    qtype = gguf.GGMLQuantizationType[qtype_name]
    return gguf.quants.quantize(np.asarray(data, dtype=np.float32), qtype)


def _next_slot(writer: Any, nbytes: int) -> Any:
    """Claim the next entry of the tensor table (as write_tensor_data would) and pad to its offset."""
    fout = writer.fout[0]
    info = writer.tensors[0].pop(next(iter(writer.tensors[0])))
    if info.nbytes != nbytes:
        raise ConvertError(f"internal error: tensor table expects {info.nbytes} bytes, got {nbytes}")
    writer.write_padding(fout, fout.tell())
    return fout


def _write_array(writer: Any, data: np.ndarray) -> None:
    """Write one encoded tensor; a single write of its buffer (ndarray.tofile is several times slower)."""
    fout = _next_slot(writer, data.nbytes)
    fout.write(memoryview(data.reshape(-1)).cast("B"))  # type: ignore[arg-type]
    writer.write_padding(fout, data.nbytes)


def _copy_bytes(writer: Any, source: FileBytes) -> None:
    """Write a byte range of another file as the next tensor, copied by the kernel (copy_file_range)."""
    fout = _next_slot(writer, source.nbytes)
    fout.flush()
    with open(source.path, "rb") as src:
        offset, remaining, position = source.offset, source.nbytes, fout.tell()
        while remaining:
            try:
                copied = os.copy_file_range(src.fileno(), fout.fileno(), remaining, offset, position)
            except OSError:  # another filesystem or an old kernel: read and write instead
                src.seek(offset)
                copied = fout.write(src.read(min(remaining, 64 << 20)))
            if copied == 0:
                raise ConvertError(f"{source.path} ended early; is the checkpoint complete?")
            offset, remaining, position = offset + copied, remaining - copied, position + copied
            fout.seek(position)
    writer.write_padding(fout, source.nbytes)


def write_gguf(
    path: Path,
    arch: str,
    add_metadata: Callable[[Any], None],
    plan: list[PlannedTensor],
    progress: bool = True,
) -> None:
    """Write `plan` to `path` as a GGUF for `arch`; `add_metadata(writer)` adds the key-value pairs."""
    import gguf
    import numpy as np

    # Start from no file rather than truncating the empty temp file: ext4 flushes a truncated-then-written
    # file to disk on close (auto_da_alloc), which costs seconds for gigabytes.
    Path(path).unlink(missing_ok=True)
    writer = gguf.GGUFWriter(path, arch)
    add_metadata(writer)
    for tensor in plan:
        qtype = gguf.GGMLQuantizationType[tensor.qtype_name]
        float_type = tensor.qtype_name in ("F32", "F16")
        byte_shape = tensor.shape if float_type else gguf.quant_shape_to_byte_shape(tensor.shape, qtype)
        itemsize = {"F32": 4, "F16": 2}.get(tensor.qtype_name, 1)
        nbytes = int(np.prod(byte_shape, dtype=np.int64)) * itemsize
        writer.add_tensor_info(
            tensor.name, byte_shape, _numpy_type(tensor.qtype_name), nbytes, raw_dtype=qtype
        )
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_ti_data_to_file()
    bar = _progress_bar(len(plan), progress)
    try:
        _write_all(writer, plan, bar)
    finally:
        bar.close()
        writer.close()


def _write_all(writer: Any, plan: list[PlannedTensor], bar: Any) -> None:
    """Prepare tensor k+1 on every core while one I/O thread writes tensor k (in file order)."""
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool, ThreadPoolExecutor(max_workers=1) as io:
        pending: Future[None] | None = None
        scratch = Scratch()
        for tensor in plan:
            bar.set_postfix_str(tensor.name, refresh=False)
            item = _prepare(tensor, pool, scratch)
            if pending is not None:
                pending.result()  # at most two tensors in memory: the one written, the one prepared
                bar.update(1)
            pending = io.submit(_write_item, writer, item)
            del item
        if pending is not None:
            pending.result()
            bar.update(1)


def _prepare(tensor: PlannedTensor, pool: ThreadPoolExecutor, scratch: Scratch) -> np.ndarray | FileBytes:
    data = tensor.produce()
    if tuple(data.shape) != tuple(tensor.shape):
        raise ConvertError(
            f"tensor {tensor.name} came out as {list(data.shape)}, expected {list(tensor.shape)}"
        )
    if isinstance(data, FileBytes):
        return data
    return _encode(data, tensor.qtype_name, pool, scratch)


def _write_item(writer: Any, item: np.ndarray | FileBytes) -> None:
    if isinstance(item, FileBytes):
        _copy_bytes(writer, item)
    else:
        _write_array(writer, item)


def _numpy_type(qtype_name: str) -> Any:
    import numpy as np

    return {"F32": np.float32, "F16": np.float16}.get(qtype_name, np.uint8)


def _progress_bar(total: int, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(
        total=total, unit="tensor", desc="Converting", file=sys.stderr, disable=not enabled, leave=False
    )
