"""The phases of one simulated day, one module per phase, named like its kernel file in
``sim.kernels`` where it has one. Each module's ``play(sim)`` reads the simulation's rules and
state, calls its kernel, posts the money it moved to the ledger and puts the day's figures
in ``sim.today``; ``WRITES`` names the daily columns it writes. ``PHASES`` is the one order
of the day (docs/MODEL.md §3); nothing else numbers the phases."""

from sim.engine.phases import (
    arrivals,
    churn,
    events,
    honorary,
    levels,
    merchants,
    platform,
    purchases,
    record,
    referrals,
    release,
    withdrawals,
)

PHASE_MODULES = (events, arrivals, purchases, referrals, levels, release, honorary, withdrawals, churn, merchants,
                 platform, record)
PHASES = tuple((module.__name__.rsplit(".", 1)[-1], module.play) for module in PHASE_MODULES)
"""(name, play) of every phase, in the order of the day."""
