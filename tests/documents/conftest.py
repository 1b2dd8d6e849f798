from __future__ import annotations

from pathlib import Path

import pytest

from documents.flip import FlipEngine

SAMPLES = Path(__file__).parent / "samples"


@pytest.fixture
def flip_engine(monkeypatch: pytest.MonkeyPatch) -> FlipEngine:
    """The stand-in translator, loaded wherever the document job opens a model."""
    engine = FlipEngine()
    monkeypatch.setattr("bayling_local.store.opening.open_engine", lambda *a, **k: engine)
    return engine
