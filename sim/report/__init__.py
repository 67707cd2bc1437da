"""The sustainability report of a run folder: charts, HTML and PDF."""
