"""The stand-in translator of the document tests serves these too (`flip_engine`)."""

from documents.conftest import flip_engine

__all__ = ["flip_engine"]
