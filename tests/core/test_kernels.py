"""Batch-invariant kernel settings: the switch reaches llama.cpp's model parameters and the environment."""

from __future__ import annotations

import os

import pytest

from bayling_local import kernels


def test_loading_without_repacking_changes_the_defaults_only_while_loading() -> None:
    import llama_cpp.llama_cpp as raw

    assert raw.llama_model_default_params().use_extra_bufts
    with kernels.model_params(repack=False):
        assert not raw.llama_model_default_params().use_extra_bufts
    assert raw.llama_model_default_params().use_extra_bufts
    with kernels.model_params(repack=True):
        assert raw.llama_model_default_params().use_extra_bufts


def test_tiled_kernel_is_switched_off_unless_the_user_chose(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(kernels.TILED_ENV, raising=False)
    kernels.prefer_batch_invariant(False)
    assert kernels.TILED_ENV not in os.environ
    kernels.prefer_batch_invariant(True)
    assert os.environ[kernels.TILED_ENV] == "0"
    monkeypatch.setenv(kernels.TILED_ENV, "1")
    kernels.prefer_batch_invariant(True)
    assert os.environ[kernels.TILED_ENV] == "1"
