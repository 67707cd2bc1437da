"""What test modules share: paths and running the CLI, small scenario settings, hand-made
analysis tables, and the random member tables the kernel tests give to a kernel and its
plain-Python twin. Test modules import these from here (fixtures come from conftest.py),
never from one another."""

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from sim.core.units import NO_DAY, PPM, QUEUE_NONE, STATUS_ACTIVE, STATUS_CHURNED
from sim.kernels import N_CHUNKS
from sim.scenario.compiled import cumulative_shares, price_table

# ---------------------------------------------------------------------------------------
# Paths and the CLI

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
BASELINE = SCENARIOS / "baseline.toml"
SHIPPED_SCENARIOS = sorted(SCENARIOS.glob("**/*.toml"))
CASE_MEMBERS = 100
"""The documented cases (scenarios/cases/) model real platforms of millions; the tests that
play every shipped scenario play them at this many initial members (1/100 of the case)."""


def members_for(path: Path, members: int) -> int:
    """Initial members a whole-library test plays ``path`` with: ``members``, or
    ``CASE_MEMBERS`` for a documented case."""
    return CASE_MEMBERS if path.parent.name == "cases" else members


def run_cli(*args, env_extra: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run ``circsim ARGS`` in a subprocess (as ``python -m sim``) and capture its output."""
    env = dict(os.environ, **(env_extra or {}))
    return subprocess.run(
        [sys.executable, "-m", "sim", *map(str, args)],
        capture_output=True, text=True, cwd=cwd or ROOT, env=env, timeout=900, check=False,
    )


def assert_rejected(completed, *expected_fragments):
    """The CLI refused the input: exit status 2, only ``circsim: error: ...`` lines (each
    expected fragment among them), no traceback."""
    assert completed.returncode == 2, completed.stdout + completed.stderr
    assert "Traceback" not in completed.stderr
    lines = completed.stderr.strip().splitlines()
    assert lines and all(line.startswith("circsim: error: ") for line in lines)
    for fragment in expected_fragments:
        assert fragment in completed.stderr


def only_run_dir(out):
    """The one run folder under ``out/<scenario>/`` (hidden entries aside)."""
    (scenario_dir,) = out.iterdir()
    (run_dir,) = [p for p in scenario_dir.iterdir() if not p.name.startswith(".")]
    return run_dir


# ---------------------------------------------------------------------------------------
# Scenario settings

# Costs larger than the margin spend the cash that backs members' balances; leavers then
# ask for balances the platform no longer holds, and their requests stay unpaid.
SHORTFALL = {
    "platform.fixed_cost_cents_per_day": 100_000_000,
    "population.bass_imitation_per_day": 0.0,
    "population.bass_innovation_per_day": 0.0,
    "population.churn_probability_per_day": 0.02,
    "purchases.repurchase_max_share_of_price": 0.0,
    "withdrawals.withdrawal_probability_per_day": 0.0,
    "withdrawals.insolvency_grace_days": 3,
    "rewards.energy_multiple": 10.0,
    "release.dividend_pool_share_of_sales": 0.2,
}

# A platform that stops growing while its fixed costs exceed its margin: it collapses
# between day 91 and day 104 depending on the seed.
SHRINKING = {
    "population.market_size_members": 600,
    "population.bass_imitation_per_day": 0.0,
    "population.bass_innovation_per_day": 0.0,
    "population.churn_probability_per_day": 0.02,
    "platform.fixed_cost_cents_per_day": 300_000,
    "release.dividend_pool_share_of_sales": 0.2,
    "withdrawals.withdrawal_share_of_balance": 1.0,
    "withdrawals.withdrawal_probability_per_day": 0.5,
}
SHRINKING_RUN = dict(members=600, days=95, settings=SHRINKING)
"""The shrinking platform, small enough to run in a few seconds (``sim.run`` keywords)."""

# ---------------------------------------------------------------------------------------
# Analysis tables by hand: three days, built so every figure of the metrics can be checked
# with pencil and paper.

CASH = [1000, 900, 500]
HARD = [400, 1000, 1200]
CONTINGENT = [3000, 3200, 2800]


def daily_frame(cash=CASH, hard=HARD, contingent=CONTINGENT, insolvent=(False, True, True)) -> pd.DataFrame:
    """A daily table with the columns the analysis reads (and one it does not know)."""
    days = len(cash)
    return pd.DataFrame({
        "day": range(days),
        "members_total": [10, 12, 15][:days],
        "members_active": [10, 11, 9][:days],
        "merchants_active": [10, 12, 11][:days],
        "sales_cents": [1000, 2000, 500][:days],
        "new_money_cents": [900, 1500, 500][:days],
        "concession_cents": [200, 400, 100][:days],
        "merchant_paid_cents": [800, 1000, 300][:days],
        "pool_inflow_cents": [100, 150, 150][:days],
        "energy_granted_cents": [3000, 600, 0][:days],
        "promise_growth_cents": [0, 0, 0][:days],
        "released_cents": [100, 200, 300][:days],
        "exit_cashout_cents": [0, 0, 0][:days],
        "withdrawn_cents": [0, 50, 70][:days],
        "platform_cash_cents": cash,
        "hard_liabilities_cents": hard,
        "contingent_liabilities_cents": contingent,
        "coverage_ratio": [c / h if h else math.inf for c, h in zip(cash, hard)],
        "coverage_ratio_all": [c / (h + k) if h + k else math.inf for c, h, k in zip(cash, hard, contingent)],
        "insolvent": list(insolvent),
        "a_column_added_later_cents": [7, 7, 7][:days],
    })


def ledger_frame(rows) -> pd.DataFrame:
    """A ledger table from (day, from, to, reason, cents) rows."""
    return pd.DataFrame(rows, columns=["day", "from_account", "to_account", "reason", "amount_cents"])


LEDGER = ledger_frame([
    (0, "outside_world", "platform_margin", "purchase_new_money", 900),
    (0, "dividend_pool", "member_balances", "release", 100),
    (1, "dividend_pool", "member_balances", "release", 200),
    (1, "platform_margin", "member_balances", "referral_reward", 50),
    (1, "withdrawal_queue", "member_balances", "request_returned", 9),  # not a payout
    (1, "member_balances", "withdrawal_queue", "withdrawal_request", 60),
    (2, "dividend_pool", "member_balances", "release", 300),
])

# ---------------------------------------------------------------------------------------
# Kernel inputs: each kernel test runs a kernel on numpy arrays and its twin
# (tests/unit/kernels/twin_*.py) on the same table as lists, then compares them exactly.

SIZES = (1, 7, 33, 500)
"""Member counts: fewer members than chunks, a few per chunk, and many."""
DAY = 11


def random_members(n: int, seed: int) -> dict[str, np.ndarray]:
    """A member table with a mix of every situation: churned, in and out of the dividend,
    with and without balances and queued withdrawals."""
    gen = np.random.default_rng(seed)
    contribution = gen.integers(0, 50_000, n) * (gen.random(n) < 0.7)
    queued = gen.integers(1, 20_000, n) * (gen.random(n) < 0.3)
    referrer = np.where(gen.random(n) < 0.8, (gen.random(n) * np.arange(n)).astype(np.int64), -1)
    return {
        "level": gen.integers(0, 3, n).astype(np.int8),
        "recheck": gen.integers(0, 2, n).astype(np.int8),
        "rights": gen.integers(0, 4, n).astype(np.int32),
        "queue_position": np.full(n, QUEUE_NONE, dtype=np.int32),
        "referrer": np.where(np.arange(n) == 0, -1, referrer).astype(np.int32),
        "direct_referrals": gen.integers(0, 8, n).astype(np.int32),
        "team_sales": gen.integers(0, 5_000_000, n).astype(np.int64),
        "status": np.where(gen.random(n) < 0.9, STATUS_ACTIVE, STATUS_CHURNED).astype(np.int8),
        "balance": (gen.integers(0, 30_000, n) * (gen.random(n) < 0.6)).astype(np.int64),
        "energy": np.where(contribution > 0, gen.integers(0, 200_000, n), 0).astype(np.int64),
        "contribution": contribution.astype(np.int64),
        "queued": queued.astype(np.int64),
        "since": np.where(queued > 0, gen.integers(0, DAY, n), NO_DAY).astype(np.int32),
        "new_money": gen.integers(0, 10**6, n).astype(np.int64),
        "goods": gen.integers(0, 10**6, n).astype(np.int64),
        "withdrawn": gen.integers(0, 10**6, n).astype(np.int64),
    }


def as_lists(arrays: dict) -> dict:
    """The member table as lists of Python integers, for a twin."""
    return {name: [int(v) for v in values] for name, values in arrays.items()}


def assert_same(arrays: dict, lists: dict) -> None:
    """Every array the kernel updated equals the twin's list."""
    for name, values in lists.items():
        assert arrays[name].tolist() == values, f"array {name} differs"


def totals(n_totals: int) -> np.ndarray:
    """A kernel's per-chunk totals, zeroed."""
    return np.zeros((N_CHUNKS, n_totals), dtype=np.int64)


def purchase_setup(seed: int, gifts: bool) -> dict:
    """Draw keys and the day's tables the way the purchases phase builds them."""
    gen = np.random.default_rng(seed + 100)
    n_merchants = 13
    return dict(
        keys=gen.integers(0, 2**63, 4).astype(np.uint64),
        probability=0.4,
        price_table=price_table("lognormal", 8_000, 0.9, 1, 2_000_000),
        gift_probability=0.3 if gifts else 0.0,
        gift_cdf=cumulative_shares([0.5, 0.3, 0.2]),
        tier_price=np.array([0, 200_000, 600_000, 1_800_000], dtype=np.int64),
        tier_multiple_ppm=np.array([3_000_000, 3_000_000, 3_330_000, 4_440_000], dtype=np.int64),
        tier_contribution_ppm=np.array([PPM, PPM, 1_200_000, 1_500_000], dtype=np.int64),
        tier_level=np.array([0, 1, 2, 3], dtype=np.int64),
        level_contribution_ppm=np.array([PPM, PPM, 1_100_000, 1_200_000], dtype=np.int64),
        level_min_goods=np.array([0, 150_000, 400_000, 900_000], dtype=np.int64),
        level_min_team=np.array([0, 0, 1_000_000, 3_000_000], dtype=np.int64),
        repurchase_ppm=350_000, unit_price=70,
        merchant_ids=np.flatnonzero(gen.random(n_merchants) < 0.8),
        concession=gen.integers(100_000, 400_000, n_merchants).astype(np.int64),
        pool_ppm=90_000, honorary_ppm=30_000,
    )

# ---------------------------------------------------------------------------------------
# The dashboard in a real browser: `circsim dashboard` on a free port, headless Chromium;
# and a design study of `circsim optimize`, made by hand.

DASHBOARD_START_SECONDS = 120
DESIGN_MULTIPLE = 1.5
"""The energy multiple of design (trial) 3 of ``write_study``'s study."""


def write_study(folder: Path) -> None:
    """A design study as `circsim optimize` lays it out (optimize.json, scenario.toml,
    trials.parquet, pareto.parquet), made by hand: two searched parameters, two objectives,
    five trials of which 1 and 3 are Pareto-optimal."""
    import json

    from sim.scenario.loading import load_scenario, to_toml

    folder.mkdir(parents=True)
    (folder / "optimize.json").write_text(json.dumps({
        "scenario": str(BASELINE),
        "parameters": {"rewards.energy_multiple": {"low": 1.0, "high": 5.0, "log": False},
                       "withdrawals.insolvency_grace_days": {"low": 3, "high": 14, "log": False}},
        "objectives": [{"name": "promises_honoured", "direction": "maximize"},
                       {"name": "new_money_dependency", "direction": "minimize"}],
    }))
    (folder / "scenario.toml").write_text(to_toml(load_scenario(BASELINE)))
    trials = pd.DataFrame({
        "trial": [0, 1, 2, 3, 4],
        "rewards.energy_multiple": [4.0, 2.0, 5.0, DESIGN_MULTIPLE, 3.0],
        # whole numbers stored as floats, as a parquet column mixing trials may hold them
        "withdrawals.insolvency_grace_days": [7.0, 10.0, 3.0, 14.0, 5.0],
        "promises_honoured": [0.03, 0.30, 0.02, 0.50, 0.05],
        "new_money_dependency": [0.4, 0.10, 0.6, 0.20, 0.3],
        "replicates": 2, "state": "COMPLETE", "feasible": True,
    })
    trials.to_parquet(folder / "trials.parquet", index=False)
    trials[trials["trial"].isin([1, 3])].to_parquet(folder / "pareto.parquet", index=False)


def serve_dashboard(args, log_path: Path):
    """A context manager: `circsim dashboard ARGS` on a free port of 127.0.0.1, yielding its
    URL once it answers HTTP 200; stopped by its own process id at the end, after checking
    its log has no traceback and that solara's front-end files were found."""
    import contextlib
    import signal
    import socket
    import time
    import urllib.error
    import urllib.request

    import pytest

    @contextlib.contextmanager
    def serving():
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        env = dict(os.environ, SOLARA_TELEMETRY_MIXPANEL_ENABLE="False")
        with log_path.open("w") as log:
            server = subprocess.Popen([sys.executable, "-m", "sim", "dashboard", *map(str, args), "--host",
                                       "127.0.0.1", "--port", str(port)], cwd=ROOT, env=env, stdout=log,
                                      stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}/"
            deadline = time.monotonic() + DASHBOARD_START_SECONDS
            while True:
                assert server.poll() is None, f"the dashboard server stopped:\n{log_path.read_text()}"
                try:
                    with urllib.request.urlopen(url, timeout=5) as response:
                        if response.status == 200:
                            break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"no HTTP 200 from {url} within {DASHBOARD_START_SECONDS} s:\n{log_path.read_text()}")
                time.sleep(0.5)
            yield url
            log = log_path.read_text()
            assert "Could not load URL" not in log, log  # the front-end could not be fetched
            assert "Traceback" not in log, log
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()

    return serving()


def chromium(download_dir: Path | None = None):
    """Headless Chromium driven by Selenium (saving downloads in ``download_dir``), or a skip
    when no browser is installed."""
    import shutil

    import pytest

    browser, driver = shutil.which("chromium"), shutil.which("chromedriver")
    if not (browser and driver):
        pytest.skip("no headless browser: needs Debian's chromium and chromium-driver (`make test-deps` as root)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1600,1200"):
        options.add_argument(argument)
    if download_dir is not None:
        options.add_experimental_option("prefs", {"download.default_directory": str(download_dir),
                                                  "download.prompt_for_download": False})
    return webdriver.Chrome(service=Service(driver), options=options)
