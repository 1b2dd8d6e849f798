"""`pull`: from a Hugging Face repository to a registered, quantized GGUF, in one call.

A GGUF repository: the file the `:tag` names is downloaded, verified and registered as is.
A safetensors checkpoint (BayLing 2 is published only so): the files a conversion needs are downloaded and
verified, converted and quantized by `convert/`, the result is checked and registered, and the downloaded
checkpoint is removed from the Hugging Face cache unless `keep_source`.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from .. import paths
from ..config import save_beside
from ..errors import BaylingError, StoreError
from . import cache, catalogue, choose, download, register
from .names import check_name, default_name
from .registry import StoredModel, lookup

Notify = Callable[[str], None]


@dataclass
class PullRequest:
    """One `pull`, as asked on the command line."""

    spec: str
    """`NAME|ORG/REPO[@REVISION][:TAG]`: `bayling-2-8b`, `bayling-2-8b:q5_k_m`, `org/model-GGUF:q4_k_m`."""
    name: str | None = None
    """Store name; default: the catalogue name, else the repository's name lowercased."""
    keep_source: bool = False
    """Keep the downloaded checkpoint in the Hugging Face cache after a verified conversion."""
    force: bool = False
    """Replace an installed model of the same name."""
    progress: bool = True
    """Show download and conversion progress bars on stderr."""
    threads: int | None = None
    """Threads for quantization; None uses every core."""


@dataclass
class PullResult:
    """What a pull did."""

    model: StoredModel
    """The registered model."""
    already_installed: bool = False
    """True when nothing was done because the name was taken (and no --force)."""
    downloaded_bytes: int = 0
    """Bytes fetched from the network (0 when everything came from the cache)."""
    converted: bool = False
    """True when a checkpoint was converted and quantized."""
    freed_bytes: int = 0
    """Source files removed from the Hugging Face cache after conversion."""
    seconds: float = 0.0
    """Wall time."""


def _first_existing(
    spec: choose.PullSpec,
    entry: catalogue.CatalogueEntry | None,
    settings: download.HubSettings,
    notify: Notify,
) -> tuple[download.Snapshot, choose.PullSpec]:
    """The snapshot of the spec's repo, or, for a catalogue model, of the first of its other names that exists."""
    names = [spec.repo_id, *(entry.other_repo_ids if entry is not None else ())]
    for position, repo_id in enumerate(names):
        try:
            snapshot = download.list_snapshot(repo_id, spec.revision, settings)
        except download.RepoNotFoundError:
            if position == len(names) - 1:
                raise
            notify(
                f"{repo_id} does not exist; trying {names[position + 1]}, the other name it is published under."
            )
            continue
        return snapshot, dataclasses.replace(spec, repo_id=repo_id)
    raise AssertionError("unreachable: the last name re-raises")


def pull(request: PullRequest, notify: Notify = lambda _: None) -> PullResult:
    """Download (or take from the cache), convert if needed, verify and register `request.spec`."""
    started = time.perf_counter()
    spec = choose.parse_spec(request.spec)
    entry = catalogue.find(spec.repo_id)

    name = check_name(request.name) if request.name else (spec.alias or default_name(spec.repo_id))
    installed = lookup(name)
    if installed is not None and not request.force:
        return PullResult(installed, already_installed=True)
    settings = download.HubSettings.from_env()
    snapshot, spec = _first_existing(spec, entry, settings, notify)
    if snapshot.from_cache:
        notify(f"Using {spec.repo_id}@{snapshot.commit[:12]} from the Hugging Face cache (no network).")
    preferred = catalogue.DEFAULT_QUANT
    if entry is not None:
        advice = catalogue.recommend_quant(entry)
        preferred = advice.quant
        if spec.tag is None:
            notify(_advice_line(entry, advice))
    if choose.gguf_files(list(snapshot.files)):
        result = _pull_gguf(request, name, spec, snapshot, settings, preferred, notify)
    else:
        result = _pull_checkpoint(request, name, spec, snapshot, settings, preferred, entry, notify)
    result.seconds = time.perf_counter() - started
    return result


def _advice_line(entry: catalogue.CatalogueEntry, advice: catalogue.QuantAdvice) -> str:
    if advice.fits:
        return f"Quantization {advice.quant} (needs ~{advice.needed_gb:.1f} GB of memory; fits in RAM)."
    return (
        f"Warning: {entry.name} at {advice.quant} needs ~{advice.needed_gb:.1f} GB of memory, more than is "
        "available now; it may run slowly or fail to load (try bayling-2-8b, or close other programs)."
    )


def _download(
    snapshot: download.Snapshot,
    names: list[str],
    settings: download.HubSettings,
    extra_needed: int,
    store_folder: Path,
    progress: bool,
    notify: Notify,
) -> int:
    """Check disk space, fetch and verify `names`; return the bytes that had to come from the network."""
    missing = download.missing_bytes(snapshot, names, settings)
    download.check_free_space(missing, [settings.cache_dir], f"downloading {snapshot.repo_id}")
    download.check_free_space(missing + extra_needed, [store_folder], f"storing {snapshot.repo_id}")
    download.download(snapshot, names, settings, progress, notify)
    return missing


