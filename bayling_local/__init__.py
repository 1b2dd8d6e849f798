"""bayling-local: offline multilingual translation and chat with BayLing 2 through llama.cpp."""

__version__ = "0.1.0"
