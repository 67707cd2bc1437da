"""Interrupted work leaves nothing behind, and servers listen on loopback (issue: "kill -9
or kill -TERM of circsim sweep leaves its worker processes running, reparented"; "servers
listen on loopback"): whatever ends the command, its worker processes end with it, and
running the command again resumes and finishes."""

import os
import signal
import subprocess
import sys
import time

import psutil
import pytest

from tests.helpers import BASELINE, ROOT

WORKERS_GONE_WITHIN_SECONDS = 15


def slow_sweep(tmp_path):
    path = tmp_path / "slow.toml"
    path.write_text(f"""
name = "slow"
scenario = "{(ROOT / 'scenarios' / 'baseline.toml').as_posix()}"
days = 60
members = 3000
replicates = 20
design = "grid"

[[parameters]]
path = "rewards.energy_multiple"
values = [2.0, 3.0]
""")
    return path


def start_sweep(tmp_path, executor: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "sim", "sweep", slow_sweep(tmp_path), "--out", tmp_path / "out",
                             "--executor", executor, "--workers", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path)


def descendants_once_started(process: subprocess.Popen, count: int) -> list[psutil.Process]:
    parent = psutil.Process(process.pid)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        children = parent.children(recursive=True)
        if len(children) >= count:
            time.sleep(3)  # the workers are running the sweep's first runs
            return parent.children(recursive=True)
        time.sleep(0.2)
    pytest.fail("the sweep did not start its workers in time")


@pytest.mark.parametrize("executor", ["local", "dask"])
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_no_worker_outlives_the_command(tmp_path, executor, how):
    process = start_sweep(tmp_path, executor)
    workers = descendants_once_started(process, 2)
    os.kill(process.pid, how)
    process.wait(timeout=60)
    gone, alive = psutil.wait_procs(workers, timeout=WORKERS_GONE_WITHIN_SECONDS)
    for survivor in alive:
        survivor.kill()
    assert [p.pid for p in alive] == []
    resumed = subprocess.run([sys.executable, "-m", "sim", "sweep", slow_sweep(tmp_path), "--out", tmp_path / "out",
                              "--workers", "2"], capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert resumed.returncode == 0, resumed.stderr
    assert "= 40 runs" in resumed.stdout


def test_a_local_dask_cluster_listens_on_loopback_only():
    """Issue: "servers listen on loopback unless the user asks otherwise", Dask's included:
    every socket the scheduler, its dashboard, the nannies and the workers listen on."""
    from sim.experiments.executors import _dask_client

    with _dask_client(2, None) as client:
        info = client.scheduler_info()
        assert info["address"].startswith("tcp://127.0.0.1:") and all(
            worker.startswith("tcp://127.0.0.1:") for worker in info["workers"])
        processes = [psutil.Process()] + psutil.Process().children(recursive=True)
        pids = {process.pid for process in processes}
        listening = {(c.laddr.ip, c.laddr.port) for c in psutil.net_connections("inet")
                     if c.status == psutil.CONN_LISTEN and c.pid in pids}
        assert len(listening) >= 4 and {ip for ip, _ in listening} == {"127.0.0.1"}, listening


@pytest.mark.parametrize(("host", "loopback"), [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                                ("127.3.2.1", True), ("0.0.0.0", False), ("192.168.1.5", False),
                                                ("example.org", False)])
def test_the_dashboard_warns_off_loopback_only(host, loopback):
    from sim.cli.dashboard import ipaddress_is_loopback

    assert ipaddress_is_loopback(host) is loopback


def test_a_later_run_removes_what_a_killed_one_left(tmp_path):
    """A run killed while writing leaves `.<run_id>.partial-<pid>`; the next save in the same
    folder removes it once its process is gone, and leaves a concurrent run's alone."""
    from sim import run

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    parent = tmp_path / "out" / "baseline"
    abandoned = parent / f".20260101T000000-abcdef12-s1.partial-{dead.pid}"
    alive = parent / f".20260101T000000-abcdef12-s1.partial-{os.getpid()}x"
    running = parent / f".20260101T000000-abcdef12-s2.partial-{os.getppid()}"
    for folder in (abandoned, alive, running):
        folder.mkdir(parents=True)
        (folder / "daily.parquet").write_bytes(b"half")
    run_dir = run(BASELINE, members=200, days=3).save(tmp_path / "out")
    assert not abandoned.exists() and alive.exists() and running.exists()
    assert sorted(p.name for p in parent.iterdir() if not p.name.startswith(".")) == [run_dir.name]
