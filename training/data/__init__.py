"""BayLing-2-style language-alignment data: readers, task generators, mixture builder (see build.py)."""

from .build import BuildConfig, BuildResult, build, build_dataset, format_summary, write_dataset
from .schema import TASKS, Example, Turn, example_from_json, read_examples

__all__ = [
    "TASKS",
    "BuildConfig",
    "BuildResult",
    "Example",
    "Turn",
    "build",
    "build_dataset",
    "example_from_json",
    "format_summary",
    "read_examples",
    "write_dataset",
]
