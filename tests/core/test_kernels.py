"""Batch-invariant kernel settings: the switch reaches llama.cpp's model parameters and the environment."""

from __future__ import annotations

import os

import pytest

from bayling_local.llama import kernels


def test_loading_without_repacking_reaches_the_model_parameters_only() -> None:
    import llama_cpp

    assert not kernels.model_load_params(n_gpu_layers=0, repack=False).use_extra_bufts
    assert kernels.model_load_params(n_gpu_layers=0, repack=True).use_extra_bufts
    assert kernels.model_load_params(n_gpu_layers=3, repack=False).n_gpu_layers == 3
    assert llama_cpp.llama_model_default_params().use_extra_bufts  # llama.cpp's own defaults untouched


def test_tiled_kernel_is_switched_off_unless_the_user_chose(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(kernels.TILED_ENV, raising=False)
    kernels.prefer_batch_invariant(False)
    assert kernels.TILED_ENV not in os.environ
    kernels.prefer_batch_invariant(True)
    assert os.environ[kernels.TILED_ENV] == "0"
    monkeypatch.setenv(kernels.TILED_ENV, "1")
    kernels.prefer_batch_invariant(True)
    assert os.environ[kernels.TILED_ENV] == "1"
