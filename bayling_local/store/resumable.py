"""A download that survives a restart: large files go to a partial file with a stable name, resumed with an
HTTP Range request from the bytes already there, and become a cache blob only once their sha256 matches.

huggingface_hub 2.x downloads into a process-unique `<etag>.<random>.incomplete` and deletes it when the
process stops, so an interrupted pull of a 16 GB checkpoint starts the file in flight again; a killed one
leaves a file nobody reuses. Here every piece received is written at once (the OS keeps it even through a
SIGKILL), a file lock keeps two pulls from appending to the same partial, and the transfer uses
huggingface_hub's own HTTP session (HF_TOKEN, proxies, redirects to the CDN, the user agent).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import NetworkError, StoreError

PARTIAL_SUFFIX = ".partial"
# A dropped connection is picked up again from the bytes on disk this many times before the pull gives up.
ATTEMPTS = 5

Notify = Callable[[str], None]


@dataclass(frozen=True)
class Transfer:
    """One file to fetch into the cache."""

    url: str
    """The Hub's resolve URL (it redirects to the CDN)."""
    blob: Path
    """Where the verified file goes: `<cache>/models--org--name/blobs/<sha256>`."""
    size: int | None
    sha256: str
    label: str
    """The file's path in the repository, for messages and the progress bar."""
    lock: Path
    """The lock huggingface_hub takes for the same blob (`<cache>/.locks/models--org--name/<sha256>.lock`),
    so neither another pull nor a huggingface_hub download writes the file at the same time."""


def fetch_blob(
    transfer: Transfer, transport_errors: tuple[type[BaseException], ...], progress: bool, notify: Notify
) -> int:
    """Download `transfer` into its blob, resuming a partial file left by an earlier pull; returns the bytes
    that were already on disk (not downloaded again). HTTP refusals propagate for the caller to word."""
    from filelock import FileLock, Timeout

    partial = transfer.blob.with_name(transfer.blob.name + PARTIAL_SUFFIX)
    partial.parent.mkdir(parents=True, exist_ok=True)
    transfer.lock.parent.mkdir(parents=True, exist_ok=True)
    try:
        with FileLock(transfer.lock, timeout=0):
            return _fetch_locked(transfer, partial, transport_errors, progress, notify)
    except Timeout:
        raise StoreError(
            f"another pull is downloading {transfer.label} into the same cache; wait for it to finish, "
            "then run this pull again"
        ) from None


def _fetch_locked(
    transfer: Transfer,
    partial: Path,
    transport_errors: tuple[type[BaseException], ...],
    progress: bool,
    notify: Notify,
) -> int:
    have = partial.stat().st_size if partial.exists() else 0
    if transfer.size is not None and have > transfer.size:
        partial.unlink()  # longer than the file can be: not ours to continue
        have = 0
    kept = have
    if kept:
        notify(
            f"Resuming {transfer.label} from {_mb(kept)} already on disk (of {_mb(transfer.size)}); "
            "those bytes are not downloaded again."
        )
    bar = _bar(transfer, have, progress)
    try:
        have = _transfer_with_retries(transfer, partial, have, transport_errors, bar)
    except KeyboardInterrupt:
        have = partial.stat().st_size if partial.exists() else 0
        notify(f"{_mb(have)} of {transfer.label} kept; the same pull resumes from there.")
        raise
    finally:
        bar.close()
    _verify(partial, transfer)
    os.replace(partial, transfer.blob)
    return kept


def _transfer_with_retries(
    transfer: Transfer, partial: Path, have: int, transport_errors: tuple[type[BaseException], ...], bar: Any
) -> int:
    for attempt in range(ATTEMPTS):
        try:
            have = _transfer(transfer, partial, have, bar)
        except transport_errors as exc:
            have = partial.stat().st_size if partial.exists() else 0
            if attempt == ATTEMPTS - 1:
                raise NetworkError(
                    f"the download of {transfer.label} failed ({exc}); {_mb(have)} are kept: run the same pull "
                    "again to resume"
                ) from None
            continue
        if transfer.size is None or have >= transfer.size:
            return have
    raise NetworkError(
        f"the download of {transfer.label} kept ending early; {_mb(have)} are kept: run the same pull again "
        "to resume"
    )


def _transfer(transfer: Transfer, partial: Path, have: int, bar: Any) -> int:
    """One GET from `have` on, each piece written as it arrives; the new size of the partial file."""
    from huggingface_hub import constants
    from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status

    headers = build_hf_headers()
    headers["Accept-Encoding"] = "identity"  # byte offsets must be offsets into the file itself
    if have:
        headers["Range"] = f"bytes={have}-"
    timeout = constants.HF_HUB_DOWNLOAD_TIMEOUT
    with get_session().stream("GET", transfer.url, headers=headers, timeout=timeout) as response:
        if have and response.status_code == 416 and have == transfer.size:
            return have  # the whole file was already there
        hf_raise_for_status(response)
        if have and response.status_code != 206:  # the server ignored the Range: start over
            bar.reset()
            have = 0
        with open(partial, "ab" if have else "wb") as out:
            for piece in response.iter_bytes():
                out.write(piece)
                out.flush()  # in the OS's hands: kept even if this process is killed now
                have += len(piece)
                bar.update(len(piece))
    return have


def _verify(partial: Path, transfer: Transfer) -> None:
    digest = hashlib.sha256()
    with open(partial, "rb") as handle:
        while block := handle.read(1 << 22):
            digest.update(block)
    actual = digest.hexdigest()
    if actual != transfer.sha256.lower():
        partial.unlink(missing_ok=True)
        raise StoreError(
            f"{transfer.label} is corrupt: its sha256 is {actual[:12]}..., the Hub says {transfer.sha256[:12]}...; "
            "the damaged copy was deleted and nothing was registered: run the same pull again"
        )


def link_into_snapshot(pointer: Path, blob: Path) -> None:
    """Make the snapshot's path for a file point at its blob, as huggingface_hub lays out its cache (a relative
    symlink; a copy where the file system has no symlinks)."""
    pointer.parent.mkdir(parents=True, exist_ok=True)
    pointer.unlink(missing_ok=True)
    try:
        os.symlink(os.path.relpath(blob, pointer.parent), pointer)
    except OSError:
        import shutil

        shutil.copyfile(blob, pointer)


def _bar(transfer: Transfer, have: int, progress: bool) -> Any:
    from tqdm.auto import tqdm

    return tqdm(
        total=transfer.size,
        initial=have,
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        desc=transfer.label[-40:],
        disable=not progress,
        leave=False,
    )


def _mb(size: int | None) -> str:
    if size is None:
        return "an unknown size"
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size / 1e3:.1f} kB"
