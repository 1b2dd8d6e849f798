"""The SFT loop through `accelerate launch` with two processes on CPU (gloo): the same loss curve as one
process with the same global batch, checkpoints that resume at the same or another world size, outputs in
the same format that convert, and FSDP / DeepSpeed (which accelerate applies only on GPUs) refused in one
line instead of silently becoming DDP.

On CPU accelerate's own `--cpu` launch needs MPI for several processes; `--multi_gpu` (torchrun) with
`ACCELERATE_USE_CPU=true` gives its MULTI_CPU setup with gloo, which is what these tests launch."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sft_helpers import flores_archive, sp_tokenizer, tiny_llama

pytestmark = pytest.mark.slow
pytest.importorskip("accelerate")
pytest.importorskip("peft")

FLORES_ARCHIVE = flores_archive()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from training.data import BuildConfig, build
    from training.data.readers import read_parallel

    if not FLORES_ARCHIVE.exists():
        pytest.skip("FLORES archive not available")
    root = tmp_path_factory.mktemp("distributed")
    rows = read_parallel(str(FLORES_ARCHIVE), {"eng_Latn", "fra_Latn"})
    tokenizer = sp_tokenizer([text for row in rows for text in row.texts.values()])
    model = tiny_llama(root / "tiny", tokenizer)
    build(
        BuildConfig(
            parallel=[str(FLORES_ARCHIVE)],
            languages=["eng_Latn", "fra_Latn"],
            total=32,
            heldout_examples=4,
            heldout_fraction=0.05,
            mixture={"translation": 1.0},
            pivots=["eng_Latn"],
            max_chars=120,
            out=str(root / "data"),
            seed=3,
        )
    )
    recipe = root / "recipe.yaml"
    recipe.write_text(f"model:\n  name_or_path: {model}\n  template: bayling\n")
    return {"root": root, "model": model, "recipe": recipe, "data": root / "data" / "train.jsonl"}


def launch(
    ws: dict[str, Path], processes: int, out: Path, *sets: str, accelerate: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """`accelerate launch` of `python -m training.sft`: global batch 4 either way (2 per micro-batch, over
    2 accumulation steps in one process or 2 processes), fp32, dropout off, the plain logits loss in both."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mode = ("--multi_gpu",) if processes > 1 and not accelerate else accelerate
    command = [
        sys.executable, "-m", "accelerate.commands.launch", *mode, "--num_processes", str(processes),
        "--num_machines", "1", "--mixed_precision", "no", "--dynamo_backend", "no",
        "--main_process_port", str(port), "--num_cpu_threads_per_process", "1",
        "-m", "training.sft", str(ws["recipe"]),
    ]  # fmt: skip
    settings = {
        "data.train_file": ws["data"],
        "data.max_length": 128,
        "train.output_dir": out,
        "train.micro_batch_size": 2,
        "train.grad_accum": 2 // processes,
        "train.max_steps": 6,
        "train.learning_rate": 0.01,
        "train.warmup_steps": 1,
        "train.log_every": 1,
        "train.progress": "false",
        "train.fused_loss": "false",
        "train.save_every": 3,
        "lora.dropout": 0,
    }
    for key, value in settings.items():
        command += ["--set", f"{key}={value}"]
    for extra in sets:
        command += ["--set", extra]
    env = {**os.environ, "ACCELERATE_USE_CPU": "true", "OMP_NUM_THREADS": "1"}
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=600, cwd=Path.cwd())


def losses(out: Path) -> dict[int, float]:
    lines = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
    return {entry["step"]: entry["loss"] for entry in lines if "loss" in entry}


def close(a: dict[int, float], b: dict[int, float], relative: float = 1e-4) -> bool:
    return a.keys() == b.keys() and all(abs(a[k] - b[k]) <= relative * abs(a[k]) for k in a)


def shapes(path: Path) -> dict[str, Any]:
    from safetensors import safe_open

    with safe_open(str(path), "pt") as handle:
        return {key: tuple(handle.get_slice(key).get_shape()) for key in handle.keys()}  # noqa: SIM118


