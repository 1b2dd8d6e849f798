"""A GGUF's header through llama.cpp's own C reader (`gguf_init_from_file` in ggml-base, with no tensor data).

Why not the `gguf` package's GGUFReader: it builds a Python object for every array element, and the
262,144-token vocabulary of the built-in model alone takes it about 12 s; the C reader takes milliseconds and
is the exact parser llama.cpp will load the file with. llama-cpp-python binds the llama API but not ggml's
gguf functions, so they are declared here on the ggml-base library that llama-cpp-python ships.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

# gguf_type values (gguf.h) of the keys read here.
_GGUF_TYPE_UINT32 = 4
_GGUF_TYPE_INT32 = 5
_GGUF_TYPE_STRING = 8
_GGUF_TYPE_UINT64 = 10


# A number key named after the model's architecture, read as `<general.architecture>.context_length`.
ARCH_CONTEXT_LENGTH = "{arch}.context_length"


class _InitParams(ctypes.Structure):
    _fields_ = [("no_alloc", ctypes.c_bool), ("ctx", ctypes.c_void_p)]


@dataclass
class Header:
    """What the header says: string and integer keys asked for, tensors' types, sizes and data extent."""

    strings: dict[str, str] = field(default_factory=dict)
    numbers: dict[str, int] = field(default_factory=dict)
    array_lengths: dict[str, int] = field(default_factory=dict)
    tensor_types: list[int] = field(default_factory=list)
    """ggml type id of each tensor."""
    tensor_elements: list[int] = field(default_factory=list)
    data_end: int = 0
    """Bytes the file must have: where the last tensor's data ends."""


@cache
def _ggml() -> Any:
    import llama_cpp

    library = ctypes.CDLL(str(Path(llama_cpp.__file__).parent / "lib" / "libggml-base.so"))
    declare = [
        ("gguf_init_from_file", ctypes.c_void_p, [ctypes.c_char_p, _InitParams]),
        ("gguf_free", None, [ctypes.c_void_p]),
        ("gguf_find_key", ctypes.c_int64, [ctypes.c_void_p, ctypes.c_char_p]),
        ("gguf_get_kv_type", ctypes.c_int, [ctypes.c_void_p, ctypes.c_int64]),
        ("gguf_get_val_str", ctypes.c_char_p, [ctypes.c_void_p, ctypes.c_int64]),
        ("gguf_get_val_u32", ctypes.c_uint32, [ctypes.c_void_p, ctypes.c_int64]),
        ("gguf_get_val_i32", ctypes.c_int32, [ctypes.c_void_p, ctypes.c_int64]),
        ("gguf_get_val_u64", ctypes.c_uint64, [ctypes.c_void_p, ctypes.c_int64]),
        ("gguf_get_arr_n", ctypes.c_size_t, [ctypes.c_void_p, ctypes.c_int64]),
        ("gguf_get_n_tensors", ctypes.c_int64, [ctypes.c_void_p]),
        ("gguf_get_tensor_type", ctypes.c_int, [ctypes.c_void_p, ctypes.c_int64]),
        ("gguf_get_tensor_offset", ctypes.c_size_t, [ctypes.c_void_p, ctypes.c_int64]),
        ("gguf_get_tensor_size", ctypes.c_size_t, [ctypes.c_void_p, ctypes.c_int64]),
        ("gguf_get_data_offset", ctypes.c_size_t, [ctypes.c_void_p]),
        ("ggml_type_size", ctypes.c_size_t, [ctypes.c_int]),
        ("ggml_blck_size", ctypes.c_int64, [ctypes.c_int]),
        ("ggml_log_set", None, [ctypes.c_void_p, ctypes.c_void_p]),
    ]
    for name, result, arguments in declare:
        function = getattr(library, name)
        function.restype, function.argtypes = result, arguments
    return library


def read_header(
    path: Path, strings: tuple[str, ...], numbers: tuple[str, ...], arrays: tuple[str, ...]
) -> Header | None:
    """The header of `path`, or None when llama.cpp's reader refuses it (damaged, not a GGUF). A number key
    may hold `{arch}` (ARCH_CONTEXT_LENGTH): it is read under the file's architecture, in the same pass."""
    from .runtime import quiet_log_callback

    ggml = _ggml()
    # The C reader reports a refusal on ggml's log; the caller says it in one line instead.
    ggml.ggml_log_set(ctypes.cast(quiet_log_callback(), ctypes.c_void_p), None)
    ctx = ggml.gguf_init_from_file(str(path).encode(), _InitParams(True, None))
    if not ctx:
        return None
    try:
        return _describe(ggml, ctx, strings, numbers, arrays)
    finally:
        ggml.gguf_free(ctx)


def _describe(
    ggml: Any, ctx: Any, strings: tuple[str, ...], numbers: tuple[str, ...], arrays: tuple[str, ...]
) -> Header:
    header = Header()
    for key in strings:
        index = ggml.gguf_find_key(ctx, key.encode())
        if index >= 0 and ggml.gguf_get_kv_type(ctx, index) == _GGUF_TYPE_STRING:
            header.strings[key] = ggml.gguf_get_val_str(ctx, index).decode("utf-8", errors="replace")
    readers = {
        _GGUF_TYPE_UINT32: ggml.gguf_get_val_u32,
        _GGUF_TYPE_INT32: ggml.gguf_get_val_i32,
        _GGUF_TYPE_UINT64: ggml.gguf_get_val_u64,
    }
    arch = header.strings.get("general.architecture", "")
    for key in numbers:
        index = ggml.gguf_find_key(ctx, key.replace("{arch}", arch).encode())
        reader = readers.get(ggml.gguf_get_kv_type(ctx, index)) if index >= 0 else None
        if reader is not None:
            header.numbers[key] = int(reader(ctx, index))
    for key in arrays:
        index = ggml.gguf_find_key(ctx, key.encode())
        if index >= 0:
            header.array_lengths[key] = int(ggml.gguf_get_arr_n(ctx, index))
    data_offset = int(ggml.gguf_get_data_offset(ctx))
    for tensor in range(ggml.gguf_get_n_tensors(ctx)):
        kind = int(ggml.gguf_get_tensor_type(ctx, tensor))
        size = int(ggml.gguf_get_tensor_size(ctx, tensor))
        header.tensor_types.append(kind)
        header.tensor_elements.append(size // int(ggml.ggml_type_size(kind)) * int(ggml.ggml_blck_size(kind)))
        header.data_end = max(
            header.data_end, data_offset + int(ggml.gguf_get_tensor_offset(ctx, tensor)) + size
        )
    return header
