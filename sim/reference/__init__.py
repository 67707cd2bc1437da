"""The plain Mesa reference model: every rule restated in plain Python, one agent per
member, as the independent check of the engine. It imports nothing from ``sim.engine`` or
``sim.kernels``."""
