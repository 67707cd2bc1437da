"""`circsim bench`: speed and memory of the full daily loop at a large population.

Speed is member-days per second (the sum over days of the members on the books), divided
by the time of the daily loop (the phases) and by the wall time of the whole run
(set-up and result tables included), compilation excluded in both; memory is the peak of everything
Python and numpy allocated during a second, identical run (tracemalloc), per member at the
end. The runs are apart because tracing every allocation slows the Python it traces.
"""

import math
import time
import tracemalloc
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sim.engine.simulation import run
from sim.scenario.loading import replace
from sim.scenario.params import Scenario

SI_PREFIXES = ((1e9, "G"), (1e6, "M"), (1e3, "k"), (1.0, ""))
SIGNIFICANT_DIGITS = 3
"""Speeds are printed with three significant digits: the run-to-run spread of a shared
machine (20–30 %) makes a fourth meaningless, and fewer would print a slow run as 0.0."""
WARM_UP_MEMBERS = 2_000
WARM_UP_DAYS = 3
BENCH_MARKET_FACTOR = 1.2


@dataclass(frozen=True)
class BenchResult:
    """What one benchmark run measured."""

    members_initial: int
    members_final: int
    days: int
    threads: int
    wall_seconds: float
    member_days: int
    state_bytes_per_member: int
    peak_bytes_per_member: float
    phase_seconds: dict

    @property
    def member_days_per_second(self) -> float:
        """Throughput of the whole run: set-up, daily loop and result tables."""
        return self.member_days / self.wall_seconds

    @property
    def loop_member_days_per_second(self) -> float:
        """Throughput of the daily loop alone (the sum of the phase times)."""
        return self.member_days / sum(self.phase_seconds.values())


def bench(scenario: Scenario, members: int, days: int, threads: int | None = None,
          settings: Mapping[str, Any] | None = None) -> BenchResult:
    """Run ``scenario`` scaled to ``members`` initial members for ``days`` days and measure it.

    The market is capped at ``BENCH_MARKET_FACTOR`` × members, so the population stays near
    the size asked for while members still join; ``settings`` (dotted field paths) are applied
    after the scaling and the cap, so they win over both."""
    scenario = replace(scenario, {"run.stop_on_collapse": False})
    run(scenario, members=WARM_UP_MEMBERS, days=WARM_UP_DAYS, threads=threads)  # load compiled kernels
    settings = {"population.market_size_members": int(members * BENCH_MARKET_FACTOR), **(settings or {})}
    started = time.perf_counter()
    result = run(scenario, members=members, days=days, threads=threads, settings=settings)
    wall_seconds = time.perf_counter() - started
    tracemalloc.start()
    run(scenario, members=members, days=days, threads=threads, settings=settings)
    _, peak_bytes = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return BenchResult(
        members_initial=members,
        members_final=result.summary["members_final"],
        days=result.summary["days"],
        threads=result.manifest["threads"],
        wall_seconds=wall_seconds,
        member_days=result.summary["member_days"],
        state_bytes_per_member=result.state_bytes_per_member,
        peak_bytes_per_member=peak_bytes / result.summary["members_final"],
        phase_seconds=result.timings_seconds,
    )


def rate_text(per_second: float, unit: str = "member-days/s") -> str:
    """A rate with an SI prefix and ``SIGNIFICANT_DIGITS`` significant digits, so that it reads
    right at any magnitude: 82_412_000 -> "82.4 M member-days/s", 6_712 -> "6.71 k member-days/s",
    0.5 -> "0.500 member-days/s"."""
    rounded = float(f"{per_second:.{SIGNIFICANT_DIGITS}g}")  # 999.96 is "1.00 k", not "1,000"
    divisor, prefix = next(((size, name) for size, name in SI_PREFIXES if rounded >= size), SI_PREFIXES[-1])
    value = rounded / divisor
    decimals = SIGNIFICANT_DIGITS - 1 - (math.floor(math.log10(value)) if value > 0 else 0)
    return " ".join(part for part in (f"{value:.{max(decimals, 0)}f}", prefix, unit) if part)


def report_lines(measured: BenchResult) -> list[str]:
    """Human-readable benchmark report."""
    lines = [
        f"members {measured.members_initial:,} -> {measured.members_final:,}, {measured.days} days, "
        f"{measured.threads} thread(s)",
        f"wall time              {measured.wall_seconds:.2f} s",
        f"speed                  {rate_text(measured.loop_member_days_per_second)} (daily loop), "
        f"{rate_text(measured.member_days_per_second)} (whole run with set-up and results)",
        f"state bytes/member     {measured.state_bytes_per_member}",
        f"peak bytes/member      {measured.peak_bytes_per_member:.0f}",
        "time per phase (ms/day):",
    ]
    for name, seconds in measured.phase_seconds.items():
        lines.append(f"  {name:<12} {1000 * seconds / measured.days:8.2f}")
    return lines
