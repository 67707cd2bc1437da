"""Scenarios: the parameter schema (``params``), loading TOML with ``extends``, ``--set``
and events (``loading``), scaling to another population (``scaling``), and compiling a
scenario into the integer rules the kernels read (``compiled``)."""
