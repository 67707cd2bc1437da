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


def folder_inside(out_dir: str | Path, name: str) -> Path:
    """``out_dir/name``, refusing a name that would put it anywhere but directly inside
    ``out_dir`` (nothing circsim writes lands outside the folder the user named)."""
    out_dir = Path(out_dir)
    folder = out_dir / name
    if folder.resolve().parent != out_dir.resolve() or Path(name).name != name:
        raise ValueError(f"{name!r}: not one folder name; results would land outside {out_dir}")
    return folder
