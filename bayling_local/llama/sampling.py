"""Picking a request's next token: argmax for greedy decoding, else one llama.cpp sampler chain per request."""

from __future__ import annotations

from typing import Any

from ..engine.requests import Sampling


def sampler_chain(sampling: Sampling) -> Any:
    """A llama.cpp sampler chain for this request, or None for plain greedy (argmax of the logits)."""
    import llama_cpp

    if sampling.greedy:
        return None
    chain = llama_cpp.llama_sampler_chain_init(llama_cpp.llama_sampler_chain_default_params())
    add = llama_cpp.llama_sampler_chain_add
    if sampling.repeat_penalty != 1.0:
        add(chain, llama_cpp.llama_sampler_init_penalties(64, sampling.repeat_penalty, 0.0, 0.0))
    if sampling.temperature <= 0:
        add(chain, llama_cpp.llama_sampler_init_greedy())
        return chain
    add(chain, llama_cpp.llama_sampler_init_top_k(sampling.top_k))
    add(chain, llama_cpp.llama_sampler_init_top_p(sampling.top_p, 1))
    add(chain, llama_cpp.llama_sampler_init_temp(sampling.temperature))
    add(chain, llama_cpp.llama_sampler_init_dist(sampling.seed))
    return chain


def sample_token(ctx: Any, chain: Any, row: int, n_vocab: int) -> int:
    """The next token from the logits of batch row `row` (greedy takes the argmax, as llama.cpp's does)."""
    import llama_cpp
    import numpy as np

    if chain is not None:
        return int(llama_cpp.llama_sampler_sample(chain, ctx, row))
    logits = llama_cpp.llama_get_logits_ith(ctx, row)
    return int(np.argmax(np.ctypeslib.as_array(logits, shape=(n_vocab,))))


def free_sampler(chain: Any) -> None:
    """Free a chain made by `sampler_chain` (None, for greedy, needs nothing)."""
    import llama_cpp

    if chain is not None:
        llama_cpp.llama_sampler_free(chain)
