"""The model store: one folder per model under `paths.models_dir()`, each with a manifest.

`registry` is the read side every command uses to turn a model name into a GGUF path.
"""

from .registry import StoredModel, list_models, lookup

__all__ = ["StoredModel", "list_models", "lookup"]
