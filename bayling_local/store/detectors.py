"""`pull glotlid`: the optional GlotLID language identifier, downloaded once from Hugging Face, verified,
read by fastText before it is installed, and put where detection finds it (`language.detectors.glotlid_folder()`).

Installed as one folder: `model.bin` (hard-linked from the Hugging Face cache when it can be, which is
then emptied unless `keep_source`) and `manifest.json`, written last, so detection never uses a file that
is still arriving. `rm glotlid` removes it.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..atomic import atomic_write
from ..config import save_beside
from ..errors import StoreError
from ..language.detectors import GLOTLID_FILE, glotlid_folder
from ..language.names import BY_CODE
from . import cache, download
from .register import place_file

Notify = Callable[[str], None]
GLOTLID_NAME = "glotlid"
GLOTLID_REPO = "cis-lmu/glotlid"
MANIFEST = "manifest.json"


def is_detector_spec(spec: str) -> bool:
    """True for `glotlid` and `glotlid@REVISION`: a detector, not a model, is asked for."""
    name = spec.split("@", 1)[0].strip().lower()
    if name.split(":", 1)[0] == GLOTLID_NAME and ":" in name:
        raise StoreError("GlotLID comes in one form: `pull glotlid` or `pull glotlid@REVISION`, no :tag")
    return name == GLOTLID_NAME


@dataclass
class DetectorPullRequest:
    """One `pull glotlid`, as asked on the command line."""

    revision: str = "main"
    """Branch, tag or commit of cis-lmu/glotlid (its `model.bin` is the newest version on main)."""
    force: bool = False
    """Download and install again over an installed copy."""
    keep_source: bool = False
    """Keep the downloaded file in the Hugging Face cache too (a second 1.7 GB where no hard link works)."""
    progress: bool = True
    """Show a download progress bar on stderr."""
    file: Path | None = None
    """A model.bin brought in by hand (downloaded elsewhere): installed from it, no network."""

    @classmethod
    def from_spec(cls, spec: str, **options: Any) -> DetectorPullRequest:
        _, _, revision = spec.partition("@")
        return cls(revision=revision.strip() or "main", **options)


@dataclass
class DetectorPullResult:
    """What a `pull glotlid` did."""

    folder: Path
    """The installed folder."""
    manifest: dict[str, object] = field(default_factory=dict)
    """What `manifest.json` says: source, sha256, labels, FLORES languages covered."""
    already_installed: bool = False
    """True when nothing was done (installed, no --force)."""
    downloaded_bytes: int = 0
    """Bytes fetched from the network."""
    seconds: float = 0.0
    """Wall time."""


def pull_glotlid(request: DetectorPullRequest, notify: Notify = lambda _: None) -> DetectorPullResult:
    """Download (or take from the cache, or from `request.file`), check and install GlotLID."""
    started = time.perf_counter()
    folder = glotlid_folder()
    if (folder / MANIFEST).is_file() and not request.force:
        return DetectorPullResult(folder, read_manifest(folder), already_installed=True)
    if importlib.util.find_spec("fasttext") is None:
        raise StoreError(
            "GlotLID is read by fasttext-predict, which is not installed: pip install fasttext-predict"
        )
    if request.file is not None:
        source, origin, sha256, fetched, done = _from_file(request.file, folder)
    else:
        source, origin, sha256, fetched, done = _from_hub(request, folder, notify)
    notify("Checking that fastText reads it ...")
    manifest = _checked_manifest(source, origin, sha256)
    # The old manifest goes first: from here until the new one is written, detection uses the n-gram model.
    (folder / MANIFEST).unlink(missing_ok=True)
    placed = place_file(source, folder, GLOTLID_FILE, move=False)
    save_beside(placed, request)
    with atomic_write(folder / MANIFEST) as handle:
        json.dump(manifest, handle, indent=2)
        handle.write("\n")
    done()
    seconds = time.perf_counter() - started
    return DetectorPullResult(folder, manifest, downloaded_bytes=fetched, seconds=seconds)


_Source = tuple[Path, dict[str, object], "str | None", int, Callable[[], None]]


def _from_hub(request: DetectorPullRequest, folder: Path, notify: Notify) -> _Source:
    """The verified download (or cached copy): its path, origin, sha256, bytes fetched, and what to do once
    it is installed (empty the cache's copy unless `keep_source`)."""
    settings = download.HubSettings.from_env()
    by_hand = (
        f"on a machine with network run `hf download {GLOTLID_REPO} {GLOTLID_FILE} --revision "
        f"{request.revision}`, bring that file here and run `bayling-local pull glotlid --file PATH`"
    )
    snapshot = download.list_snapshot(GLOTLID_REPO, request.revision, settings, by_hand)
    remote = snapshot.files.get(GLOTLID_FILE)
    if remote is None:
        raise StoreError(
            f"{GLOTLID_REPO}@{request.revision} has no {GLOTLID_FILE}; pull `glotlid` (main) or a revision "
            "that has it"
        )
    fetched = download.missing_bytes(snapshot, [GLOTLID_FILE], settings)
    download.check_free_space(fetched, [settings.cache_dir], f"downloading {GLOTLID_REPO}")
    download.check_free_space(
        _install_bytes(remote.size or 0, settings.cache_dir, folder), [folder], "installing GlotLID"
    )
    download.download(snapshot, [GLOTLID_FILE], settings, request.progress, notify)
    origin: dict[str, object] = {
        "repo": GLOTLID_REPO,
        "revision": request.revision,
        "commit": snapshot.commit,
    }

    def done() -> None:
        if not request.keep_source:
            cache.remove_from_cache(snapshot, [GLOTLID_FILE], settings)  # the installed file is the copy kept

    return snapshot.folder(settings) / GLOTLID_FILE, origin, remote.sha256, fetched, done


def _from_file(path: Path, folder: Path) -> _Source:
    """A `model.bin` brought in by hand (`--file`): left where it is, installed as a hard link or copy."""
    path = path.expanduser()
    if not path.is_file():
        raise StoreError(f"{path} is not a file; give the GlotLID model.bin downloaded elsewhere")
    download.check_free_space(
        _install_bytes(path.stat().st_size, path.parent, folder), [folder], "installing GlotLID"
    )
    return path, {"file": str(path.resolve())}, None, 0, lambda: None


def _install_bytes(size: int, cache_dir: Path, folder: Path) -> int:
    """What installing takes on the install's disk: nothing when the cache is on the same disk (a hard
    link), else a copy of the file."""

    same_disk = (
        download.nearest_existing(cache_dir).stat().st_dev == download.nearest_existing(folder).stat().st_dev
    )
    return 0 if same_disk else size


def _checked_manifest(source: Path, origin: dict[str, object], sha256: str | None) -> dict[str, object]:
    """What the installed folder will record, once fastText has read the file and its labels look right."""
    from ..language.glotlid import GlotlidError, GlotlidModel

    try:
        model = GlotlidModel(source, frozenset(BY_CODE))
    except GlotlidError as exc:
        raise StoreError(f"the downloaded GlotLID model is not usable: {exc}") from exc
    missing = sorted(set(BY_CODE) - model.covered)
    return {
        "detector": GLOTLID_NAME,
        "source": origin,
        "file": GLOTLID_FILE,
        "size": source.stat().st_size,
        "sha256": sha256 or download.sha256_of(source),
        "labels": len(model.labels),
        "flores_covered": len(BY_CODE) - len(missing),
        "flores_missing": missing,
        "installed": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def read_manifest(folder: Path) -> dict[str, object]:
    """The installed detector's manifest (empty when unreadable)."""
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remove_glotlid() -> int:
    """Remove the installed GlotLID; the bytes freed (not counting a file the Hugging Face cache still
    links to, after `pull --keep-source`). A StoreError when it is not installed."""
    folder = glotlid_folder()
    if not folder.exists():
        raise StoreError("GlotLID is not installed (nothing to remove)")
    files = [path.stat() for path in folder.iterdir() if path.is_file()]
    size = sum(stat.st_size for stat in files if stat.st_nlink == 1)
    (folder / MANIFEST).unlink(missing_ok=True)  # first: detection stops using it at once
    shutil.rmtree(folder)
    return size
