"""The only door to llama.cpp: loading (model.py), the GGUF header reader (gguf.py), kernel switches,
the scheduler that owns a model's context (scheduler.py) and the engine front-ends hold (engine.py).

No other package imports `llama_cpp` (import-linter checks it). Importing this package loads nothing heavy.
"""
