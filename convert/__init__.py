"""Hugging Face checkpoints (+ LoRA adapters) to GGUF files llama.cpp runs, quantized by llama.cpp itself.

Entry point: `convert.api.convert_checkpoint(ConvertConfig(...))`; `bayling-local convert` wraps it.
Importing this package is light: numpy, gguf, llama_cpp (and torch, only for `.bin` files and `--verify`)
are imported inside the functions that need them.
"""
