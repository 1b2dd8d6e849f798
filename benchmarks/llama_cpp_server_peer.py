"""llama-cpp-python's own server (`python -m llama_cpp.server`), with weights loaded unrepacked.

Its `Llama` loads with llama.cpp's default model parameters, which repack Q4 weights for the CPU's extra
kernels; on VMs whose llama.cpp build has AMX kernels the hypervisor does not enable, the first decode then
dies with SIGILL (exit -4, measured here). bayling-local never repacks (`llama/kernels.py`), so this shim
turns repacking off the same way before the server starts: the two servers then run the same matrix kernels
and the comparison is of their scheduling alone. Arguments are the server's own.

    python benchmarks/llama_cpp_server_peer.py --model M.gguf --port 18124
"""

from __future__ import annotations

from typing import Any


def main() -> None:
    import llama_cpp.llama_cpp as bindings
    from llama_cpp.server.__main__ import main as serve

    default = bindings.llama_model_default_params

    def without_repacking() -> Any:
        params = default()
        params.use_extra_bufts = False
        return params

    bindings.llama_model_default_params = without_repacking
    serve()


if __name__ == "__main__":
    main()