def _pull_gguf(
    request: PullRequest,
    name: str,
    spec: choose.PullSpec,
    snapshot: download.Snapshot,
    settings: download.HubSettings,
    preferred: str,
    notify: Notify,
) -> PullResult:
    files = choose.choose_gguf(list(snapshot.files), spec.tag, preferred)
    fetched = _download(snapshot, files, settings, 0, paths.models_dir(), request.progress, notify)
    folder = register.begin(name, request.force)
    try:
        placed = [
            register.place_file(snapshot.folder(settings) / f, folder, f.rsplit("/", 1)[-1], move=False)
            for f in files
        ]
        first = snapshot.files[files[0]]
        reg = register.Registration(
            name=name,
            kind="gguf",
            quantization=choose.quant_label(files[0]),
            template=_catalogue_template(spec),
            source_repo=spec.repo_id,
            source_revision=snapshot.commit,
            extra={"requested_revision": spec.revision, "source_files": files},
        )
        sha = _placed_sha256(placed[0], snapshot.folder(settings) / files[0], first.sha256)
        model = register.finish(folder, placed[0], reg, sha, also_keep=tuple(placed[1:]))
        save_beside(placed[0], request)
    except BaylingError:
        register.abandon(folder)
        raise
    freed = 0 if request.keep_source else cache.remove_from_cache(snapshot, files, settings)
    return PullResult(model, downloaded_bytes=fetched, freed_bytes=freed)


def _placed_sha256(placed: Path, verified: Path, expected: str | None) -> str:
    """The hash of the stored file: the verified one when it is the same file (hard link), else re-checked."""
    if expected and os.path.samefile(placed, verified):
        return expected
    sha = download.sha256_of(placed)
    if expected and sha != expected:
        raise StoreError(f"{placed.name} was damaged while being copied into the store; run the pull again")
    return sha


def _catalogue_template(spec: choose.PullSpec) -> str | None:
    entry = catalogue.find(spec.repo_id)
    return entry.template if entry else None


def _pull_checkpoint(
    request: PullRequest,
    name: str,
    spec: choose.PullSpec,
    snapshot: download.Snapshot,
    settings: download.HubSettings,
    preferred: str,
    entry: catalogue.CatalogueEntry | None,
    notify: Notify,
) -> PullResult:
    files = choose.checkpoint_files(list(snapshot.files))
    outtype, quant = choose.split_tag(spec.tag, preferred)
    weights = sum(snapshot.files[f].size or 0 for f in files if f.endswith(".safetensors"))
    # The converter writes a 16-bit intermediate (`auto`: at most the checkpoint's size), then the quantized file.
    bits = catalogue.QUANT_BITS.get(quant or "", 16.0)
    conversion_bytes = weights + int(weights * bits / 16)
    fetched = _download(
        snapshot, files, settings, conversion_bytes, paths.models_dir(), request.progress, notify
    )
    label = quant or outtype
    notify(f"Converting {spec.repo_id} to GGUF ({label}) ...")
    # Convert in scratch space beside the store: an installed model of the same name (--force) stays usable
    # until the new file is ready, and a failed conversion leaves nothing in the store.
    scratch = paths.ensure(paths.cache_dir() / "convert") / name
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    try:
        model = _convert_and_register(request, name, spec, snapshot, settings, scratch, outtype, quant, entry)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    freed = 0 if request.keep_source else cache.remove_from_cache(snapshot, files, settings)
    return PullResult(model, downloaded_bytes=fetched, converted=True, freed_bytes=freed)


def _convert_and_register(
    request: PullRequest,
    name: str,
    spec: choose.PullSpec,
    snapshot: download.Snapshot,
    settings: download.HubSettings,
    scratch: Path,
    outtype: str,
    quant: str | None,
    entry: catalogue.CatalogueEntry | None,
) -> StoredModel:
    from convert.api import ConvertConfig, convert_checkpoint

    label = quant or outtype
    config = ConvertConfig(
        src=_named_source(snapshot, settings, scratch),
        out=scratch / f"{name}.{label.upper()}.gguf",
        lora=None,
        outtype=outtype,
        quant=quant,
        threads=request.threads,
        force=True,
        progress=request.progress,
    )
    result = convert_checkpoint(config)
    _check_converted(result.path)
    sha = download.sha256_of(result.path)
    reg = register.Registration(
        name=name,
        kind="converted",
        quantization=label,
        template=entry.template if entry else result.template,
        source_repo=spec.repo_id,
        source_revision=snapshot.commit,
        extra={
            "requested_revision": spec.revision,
            "architecture": result.architecture,
            "source_bytes": result.bytes_in,
        },
    )
    folder = register.begin(name, request.force)
    try:
        placed = register.place_file(result.path, folder, result.path.name, move=True)
        model = register.finish(folder, placed, reg, sha)
        # Record the intermediate type `auto` resolved to, as the converter's own saved config does.
        written = replace(config, outtype=result.outtype)
        save_beside(placed, request, written, extra={"template": reg.template, "outtype_requested": outtype})
    except BaylingError:
        register.abandon(folder)
        raise
    return model


def _named_source(snapshot: download.Snapshot, settings: download.HubSettings, scratch: Path) -> Path:
    """A folder named after the repository, linking to the cached files: the converter takes the model's
    name (written into the GGUF, used to recognise BayLing) from the folder, and the cache's is a commit hash."""
    source = scratch / "source" / snapshot.repo_id.split("/")[-1]
    source.mkdir(parents=True)
    for item in snapshot.folder(settings).iterdir():
        try:
            (source / item.name).symlink_to(item.resolve())
        except OSError:  # no symlinks (some Windows setups): read the cache folder itself
            shutil.rmtree(source)
            return snapshot.folder(settings)
    return source


def _check_converted(path: Path) -> None:
    """A conversion counts as verified when its output parses as a GGUF with tensors and an architecture."""
    from ..llama.gguf import read_info

    info = read_info(path)
    if info.tensor_count == 0 or not info.architecture:
        raise StoreError(
            f"the converted file {path.name} has no tensors or architecture; the source was kept"
        )
