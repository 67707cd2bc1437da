"""Writing result files atomically: a file appears complete under its final name or not
at all."""

import os
from pathlib import Path

TEMPORARY_SUFFIX = ".tmp"
"""``write_atomic`` writes ``.<name>.tmp`` first; a leftover one is an interrupted write."""


def write_atomic(path: Path, write) -> None:
    """Call ``write(temporary_path)``, then rename the result to ``path``: the file is
    complete or absent, never half-written."""
    temporary = path.with_name(f".{path.name}{TEMPORARY_SUFFIX}")
    try:
        write(temporary)
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
