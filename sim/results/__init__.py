"""The run-folder contract: the result tables and their columns, ``RunResult``, reading a
run folder back, atomic writing and provenance."""
