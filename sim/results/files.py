"""Writing result files atomically: a file appears complete under its final name or not
at all."""

import os
import shutil
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


PARTIAL_MARK = ".partial-"
"""A folder being written is named ``.<name>.partial-<pid>`` until it is complete."""


def partial_folder(parent: Path, name: str) -> Path:
    """Where this process writes ``parent/name`` before renaming it into place."""
    return parent / f".{name}{PARTIAL_MARK}{os.getpid()}"


def remove_abandoned_partials(parent: Path) -> list[Path]:
    """Remove the partial folders in ``parent`` whose writing process is gone (killed before it
    could clean up), so that nothing a killed run left misleads a later one; returns them.
    A folder whose process still runs (a concurrent run) is left alone."""
    removed = []
    for folder in parent.glob(f".*{PARTIAL_MARK}*"):
        pid_text = folder.name.rsplit(PARTIAL_MARK, 1)[1]
        if folder.is_dir() and pid_text.isdigit() and not _process_alive(int(pid_text)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, owned by someone else
    return True


def replace_folder(new: Path, final: Path) -> None:
    """Put ``new`` at ``final``, replacing an older folder there."""
    old = final.with_name(f".{final.name}.old-{os.getpid()}")
    if final.exists():
        final.rename(old)
    new.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def write_folder(parent: Path, name: str, write) -> Path:
    """Call ``write(folder)`` on a partial folder in ``parent``, then rename it to
    ``parent/name`` (replacing an older one): the folder appears complete or not at all, and
    on any failure or interruption nothing is left behind. Returns ``parent/name``."""
    parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned_partials(parent)
    temporary = partial_folder(parent, name)
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir()
    try:
        write(temporary)
        replace_folder(temporary, parent / name)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return parent / name