def convert(source: Path, out: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    """`bayling-local convert`, as a user runs it on what training wrote."""
    command = [
        str(Path(sys.executable).parent / "bayling-local"),
        "convert",
        str(source),
        *flags,
        "-o",
        str(out),
        "--no-progress",
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


def test_two_processes_follow_one_process_resume_at_either_size_and_write_the_same_adapter(
    workspace: dict[str, Path],
) -> None:
    root = workspace["root"]
    one, two = root / "one", root / "two"
    for processes, out in ((1, one), (2, two)):
        done = launch(workspace, processes, out)
        assert done.returncode == 0, done.stderr[-3000:]
    assert close(losses(one), losses(two)), (losses(one), losses(two))
    assert losses(two)[6] < losses(two)[1]
    # Resumed from the step-3 checkpoint of the 2-process run: by 2 processes, and by 1 (the same global batch).
    for processes in (2, 1):
        again = root / f"resumed-{processes}"
        (again / "checkpoints").mkdir(parents=True)
        subprocess.run(
            ["cp", "-r", str(two / "checkpoints" / "step-0000003"), str(again / "checkpoints")], check=True
        )
        done = launch(workspace, processes, again, "train.resume=auto")
        assert done.returncode == 0, done.stderr[-3000:]
        assert "resumed from" in done.stdout
        assert close(losses(again), {k: v for k, v in losses(two).items() if k > 3})
    names = sorted(p.name for p in two.iterdir())
    assert names == sorted(p.name for p in one.iterdir())
    assert shapes(two / "adapter_model.safetensors") == shapes(one / "adapter_model.safetensors")
    converted = convert(workspace["model"], root / "two.gguf", "--lora", str(two))
    assert converted.returncode == 0, converted.stderr
    assert (root / "two.gguf").stat().st_size > 0


def test_full_finetuning_in_two_processes_writes_the_same_checkpoint_format(
    workspace: dict[str, Path],
) -> None:
    root = workspace["root"]
    one, two = root / "full-one", root / "full-two"
    for processes, out in ((1, one), (2, two)):
        done = launch(
            workspace, processes, out, "lora.method=full", "train.learning_rate=0.0005", "train.save_every=0"
        )
        assert done.returncode == 0, done.stderr[-3000:]
    assert close(losses(one), losses(two))
    assert sorted(p.name for p in two.iterdir()) == sorted(p.name for p in one.iterdir())
    assert shapes(two / "model.safetensors") == shapes(one / "model.safetensors")
    assert convert(two, root / "full-two.gguf").returncode == 0


@pytest.mark.parametrize(
    ("flags", "name"),
    [
        (("--use_fsdp", "--fsdp_version", "2", "--fsdp_auto_wrap_policy", "TRANSFORMER_BASED_WRAP"), "FSDP"),
        (("--multi_gpu", "--num_cpu_threads_per_process", "1"), None),
    ],
)
def test_a_setup_accelerate_cannot_make_on_cpu_is_refused_in_one_line(
    workspace: dict[str, Path], flags: tuple[str, ...], name: str | None
) -> None:
    out = workspace["root"] / f"refused-{name}"
    if name is None:  # two processes without ACCELERATE_USE_CPU: accelerate sets up nothing distributed
        env_flags: tuple[str, ...] = flags
        done = _without_cpu_flag(workspace, out, env_flags)
        assert done.returncode != 0
        assert "2 processes were launched but accelerate set up no distributed run" in done.stderr
        return
    done = launch(workspace, 2, out, accelerate=flags)
    assert done.returncode != 0
    assert f"Error: {name} was asked for, but accelerate set up MULTI_CPU on this machine" in done.stderr
    assert not (out / "log.jsonl").exists()


def _without_cpu_flag(
    ws: dict[str, Path], out: Path, flags: tuple[str, ...]
) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable, "-m", "accelerate.commands.launch", *flags, "--num_processes", "2", "--num_machines", "1",
        "--mixed_precision", "no", "--dynamo_backend", "no", "-m", "training.sft", str(ws["recipe"]),
        "--set", f"data.train_file={ws['data']}", "--set", f"train.output_dir={out}", "--set", "train.max_steps=1",
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k != "ACCELERATE_USE_CPU"}
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
