"""`circsim sweep --scheduler ADDRESS` on a real Dask cluster: a scheduler and two workers
started with the `dask` command, as a user would, all on 127.0.0.1. The sweep's dataset
equals the same sweep run with the local executor (every run is a pure function of its
scenario and seed, so results do not depend on where it ran), and no process of the
cluster outlives the test, whether it passes or fails."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import psutil
import pytest

from sim.experiments.sweep_store import load_daily, load_summary
from tests.helpers import BASELINE, ROOT, run_cli

DASK = Path(sys.executable).parent / "dask"
START_SECONDS = 60
STOP_SECONDS = 15

SWEEP = f"""name = "cluster"
scenario = "{BASELINE.as_posix()}"
days = 10
members = 300
replicates = 2
daily = true

[[parameters]]
path = "rewards.energy_multiple"
values = [2.0, 4.0]
"""


def wait_for(condition, what: str, processes: list[subprocess.Popen]):
    """Poll ``condition`` until it is true; fail (with the logs' paths) if a process ends first or
    ``START_SECONDS`` pass."""
    deadline = time.monotonic() + START_SECONDS
    while not condition():
        ended = [p.args for p in processes if p.poll() is not None]
        if ended or time.monotonic() > deadline:
            pytest.fail(f"the Dask cluster did not start ({what}); ended: {ended}")
        time.sleep(0.2)


def stop(processes: list[subprocess.Popen]) -> list[int]:
    """Stop the processes started (each leads its own process group, its nanny's worker
    included): SIGTERM, then SIGKILL for what is left; return the pids still alive."""
    family = []
    for process in processes:
        try:
            family += [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]
        except psutil.NoSuchProcess:
            pass
    for process in processes:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass  # the group is gone already
    _, alive = psutil.wait_procs(family, timeout=STOP_SECONDS)
    for survivor in alive:
        survivor.kill()
    _, alive = psutil.wait_procs(alive, timeout=STOP_SECONDS)
    for process in processes:
        process.wait(timeout=STOP_SECONDS)
    return [p.pid for p in alive]


@pytest.fixture
def dask_cluster(tmp_path):
    """A scheduler and two single-threaded workers on loopback; yields the scheduler's address."""
    logs, scheduler_file = tmp_path / "logs", tmp_path / "scheduler.json"
    logs.mkdir()
    processes: list[subprocess.Popen] = []

    def start(name: str, *args) -> Path:
        log = logs / f"{name}.log"
        with log.open("w") as handle:
            # its own session: the teardown signals its whole process group and nothing else
            processes.append(subprocess.Popen([DASK, *args], stdout=handle, stderr=subprocess.STDOUT, cwd=ROOT,
                                              start_new_session=True))
        return log

    try:
        # a scheduler idle for long, or workers without a scheduler, leave on their own even if
        # this process is killed before its teardown runs
        start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
              "--scheduler-file", scheduler_file, "--idle-timeout", "600")
        wait_for(lambda: scheduler_file.is_file() and scheduler_file.stat().st_size > 0, "scheduler file",
                 processes)
        address = json.loads(scheduler_file.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        worker_logs = [start(f"worker{k}", "worker", address, "--host", "127.0.0.1", "--nthreads", "1",
                             "--nworkers", "1", "--no-dashboard", "--death-timeout", "30",
                             "--local-directory", tmp_path / f"worker{k}") for k in range(2)]
        wait_for(lambda: all("Registered to:" in log.read_text() for log in worker_logs), "workers registered",
                 processes)
        yield address
    finally:
        survivors = stop(processes)
        assert survivors == [], f"processes outlived the test: {survivors}"


def test_a_sweep_on_a_dask_cluster_equals_the_local_sweep(tmp_path, dask_cluster):
    sweep = tmp_path / "cluster.toml"
    sweep.write_text(SWEEP)
    local = run_cli("sweep", sweep, "--out", tmp_path / "local", "--workers", 2)
    assert local.returncode == 0, local.stderr
    remote = run_cli("sweep", sweep, "--out", tmp_path / "remote", "--scheduler", dask_cluster)
    assert remote.returncode == 0, remote.stderr
    assert "2 points x 2 replicates = 4 runs (4 new, 0 already on disk)" in remote.stdout
    local_summary, remote_summary = load_summary(tmp_path / "local" / "cluster"), load_summary(
        tmp_path / "remote" / "cluster")
    assert len(remote_summary) == 4
    pd.testing.assert_frame_equal(remote_summary, local_summary, check_exact=True)
    pd.testing.assert_frame_equal(load_daily(tmp_path / "remote" / "cluster"),
                                  load_daily(tmp_path / "local" / "cluster"), check_exact=True)
