"""Downloads from the Hugging Face Hub into its shared cache, checked against the Hub's hashes.

huggingface_hub does the transfer: HF_ENDPOINT, HF_TOKEN, HTTP(S)_PROXY and progress bars work as in every
other Hugging Face tool, a dropped connection is resumed with a Range request, and files already in the cache
are not fetched again. This module adds what a model store needs on top:
- environment read at call time (huggingface_hub reads HF_ENDPOINT and HF_HUB_OFFLINE once, at import);
- one listing call that gives the commit, the sizes and the sha256 of every LFS file;
- a free-disk check before the first byte, and a sha256 check of every file before anyone uses it;
- offline use of a revision already in the cache (expected hashes then come from the cache's blob names,
  which huggingface_hub names after the ETag the Hub sent: the LFS sha256, or the git blob id);
- one-line errors instead of tracebacks.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import NetworkError, StoreError
from .names import check_repo_id, check_revision
from .resumable import PARTIAL_SUFFIX, Transfer, fetch_blob, link_into_snapshot

_TRUE = {"1", "on", "yes", "true"}
HAND_IMPORT_HINT = (
    "on a machine with network run `hf download {repo} --revision {revision} --local-dir DIR`, "
    "copy DIR here, then `bayling-local convert DIR -o MODEL.gguf --quant q4_k_m` (a GGUF repo needs no conversion) and "
    "`bayling-local import MODEL.gguf --name NAME`"
)


@dataclass(frozen=True)
class HubSettings:
    """Where and how to reach the Hub, read from the environment when a command runs."""

    endpoint: str
    """HF_ENDPOINT (default https://huggingface.co)."""
    cache_dir: Path
    """HF_HUB_CACHE, else HF_HOME/hub, else ~/.cache/huggingface/hub."""
    offline: bool
    """HF_HUB_OFFLINE: never touch the network, use the cache only."""

    @classmethod
    def from_env(cls) -> HubSettings:
        """The settings the current environment asks for."""
        env = os.environ
        hf_home = Path(env.get("HF_HOME") or Path(env.get("XDG_CACHE_HOME") or "~/.cache") / "huggingface")
        cache = Path(
            env.get("HF_HUB_CACHE") or env.get("HUGGINGFACE_HUB_CACHE") or hf_home / "hub"
        ).expanduser()
        offline = (env.get("HF_HUB_OFFLINE") or env.get("TRANSFORMERS_OFFLINE") or "").lower() in _TRUE
        endpoint = (env.get("HF_ENDPOINT") or "https://huggingface.co").rstrip("/")
        return cls(endpoint=endpoint, cache_dir=cache, offline=offline)


@dataclass(frozen=True)
class RemoteFile:
    """One file of a repository at one commit."""

    path: str
    """Path inside the repository."""
    size: int | None
    """Size in bytes, when known."""
    sha256: str | None = None
    """LFS files: the sha256 the Hub stores for them."""
    blob_id: str | None = None
    """Plain git files: their git blob id (sha1 of `blob <size>\\0` + content)."""


@dataclass
class Snapshot:
    """A repository at one commit: what it holds, and whether it came from the cache only."""

    repo_id: str
    """`org/name`."""
    revision: str
    """The revision asked for (branch, tag or commit)."""
    commit: str
    """The commit that revision points to."""
    files: dict[str, RemoteFile] = field(default_factory=dict)
    """Files by path."""
    from_cache: bool = False
    """True when the Hub was not asked (offline, or unreachable): only cached files are listed."""

    def folder(self, settings: HubSettings) -> Path:
        """The cache folder where this commit's files appear under their repository paths."""
        return _storage_folder(settings, self.repo_id) / "snapshots" / self.commit


def _storage_folder(settings: HubSettings, repo_id: str) -> Path:
    return settings.cache_dir / ("models--" + repo_id.replace("/", "--"))


def _transport_errors() -> tuple[type[BaseException], ...]:
    """Network failures of the HTTP client huggingface_hub uses (httpx2 in 2.x, httpx before)."""
    try:
        import httpx2 as client
    except ImportError:  # pragma: no cover - older huggingface_hub
        import httpx as client  # type: ignore[no-redef]
    from huggingface_hub.errors import OfflineModeIsEnabled

    return (client.TransportError, OfflineModeIsEnabled, ConnectionError, TimeoutError)


class RepoNotFoundError(StoreError):
    """The Hub has no such repository (or it is private)."""


def _hub_error(exc: BaseException, repo_id: str, revision: str, endpoint: str) -> StoreError:
    """A one-line StoreError for a refusal by the Hub."""
    from huggingface_hub.errors import GatedRepoError, RepositoryNotFoundError, RevisionNotFoundError

    if isinstance(exc, GatedRepoError):
        return StoreError(
            f"{repo_id} is gated: accept its licence at {endpoint}/{repo_id} and set HF_TOKEN to your "
            "access token"
        )
    if isinstance(exc, RepositoryNotFoundError):
        return RepoNotFoundError(
            f"no repository {repo_id} on {endpoint} (or it is private: set HF_TOKEN); check the name or see "
            "`bayling-local pull --list`"
        )
    if isinstance(exc, RevisionNotFoundError):
        return StoreError(f"{repo_id} has no revision {revision!r}; give an existing branch, tag or commit")
    status = getattr(getattr(exc, "response", None), "status_code", None)
    return StoreError(f"the Hub at {endpoint} refused {repo_id}@{revision} (HTTP {status}); try again later")


def list_snapshot(repo_id: str, revision: str, settings: HubSettings, by_hand: str | None = None) -> Snapshot:
    """What `repo_id` holds at `revision`: from the Hub, or from the cache when offline or unreachable.
    `by_hand`: how to bring the files in without a network (default: download, convert, import a model)."""
    check_repo_id(repo_id)
    check_revision(revision)
    if settings.offline:
        return _cached_or_fail(repo_id, revision, settings, "offline mode is on (HF_HUB_OFFLINE)", by_hand)
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    try:
        info = HfApi(endpoint=settings.endpoint).model_info(repo_id, revision=revision, files_metadata=True)
    except _transport_errors() as exc:
        return _cached_or_fail(
            repo_id, revision, settings, f"cannot reach {settings.endpoint} ({exc})", by_hand
        )
    except HfHubHTTPError as exc:
        raise _hub_error(exc, repo_id, revision, settings.endpoint) from None
    except (ValueError, TypeError, KeyError) as exc:  # an answer that is not the Hub's JSON
        raise StoreError(
            f"{settings.endpoint} did not answer like a Hugging Face Hub ({type(exc).__name__}); check HF_ENDPOINT"
        ) from None
    if not info.sha:
        raise StoreError(
            f"{settings.endpoint} gave no commit for {repo_id}@{revision}; is HF_ENDPOINT a Hub?"
        )
    files = {
        s.rfilename: RemoteFile(
            s.rfilename,
            s.lfs.size if s.lfs else s.size,
            s.lfs.sha256 if s.lfs else None,
            None if s.lfs else s.blob_id,
        )
        for s in info.siblings or []
    }
    return Snapshot(repo_id, revision, info.sha, files)


def _cached_or_fail(
    repo_id: str, revision: str, settings: HubSettings, why: str, by_hand: str | None = None
) -> Snapshot:
    snapshot = cached_snapshot(repo_id, revision, settings)
    if snapshot is None:
        hint = by_hand or HAND_IMPORT_HINT.format(repo=repo_id, revision=revision)
        raise NetworkError(
            f"{why}, and {repo_id}@{revision} is not in the Hugging Face cache ({settings.cache_dir}); the "
            f"network is needed: connect and pull again, or bring the files in by hand: {hint}"
        )
    return snapshot


def cached_snapshot(repo_id: str, revision: str, settings: HubSettings) -> Snapshot | None:
    """The files of `repo_id@revision` already in the cache, with the hashes their blob names record."""
    storage = _storage_folder(settings, repo_id)
    commit = revision if _is_commit(revision) else _read_ref(storage / "refs" / revision)
    if commit is None or not (storage / "snapshots" / commit).is_dir():
        return None
    root = storage / "snapshots" / commit
    files: dict[str, RemoteFile] = {}
    for item in sorted(root.rglob("*")):
        if not item.is_file():
            continue
        rel = item.relative_to(root).as_posix()
        blob = item.resolve().name
        files[rel] = RemoteFile(
            rel,
            item.stat().st_size,
            blob if len(blob) == 64 else None,
            blob if len(blob) == 40 else None,
        )
    return Snapshot(repo_id, revision, commit, files, from_cache=True) if files else None


def _is_commit(revision: str) -> bool:
    return len(revision) == 40 and all(c in "0123456789abcdef" for c in revision)


def _read_ref(ref: Path) -> str | None:
    try:
        return ref.read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def nearest_existing(path: Path) -> Path:
    """`path`, or its nearest parent that exists (a folder not made yet is on its parent's disk)."""
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def check_free_space(needed: int, folders: Iterable[Path], what: str) -> None:
    """Raise StoreError before any work when a folder's disk has less than `needed` bytes free."""
    for folder in folders:
        free = shutil.disk_usage(nearest_existing(folder)).free
        if free < needed:
            raise StoreError(
                f"not enough disk space for {what}: {needed / 1e9:.2f} GB needed in {folder}, "
                f"{free / 1e9:.2f} GB free; free some space (`bayling-local rm NAME` removes a model)"
            )


def missing_bytes(snapshot: Snapshot, names: Iterable[str], settings: HubSettings) -> int:
    """Bytes still to download for `names` (files already in the cache, and the part of a file an earlier
    pull left on disk, cost nothing)."""
    folder = snapshot.folder(settings)
    missing = 0
    for name in names:
        remote = snapshot.files.get(name)
        if remote is None or (folder / name).exists():
            continue
        missing += max(0, (remote.size or 0) - _partial_size(snapshot, remote, settings))
    return missing


def _blob_path(snapshot: Snapshot, remote: RemoteFile, settings: HubSettings) -> Path | None:
    """Where a large (LFS) file's verified copy lives in the cache: blobs/<sha256>."""
    if not remote.sha256:
        return None
    return _storage_folder(settings, snapshot.repo_id) / "blobs" / remote.sha256


def _partial_size(snapshot: Snapshot, remote: RemoteFile, settings: HubSettings) -> int:
    blob = _blob_path(snapshot, remote, settings)
    partial = blob.with_name(blob.name + PARTIAL_SUFFIX) if blob else None
    return partial.stat().st_size if partial is not None and partial.exists() else 0


def download(
    snapshot: Snapshot,
    names: list[str],
    settings: HubSettings,
    progress: bool = True,
    notify: Callable[[str], None] = lambda _: None,
) -> int:
    """Fetch `names` of `snapshot` into the cache and verify each one; returns the bytes an earlier,
    interrupted pull had already fetched (large files resume, see `store.resumable`)."""
    resumed = 0
    for name in names:
        remote = snapshot.files[name]
        blob = _blob_path(snapshot, remote, settings)
        pointer = snapshot.folder(settings) / name
        if blob is not None and not snapshot.from_cache and not pointer.exists():
            resumed += _fetch_resumable(snapshot, remote, blob, settings, progress, notify)
            verify_file(pointer, remote)
        else:
            _fetch_with_hub(snapshot, name, settings, progress)
    if not snapshot.from_cache and snapshot.revision != snapshot.commit:
        _write_ref(_storage_folder(settings, snapshot.repo_id), snapshot.revision, snapshot.commit)
    return resumed


def _fetch_resumable(
    snapshot: Snapshot,
    remote: RemoteFile,
    blob: Path,
    settings: HubSettings,
    progress: bool,
    notify: Callable[[str], None],
) -> int:
    from huggingface_hub import hf_hub_url
    from huggingface_hub.errors import HfHubHTTPError

    url = hf_hub_url(snapshot.repo_id, remote.path, revision=snapshot.commit, endpoint=settings.endpoint)
    storage = _storage_folder(settings, snapshot.repo_id)
    lock = settings.cache_dir / ".locks" / storage.name / f"{blob.name}.lock"
    transfer = Transfer(url, blob, remote.size, remote.sha256 or "", remote.path, lock)
    kept = 0
    if not blob.exists():
        try:
            kept = fetch_blob(transfer, _transport_errors(), progress, notify)
        except HfHubHTTPError as exc:
            raise _hub_error(exc, snapshot.repo_id, snapshot.revision, settings.endpoint) from None
        except OSError as exc:  # disk full, permissions
            raise StoreError(
                f"the download of {remote.path} failed: {exc}; run the same pull again"
            ) from None
    link_into_snapshot(snapshot.folder(settings) / remote.path, blob)
    return kept


def _fetch_with_hub(snapshot: Snapshot, name: str, settings: HubSettings, progress: bool) -> None:
    """Small files, and files taken from the cache: huggingface_hub's own download, then the hash check."""
    from huggingface_hub import hf_hub_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

    remote = snapshot.files[name]
    try:
        local = hf_hub_download(
            snapshot.repo_id,
            name,
            revision=snapshot.commit,
            cache_dir=settings.cache_dir,
            endpoint=settings.endpoint,
            local_files_only=snapshot.from_cache,
            tqdm_class=None if progress else _silent_tqdm(),
        )
    except LocalEntryNotFoundError:
        hint = HAND_IMPORT_HINT.format(repo=snapshot.repo_id, revision=snapshot.revision)
        raise NetworkError(
            f"{name} of {snapshot.repo_id} is not in the cache and the Hub cannot be reached; the "
            f"network is needed: connect and pull again, or bring the files in by hand: {hint}"
        ) from None
    except HfHubHTTPError as exc:
        raise _hub_error(exc, snapshot.repo_id, snapshot.revision, settings.endpoint) from None
    except _transport_errors() as exc:
        raise NetworkError(
            f"the download of {name} from {settings.endpoint} failed ({exc}); run the same pull again: "
            "files already complete are kept"
        ) from None
    except OSError as exc:  # size mismatch after retries, disk full, permissions
        raise StoreError(f"the download of {name} failed: {exc}; run the same pull again") from None
    verify_file(Path(local), remote)


def _write_ref(storage: Path, revision: str, commit: str) -> None:
    """Record which commit `revision` (a branch or tag) meant, so an offline pull of it finds the files.

    hf_hub_download only does this when given a branch; the store downloads by commit, so that all files
    come from the same commit even if the branch moves during the pull.
    """
    from ..atomic import atomic_write

    with atomic_write(storage / "refs" / revision) as handle:
        handle.write(commit)


def _silent_tqdm() -> Any:
    from tqdm.auto import tqdm

    class SilentTqdm(tqdm):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs["disable"] = True
            super().__init__(*args, **kwargs)

    return SilentTqdm


def sha256_of(path: Path, chunk: int = 1 << 22) -> str:
    """Hex sha256 of a file, read in 4 MB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def git_blob_id(path: Path) -> str:
    """The git blob id of a file: sha1 of `blob <size>\\0` followed by its bytes."""
    digest = hashlib.sha1(f"blob {path.stat().st_size}\0".encode())
    digest.update(path.read_bytes())
    return digest.hexdigest()


def verify_file(local: Path, remote: RemoteFile) -> None:
    """Check a downloaded file against the Hub's hash; on mismatch delete it from the cache and raise."""
    if remote.sha256:
        expected, actual, kind = remote.sha256, sha256_of(local), "sha256"
    elif remote.blob_id:
        expected, actual, kind = remote.blob_id, git_blob_id(local), "git blob id"
    else:
        return
    if actual.lower() == expected.lower():
        return
    blob = local.resolve()
    local.unlink(missing_ok=True)
    if blob != local:
        blob.unlink(missing_ok=True)
    raise StoreError(
        f"{remote.path} is corrupt: its {kind} is {actual[:12]}..., the Hub says {expected[:12]}...; the "
        "damaged copy was deleted and nothing was registered: run the same pull again"
    )
