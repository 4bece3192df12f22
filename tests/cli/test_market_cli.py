"""`pigdata market ...` as a user runs it, on the demo and on the real price tables."""

from __future__ import annotations

from pathlib import Path

from pigdata.config import Settings

from tests.cli.test_commands import run

PRICES = Path("/work/shared/data/prices")


def test_market_commands_on_the_demo(settings: Settings) -> None:
    run(settings, "demo")
    warnings = run(settings, "market", "warnings", "--region", "500153").stdout
    assert "downside" in warnings and "upside" in warnings
    index = run(settings, "market", "index", "--region", "500153", "--item", "pork_carcass")
    assert "base 2023-01-01–2023-12-31 = 100" in index.stdout
    forecast = run(settings, "market", "forecast", "--region", "500153", "--horizon", "4")
    assert "2025-01-26" in forecast.stdout
    backtest = run(settings, "market", "backtest", "--region", "500153", "--step", "13")
    assert "seasonal naive" in backtest.stdout
    outlook = run(settings, "market", "outlook", "--region", "500153", "--months", "6")
    assert "2025-06" in outlook.stdout
    scores = run(settings, "market", "outlook-backtest", "--region", "500153").stdout
    assert "outlook MAPE" in scores


def test_real_tables_in_and_national_warnings_out(settings: Settings) -> None:
    national = PRICES / "china_national_weekly_2016_2022.csv"
    hog = PRICES / "china_province_weekly_hog_2016_2022.csv"
    run(settings, "ingest", str(national), str(hog), "--strict")
    out = run(
        settings,
        "market",
        "warnings",
        "--start",
        "2021-06-01",
        "--end",
        "2021-07-01",
        "--all-weeks",
    ).stdout
    assert "2021-06-27" in out and "level 1" in out
    chongqing = run(settings, "market", "warnings", "--region", "500000", "--end", "2016-03-01")
    assert "corn price of 100000" in chongqing.stdout
    bad = run(settings, "market", "index", "--region", "999999", check=False)
    assert bad.returncode == 1 and "999999" in bad.stderr


def test_service_errors_reach_the_one_handler_with_their_rule(settings: Settings) -> None:
    # An empty store: each service refuses, and the command line's handler prints the
    # bilingual reason with its rule code and exits 1 (no traceback).
    for args, rule in (
        (("market", "forecast", "--region", "500153"), "market.history"),
        (("market", "outlook", "--region", "500153"), "market.herd_reports"),
        (("market", "warnings", "--region", "500199"), "division.unknown"),
        (("stats", "capacity", "--region", "500153", "--month", "2024-13"), "query.invalid"),
    ):
        done = run(settings, *args, check=False)
        assert done.returncode == 1, done.stderr
        assert f"[{rule}]" in done.stderr and "Traceback" not in done.stderr
