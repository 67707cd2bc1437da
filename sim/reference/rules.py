"""The rules of the day as the reference model reads them: ``compile_rules`` with every table
turned into a Python list, so that money computed from them stays in Python integers.

The reference keeps its own plain-Python statement of every rule on purpose: it is the
independent check of the engine, so it never imports the engine's or the kernels' rule
helpers. It imports only from ``sim.core``, ``sim.scenario``, ``sim.behaviour`` and
``sim.results`` (an import-linter contract in ``pyproject.toml`` forbids ``sim.engine`` and
``sim.kernels``). The compiled tables themselves are shared: both models must read the same
numbers (docs/MODEL.md §2, §21).
"""

import dataclasses
from types import SimpleNamespace

import numpy as np

from sim.scenario.compiled import compile_rules
from sim.scenario.params import Scenario


def plain_rules(scenario: Scenario) -> SimpleNamespace:
    """The rules of ``scenario`` (``compile_rules``: shares in ppm, prices in cents, docs/MODEL.md
    §2 and §21) with every table as a Python list, so that money computed from them stays in
    Python integers."""
    rules = compile_rules(scenario)
    return SimpleNamespace(**{
        field.name: getattr(rules, field.name).tolist() if isinstance(getattr(rules, field.name), np.ndarray)
        else getattr(rules, field.name)
        for field in dataclasses.fields(rules)
    })
