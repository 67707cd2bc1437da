"""Where the runs of an experiment execute: local worker processes (the default), a Dask
``LocalCluster`` started here, or an existing Dask cluster given by its scheduler address.

Every executor is used the same way, through ``map_ordered``: tasks are submitted a few
at a time (never all at once, so memory stays flat however many there are) and their
results come back in submission order. Each task is a pure function of its inputs, so
the results do not depend on the executor or on how many workers it has.
"""

import functools
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import get_context

from sim.experiments.sweep_design import SweepError

EXECUTORS = ("local", "dask")
CONNECT_TIMEOUT_SECONDS = 10
TASKS_IN_FLIGHT_PER_SLOT = 2
"""Tasks submitted per worker slot before waiting for the oldest one."""
PARENT_CHECK_SECONDS = 0.5
"""How often a local worker checks that the process which started it is still there."""
DASK_DEATH_TIMEOUT_SECONDS = 10
"""A Dask worker of a ``LocalCluster`` started here closes when its scheduler (in this
process) has been unreachable this long, so a killed command leaves no worker behind."""
LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class Executor:
    """``submit(function, argument)`` returns a future with ``.result()``; ``slots`` is how
    many tasks run at once."""

    submit: Callable[..., Future]
    slots: int


def default_workers() -> int:
    """The cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _exit_when_orphaned(parent_pid: int) -> None:
    """Poll the parent's pid; once this process has been reparented (its parent was killed,
    even with SIGKILL, which runs no clean-up), leave at once."""
    while os.getppid() == parent_pid:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


def _start_worker(parent_pid: int) -> None:
    """Worker start-up: Ctrl-C is the parent's to handle (it stops submitting and saves
    what is finished), so workers do not print tracebacks of their own; and a worker never
    outlives the command that started it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_when_orphaned, args=(parent_pid,), daemon=True, name="parent-watch").start()


@contextmanager
def open_executor(kind: str = "local", workers: int | None = None, scheduler: str | None = None) -> Iterator[Executor]:
    """An executor for the duration of a ``with`` block.

    ``local``: ``workers`` processes (default: one per core), started with "spawn"; each
    leaves as soon as this process is gone, however it ended.
    ``dask``: a client of the cluster at ``scheduler``, or of a ``LocalCluster`` of
    ``workers`` single-threaded worker processes started for the block. Giving a
    ``scheduler`` implies ``dask``. Raises ``SweepError`` when the scheduler cannot be reached.
    """
    if kind not in EXECUTORS:
        raise ValueError(f"executor: expected one of {', '.join(EXECUTORS)}, got {kind!r}")
    workers = workers or default_workers()
    if kind == "dask" or scheduler is not None:
        with _dask_client(workers, scheduler) as client:
            yield Executor(functools.partial(client.submit, pure=False), sum(client.nthreads().values()))
        return
    # "spawn": a fresh interpreter per worker, safe with numba's thread pool in the parent
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("spawn"), initializer=_start_worker,
                               initargs=(os.getpid(),))
    try:
        yield Executor(pool.submit, workers)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


@contextmanager
def _dask_client(workers: int, scheduler: str | None):
    from dask.distributed import Client, LocalCluster

    if scheduler is None:
        # scheduler, workers and diagnostic dashboard listen on loopback only, on free ports
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host=LOOPBACK,
                          dashboard_address=f"{LOOPBACK}:0", death_timeout=DASK_DEATH_TIMEOUT_SECONDS) as cluster, \
                Client(cluster) as client:
            yield client
        return
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT_SECONDS)
    except (OSError, ValueError, TypeError) as err:
        raise SweepError([f"--scheduler {scheduler}: cannot connect ({err})"]) from None
    with client:
        yield client


def map_ordered(executor: Executor, function: Callable, arguments: Iterable, window: int | None = None) -> Iterator:
    """``function(argument)`` for every argument, run on ``executor`` and yielded in the
    order of ``arguments``, with at most ``window`` tasks (default: two per slot) submitted
    and not yet yielded."""
    window = window or TASKS_IN_FLIGHT_PER_SLOT * executor.slots
    pending: deque[Future] = deque()
    for argument in arguments:
        pending.append(executor.submit(function, argument))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()
