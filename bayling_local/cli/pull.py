"""`bayling-local pull`: a thin click wrapper over `store.pull.pull`."""

from __future__ import annotations

from pathlib import Path

import click


def catalogue_lines() -> list[str]:
    """`pull --list`: the known models with their repository and the quantization this machine can run."""
    from ..store.catalogue import CATALOGUE, available_ram_gb, recommend_quant

    ram = available_ram_gb()
    lines = [f"Known models (available RAM {ram:.1f} GB):"]
    for entry in CATALOGUE:
        advice = recommend_quant(entry, ram)
        fit = "" if advice.fits else ", does not fit in memory"
        lines.append(
            f"  {entry.name:<14} {entry.repo_id:<28} {entry.description}; "
            f"suggested {advice.quant} (~{entry.size_gb(advice.quant):.1f} GB{fit})"
        )
    lines.append(
        "  glotlid        cis-lmu/glotlid              optional language detector of 2,000+ languages "
        "(1.7 GB; `detect` and auto-detection use it once installed)"
    )
    lines.append(
        "Any other Hugging Face repo works too: `pull org/name` (safetensors) or `pull org/name-GGUF:q4_k_m`."
    )
    return lines


@click.command("pull")
@click.argument("spec", required=False)
@click.option("--name", help="Store name (default: the catalogue name or the repository's name).")
@click.option("--keep-source", is_flag=True, help="Keep the downloaded checkpoint after converting it.")
@click.option("--force", is_flag=True, help="Replace an installed model of the same name.")
@click.option("--threads", type=click.IntRange(min=1), help="Threads for quantizing (default: all cores).")
@click.option("--no-progress", is_flag=True, help="Hide progress bars.")
@click.option("--list", "list_only", is_flag=True, help="List the known models and exit.")
@click.option(
    "--file",
    "from_file",
    type=click.Path(path_type=Path),
    help="`pull glotlid` only: install a model.bin downloaded elsewhere (no network).",
)
def pull_command(
    spec: str | None,
    name: str | None,
    keep_source: bool,
    force: bool,
    threads: int | None,
    no_progress: bool,
    list_only: bool,
    from_file: Path | None,
) -> None:
    """Download a model from Hugging Face, convert and quantize it if needed, and install it.

    SPEC is a known name (`bayling-2-8b`) or a repo id, with an optional @revision and :quantization:
    `bayling-2-8b:q5_k_m`, `ICTNLP/bayling-2-7b@main`, `org/model-GGUF:q4_k_m`. `pull glotlid` installs
    the optional GlotLID language detector instead of a model. Honours HF_TOKEN, HF_ENDPOINT,
    HF_HUB_OFFLINE and HTTPS_PROXY.
    """
    from ..errors import UsageError
    from ..store.pull import PullRequest, pull
    from ..store.show import human_bytes

    if list_only:
        click.echo("\n".join(catalogue_lines()))
        return
    if not spec:
        raise UsageError(
            "say what to pull, e.g. `bayling-local pull bayling-2-8b`; `--list` shows known models"
        )
    from ..store.detectors import is_detector_spec

    if is_detector_spec(spec):
        if name or threads:
            raise UsageError("--name and --threads are for models; `pull glotlid` takes neither")
        pull_detector(spec, force, keep_source, not no_progress, from_file)
        return
    if from_file is not None:
        raise UsageError(
            "--file is for `pull glotlid`; a model file is installed with `bayling-local import`"
        )
    request = PullRequest(
        spec=spec, name=name, keep_source=keep_source, force=force, progress=not no_progress, threads=threads
    )
    result = pull(request, notify=lambda line: click.echo(line, err=True))
    model = result.model
    if result.already_installed:
        click.echo(
            f"{model.name} is already installed ({model.path}); pass --force to pull it again.", err=True
        )
        return
    how = "converted and registered" if result.converted else "registered"
    fetched = human_bytes(result.downloaded_bytes) if result.downloaded_bytes else "nothing (cache)"
    freed = f"; removed {human_bytes(result.freed_bytes)} of source files" if result.freed_bytes else ""
    click.echo(
        f"Pulled {model.name}: {how} in {result.seconds:.1f} s, downloaded {fetched}{freed}. "
        f'Try: bayling-local translate --model {model.name} "Good morning" --to fra_Latn',
        err=True,
    )
    click.echo(model.name)


def pull_detector(spec: str, force: bool, keep_source: bool, progress: bool, from_file: Path | None) -> None:
    """`pull glotlid`: install the optional language detector and say what it covers."""
    from ..store.detectors import DetectorPullRequest, pull_glotlid
    from ..store.show import human_bytes

    request = DetectorPullRequest.from_spec(
        spec, force=force, keep_source=keep_source, progress=progress, file=from_file
    )
    result = pull_glotlid(request, notify=lambda line: click.echo(line, err=True))
    if result.already_installed:
        click.echo(
            f"GlotLID is already installed ({result.folder}); pass --force to pull it again.", err=True
        )
        return
    manifest = result.manifest
    if from_file is not None:
        fetched = f"from {from_file}"
    elif result.downloaded_bytes:
        fetched = f"downloaded {human_bytes(result.downloaded_bytes)}"
    else:
        fetched = "took it from the Hugging Face cache"
    missing = manifest.get("flores_missing") or []
    uncovered = f" (not: {', '.join(map(str, missing))})" if isinstance(missing, list) and missing else ""
    click.echo(
        f"Installed GlotLID in {result.seconds:.1f} s ({fetched}): {manifest.get('labels')} labels, "
        f"{manifest.get('flores_covered')} of the 205 FLORES-200 languages{uncovered}. `detect` and "
        "auto-detection use it from now on (`--detector ngram` for the built-in one); each process reads it "
        "into memory on its first detection (as much memory as the file, a few seconds).",
        err=True,
    )
    click.echo(str(result.folder))
