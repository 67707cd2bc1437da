"""Digests of the results every shipped scenario gives, to prove a change moved no result.

    python tools/result_digests.py write DIGESTS.json   # before a change
    python tools/result_digests.py check DIGESTS.json   # after it: exit 1 on any difference

Each shipped scenario (scenarios/*.toml and scenarios/validation/*.toml) runs at 3 000
initial members (or fewer, as it says) for 120 days, seed 7, with every invariant checked; the daily, ledger and
members tables are hashed cell by cell (``pandas.util.hash_pandas_object``, so the digest
does not depend on Parquet's writer) and the summary without its timing fields.
"""

import hashlib
import json
import sys
from pathlib import Path

import pandas as pd

from sim import load_scenario, run

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml")) + sorted((ROOT / "scenarios" / "validation").glob("*.toml"))
TIMING_FIELDS = {"wall_seconds", "member_days_per_second", "speed_member_days_per_second"}


def frame_digest(frame: pd.DataFrame) -> str:
    """SHA-256 of a table's column names, dtypes and every cell."""
    digest = hashlib.sha256(repr([(c, str(t)) for c, t in frame.dtypes.items()]).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def digests() -> dict[str, dict[str, str]]:
    """Digest of each table and the summary, per shipped scenario (path relative to the root)."""
    out = {}
    for path in SCENARIOS:
        initial = load_scenario(path).population.initial_members
        result = run(path, members=min(initial, 3_000), days=120, seed=7, validate=True)
        summary = {k: v for k, v in result.summary.items() if k not in TIMING_FIELDS}
        out[str(path.relative_to(ROOT))] = {
            "daily": frame_digest(result.daily),
            "ledger": frame_digest(result.ledger),
            "members": frame_digest(result.members),
            "summary": hashlib.sha256(json.dumps(summary, sort_keys=True, default=str).encode()).hexdigest(),
        }
    return out


def main() -> int:
    mode, target = sys.argv[1], Path(sys.argv[2])
    now = digests()
    if mode == "write":
        target.write_text(json.dumps(now, indent=1, sort_keys=True) + "\n")
        return 0
    before = json.loads(target.read_text())
    differ = [f"{name}: {part}" for name in sorted(set(before) | set(now))
              for part in ("daily", "ledger", "members", "summary")
              if before.get(name, {}).get(part) != now.get(name, {}).get(part)]
    print("\n".join(differ) if differ else f"{len(now)} scenarios: every result identical")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
