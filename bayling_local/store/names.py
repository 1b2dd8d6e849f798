"""Validation of everything a user or a remote repository names: store names, repo ids, revisions, files.

A store name becomes a folder under `paths.models_dir()`, and a repository's file name becomes a file in it,
so both are checked here before any path is built: no separators, no `..`, no hidden or reserved names, and
the final path must lie inside the store.
"""

from __future__ import annotations

import re
from pathlib import Path

from .. import paths
from ..errors import UsageError

# A store name: letters, digits, dot, dash, underscore; starts with a letter or digit.
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# Hugging Face repo id parts follow the same rule (the Hub also refuses `--` and `..`).
_REPO_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")
_REVISION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$")
# Names Windows refuses for files and folders, whatever the extension.
_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(1, 10)),
    *(f"lpt{i}" for i in range(1, 10)),
}


def check_name(name: str) -> str:
    """Return `name` if it is a safe store name, else raise UsageError saying what is allowed."""
    if (
        not _NAME.fullmatch(name)
        or ".." in name
        or name.endswith(".")
        or name.split(".")[0].lower() in _RESERVED
    ):
        raise UsageError(
            f"invalid model name {name!r}: use 1-64 letters, digits, '.', '-' or '_', starting with a letter "
            "or digit (no '/', no '..')"
        )
    return name


def model_folder(name: str) -> Path:
    """The store folder of `name`, guaranteed to be a direct child of the models folder."""
    check_name(name)
    root = paths.models_dir().resolve()
    folder = (root / name).resolve()
    if folder.parent != root:
        raise UsageError(f"invalid model name {name!r}: it would point outside the model store")
    return folder


def check_repo_id(repo_id: str) -> str:
    """Return `repo_id` if it looks like `org/name` on the Hub, else raise UsageError."""
    parts = repo_id.split("/")
    if len(parts) != 2 or not all(_REPO_PART.fullmatch(p) and ".." not in p for p in parts):
        raise UsageError(
            f"invalid repository {repo_id!r}: give a Hugging Face repo id like `ICTNLP/bayling-2-llama-3-8b` "
            "or a catalogue name (see `bayling-local pull --list`)"
        )
    return repo_id


def check_revision(revision: str) -> str:
    """Return `revision` (branch, tag or commit) if safe to use in a cache path, else raise UsageError."""
    if not _REVISION.fullmatch(revision) or ".." in revision or revision.endswith("/"):
        raise UsageError(f"invalid revision {revision!r}: give a branch, tag or commit hash")
    return revision


def check_file_name(remote_path: str) -> str:
    """The base name of a repository file, checked to be a plain file name safe to create in the store."""
    base = remote_path.rsplit("/", 1)[-1]
    parts = remote_path.split("/")
    unsafe = ".." in parts or remote_path.startswith("/") or base.startswith(".") or not base
    if unsafe or "\\" in base or "\x00" in base:
        raise UsageError(f"the repository names an unsafe file {remote_path!r}; refusing to store it")
    return base


def default_name(repo_id: str) -> str:
    """The store name a pull uses when none is given: the repo's own name, lowercased."""
    return check_name(repo_id.rsplit("/", 1)[-1].lower())


BUILTIN_ALIASES = frozenset({"builtin", "built-in", "gemma3-270m"})
"""Names that mean the built-in model, which lives in its PyPI package, not in the store."""
