"""benchmarks/load_test.py's own arithmetic: percentiles and another process's CPU time."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))
import load_test  # noqa: E402


def test_nearest_rank_percentiles():
    values = [0.1 * i for i in range(1, 21)]
    assert load_test.percentile(values, 50) == pytest.approx(1.0)
    assert load_test.percentile(values, 95) == pytest.approx(2.0)  # rank round(19.5) = 20 of 20
    assert load_test.percentile([], 95) == 0.0


def test_server_cpu_is_read_from_proc_or_left_out():
    if not Path(f"/proc/{os.getpid()}/stat").exists():
        pytest.skip("no /proc here")
    before = load_test.process_cpu_seconds(os.getpid())
    sum(i * i for i in range(300_000))
    after = load_test.process_cpu_seconds(os.getpid())
    assert before is not None and after >= before >= 0
    assert load_test.process_cpu_seconds(2**22 + 12345) is None  # above Linux's largest pid


def test_server_cpu_counts_the_answer_workers():
    if not Path(f"/proc/{os.getpid()}/stat").exists():
        pytest.skip("no /proc here")
    import subprocess

    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert child.pid in load_test.child_pids(os.getpid())
        own, below = load_test.tree_cpu_seconds(os.getpid())
        assert own is not None and below >= 0
    finally:
        child.kill()
        child.wait()


def test_machine_cpu_is_read_from_proc_stat():
    if not Path("/proc/stat").exists():
        pytest.skip("no /proc here")
    before = load_test.machine_cpu_seconds()
    sum(i * i for i in range(300_000))
    after = load_test.machine_cpu_seconds()
    assert before is not None and after is not None
    assert after[0] >= before[0] >= 0 and after[1] >= before[1] >= 0
