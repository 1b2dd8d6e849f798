"""Ctrl-C and SIGTERM keep finished work: stdout has the finished lines, `-o` keeps OUT.partial for --resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

BAYLING = [str(Path(sys.executable).with_name("bayling-local"))]
SENTENCES = [f"Sentence number {n} is about the weather in the town." for n in range(40)]


def _start(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    source = tmp_path / "in.txt"
    source.write_text("\n".join(SENTENCES) + "\n", encoding="utf-8")
    command = [
        *BAYLING,
        "translate",
        "-i",
        str(source),
        "--from",
        "en",
        "--to",
        "fr",
        "--parallel",
        "2",
        "--max-retries",
        "0",  # what is kept and resumed is the point here; retries would only make the model slower
        "--threads",
        "1",  # beside another test's model on a 2-core runner: oversubscribed llama.cpp threads crawl
        *args,
    ]
    env = {**os.environ, "BAYLING_HOME": str(tmp_path / "home")}
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def test_piped_stdout_gets_each_finished_line_and_ctrl_c_exits_130(tmp_path: Path) -> None:
    run = _start(tmp_path)
    assert run.stdout is not None
    first = run.stdout.readline()  # a line arrives while the rest is still being translated
    run.send_signal(signal.SIGINT)
    rest, stderr = run.communicate(timeout=60)
    assert run.returncode == 130, stderr
    assert first.strip()
    assert len((first + rest).splitlines()) < len(SENTENCES)
    assert "Interrupted." in stderr and "Traceback" not in stderr


@pytest.mark.parametrize(("stop", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_output_file_is_kept_and_resumed(tmp_path: Path, stop: int, code: int) -> None:
    out = tmp_path / "out.txt"
    run = _start(tmp_path, "-o", str(out))
    time.sleep(8)  # the model loads and some lines finish
    run.send_signal(stop)
    _, stderr = run.communicate(timeout=60)
    assert run.returncode == code, stderr
    assert not out.exists()
    partial = tmp_path / "out.txt.partial"
    note = json.loads((tmp_path / "out.txt.partial.json").read_text(encoding="utf-8"))
    kept = partial.read_text(encoding="utf-8").splitlines()
    assert note["lines_done"] == len(kept) < len(SENTENCES)
    assert f"Interrupted after {len(kept)} of {len(SENTENCES)} lines" in stderr

    resumed = _start(tmp_path, "-o", str(out), "--resume")
    _, stderr = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(SENTENCES)
    assert lines[: len(kept)] == kept  # the finished part is not translated again
    assert f"Resuming after line {len(kept)}" in stderr or not kept
    assert not partial.exists()
