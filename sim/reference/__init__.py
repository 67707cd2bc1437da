"""The plain Mesa reference model: every rule restated in plain Python, one agent per
member, as the independent check of the engine. It keeps its own statement of each rule on
purpose, so it imports nothing from ``sim.engine`` or ``sim.kernels`` (an import-linter
contract); only ``sim.core``, ``sim.scenario``, ``sim.behaviour`` and ``sim.results``.
``sim.reference.model`` says where each rule is."""

from sim.reference.model import Platform, first_difference, run_reference

__all__ = ["Platform", "first_difference", "run_reference"]
