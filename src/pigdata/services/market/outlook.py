"""The supply outlook: expected market hogs per month for the next months, and its backtest.

Method (docs/market.md, "Supply outlook"): market hogs of a month are the pigs born alive
5–6 months before (the market-age lag spread over two months) times the survival observed
in the region; births not yet seen are projected from the matings 3–4 months before at the
observed farrowing rate and litter size, and where matings are not yet made, from the latest
sow inventory at the observed farrowings per sow and month. Every ratio is calibrated on the
twelve months up to the origin only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata import errors
from pigdata.access.principal import ADMIN, Principal, region_prefix
from pigdata.domain import regions
from pigdata.domain.disclosure_rules import RULE
from pigdata.domain.supply_lags import PIG_LAGS, SupplyLags, month_weights
from pigdata.services.market.weekly import FloatArray, code_prefix
from pigdata.services.scope import Forbidden
from pigdata.store import tables as t

MAX_MONTHS = 10
# Aggregates of fewer farms would show a farm's own figures (DOMAIN.md: benchmarks never
# show a group smaller than 5 farms); callers who may see the region's farms are exempt.
MIN_FARMS_SHOWN = RULE.min_contributors  # the disclosure rule's threshold
CALIBRATION_MONTHS = 12
COLUMNS = ("breeding_sows", "matings", "farrowings", "born_alive", "sold_for_slaughter")


class NotEnoughReports(errors.InvalidInput):
    """Too few months of herd reports to calibrate the outlook."""

    title = "Not enough herd reports"
    rule = "market.herd_reports"

    def __init__(self, region: str, months: int, needed: int) -> None:
        super().__init__(
            f"{region} 只有 {months} 个月的存栏报告，至少需要 {needed} 个月",
            f"{region} has {months} months of herd reports; at least {needed} are needed",
        )


@dataclass(frozen=True)
class HerdMonths:
    """A region's monthly herd-report totals over consecutive months (NaN: no report)."""

    months: tuple[str, ...]
    sows: FloatArray
    matings: FloatArray
    farrowings: FloatArray
    born_alive: FloatArray
    sold: FloatArray


@dataclass(frozen=True, slots=True)
class Ratios:
    """What the region's last twelve months showed."""

    survival: float  # market hogs per pig born alive (net of moves out of the region)
    farrowing_rate: float  # farrowings per mating
    born_alive_per_litter: float
    farrowings_per_sow_month: float


@dataclass(frozen=True, slots=True)
class OutlookMonth:
    """Expected market hogs of a month, what they rest on, and what happened if known."""

    month: str
    expected: float
    basis: str  # "born_alive" | "matings" | "sows": the least certain input used
    actual: int | None


@dataclass(frozen=True)
class SupplyOutlook:
    """A region's expected market hogs for the months after an origin month."""

    region: str
    origin: str
    ratios: Ratios
    lags: SupplyLags
    months: tuple[OutlookMonth, ...]


def month_key(index: int) -> str:
    """Give YYYY-MM of a month counted from year 0."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_index(key: str) -> int:
    """Give a YYYY-MM month as a count of months from year 0."""
    return int(key[:4]) * 12 + int(key[5:7]) - 1


def require_outlook_access(conn: Connection, region: str, who: Principal) -> None:
    """Refuse a caller outside the region when fewer than MIN_FARMS_SHOWN farms report."""
    if who.covers_division(region):
        return
    h = t.herd_reports
    farms = conn.execute(
        sa.select(sa.func.count(sa.distinct(h.c.premises))).where(
            code_prefix(h.c.premises, region_prefix(region))
        )
    ).scalar_one()
    if farms < MIN_FARMS_SHOWN:
        raise Forbidden(
            who,
            f"少于 {MIN_FARMS_SHOWN} 个养殖场的地区 {region} 的出栏预测",
            f"the outlook of {region}, where fewer than {MIN_FARMS_SHOWN} farms report",
        )


def herd_months(conn: Connection, region: str) -> HerdMonths:
    """Give a region's monthly totals of the herd reports of its farms."""
    regions.require(region)
    h = t.herd_reports
    query = sa.select(h.c.month, *(sa.func.sum(h.c[c]) for c in COLUMNS)).group_by(h.c.month)
    query = query.where(code_prefix(h.c.premises, region_prefix(region)))
    rows = {str(r[0]): [float(v) for v in r[1:]] for r in conn.execute(query)}
    if not rows:
        empty = np.zeros(0)
        return HerdMonths((), empty, empty, empty, empty, empty)
    first, last = month_index(min(rows)), month_index(max(rows))
    keys = tuple(month_key(i) for i in range(first, last + 1))
    table = np.array([rows.get(k, [np.nan] * len(COLUMNS)) for k in keys], dtype=np.float64)
    return HerdMonths(keys, *(table[:, j] for j in range(len(COLUMNS))))


def lagged(values: FloatArray, lag: tuple[int, float, float], length: int) -> FloatArray:
    """Give w0·v[m − k] + w1·v[m − k − 1] for m = 0..length−1 (NaN where out of range)."""
    k, w0, w1 = lag
    padded = np.concatenate([np.full(k + 1, np.nan), values, np.full(length, np.nan)])
    m = np.arange(length) + k + 1
    return w0 * padded[m - k] + w1 * padded[m - k - 1]


def _ratio(top: FloatArray, bottom: FloatArray) -> float:
    ok = ~np.isnan(top) & ~np.isnan(bottom)
    below = float(bottom[ok].sum())
    return float(top[ok].sum()) / below if below > 0 else float("nan")


def calibrate(herd: HerdMonths, origin: int, lags: SupplyLags) -> Ratios:
    """Give the ratios of the CALIBRATION_MONTHS months up to `origin` (an index)."""
    n = origin + 1
    window = slice(max(0, n - CALIBRATION_MONTHS), n)
    to_market = month_weights(lags.market_age_days)
    to_farrow = month_weights(lags.gestation_days)
    cohort = lagged(herd.born_alive[:n], to_market, n)
    mated = lagged(herd.matings[:n], to_farrow, n)
    return Ratios(
        survival=_ratio(herd.sold[:n][window], cohort[window]),
        farrowing_rate=_ratio(herd.farrowings[:n][window], mated[window]),
        born_alive_per_litter=_ratio(herd.born_alive[:n][window], herd.farrowings[:n][window]),
        farrowings_per_sow_month=_ratio(herd.farrowings[:n][window], herd.sows[:n][window]),
    )


def project(
    herd: HerdMonths, origin: int, horizon: int, ratios: Ratios, lags: SupplyLags
) -> tuple[FloatArray, list[str]]:
    """Give expected market hogs for origin+1..origin+horizon and each month's basis."""
    n = origin + 1
    total = n + horizon
    to_market = month_weights(lags.market_age_days)
    to_farrow = month_weights(lags.gestation_days)
    matings = np.concatenate([herd.matings[:n], np.full(horizon, np.nan)])
    from_matings = ratios.farrowing_rate * lagged(matings, to_farrow, total)
    from_sows = ratios.farrowings_per_sow_month * herd.sows[origin]
    # Farrowings to come: from matings where made, else from the sow herd.
    farrowings = np.where(np.isnan(from_matings), from_sows, from_matings)
    projected = ratios.born_alive_per_litter * farrowings
    births = np.concatenate([herd.born_alive[:n], projected[n:]])
    expected = ratios.survival * lagged(births, to_market, total)[n:]
    # What each birth month rests on (0 seen, 1 matings, 2 sows); a month takes the worst
    # of the two birth months its market hogs come from.
    rank = np.where(np.arange(total) < n, 0, np.where(np.isnan(from_matings), 2, 1))
    k = to_market[0]
    names = ("born_alive", "matings", "sows")
    basis = [names[max(int(rank[m - k]), int(rank[m - k - 1]))] for m in range(n, total)]
    return expected, basis


def supply_outlook(
    conn: Connection,
    region: str,
    months: int = MAX_MONTHS,
    origin: str | None = None,
    who: Principal = ADMIN,
) -> SupplyOutlook:
    """Give expected market hogs for the `months` months after the origin (by default the
    last month with reports), with what happened where later reports show it."""
    regions.require(region)
    require_outlook_access(conn, region, who)
    herd = herd_months(conn, region)
    at = (
        len(herd.months) - 1
        if origin is None
        else month_index(origin) - (month_index(herd.months[0]) if herd.months else 0)
    )
    needed = month_weights(PIG_LAGS.market_age_days)[0] + 3
    if at + 1 < needed or at >= len(herd.months):
        raise NotEnoughReports(region, max(0, min(at + 1, len(herd.months))), needed)
    horizon = max(1, min(months, MAX_MONTHS))
    ratios = calibrate(herd, at, PIG_LAGS)
    expected, basis = project(herd, at, horizon, ratios, PIG_LAGS)
    first = month_index(herd.months[0])
    out = []
    for h in range(1, horizon + 1):
        later = at + h
        actual = herd.sold[later] if later < len(herd.months) else np.nan
        out.append(
            OutlookMonth(
                month_key(first + later),
                float(expected[h - 1]),
                basis[h - 1],
                None if np.isnan(actual) else int(actual),
            )
        )
    return SupplyOutlook(region, herd.months[at], ratios, PIG_LAGS, tuple(out))


@dataclass(frozen=True, slots=True)
class OutlookScore:
    """Mean absolute percentage error (%) of the outlook and of the naive guess (the origin
    month's hogs sold) at one horizon in months."""

    months_ahead: int
    forecasts: int
    outlook: float
    naive: float


@dataclass(frozen=True)
class OutlookBacktest:
    """The outlook made at every month with enough history, against later reports."""

    region: str
    first_origin: str
    last_origin: str
    origins: int
    scores: tuple[OutlookScore, ...]


def backtest_outlook(
    conn: Connection, region: str, months: int = MAX_MONTHS, who: Principal = ADMIN
) -> OutlookBacktest:
    """Give the outlook's errors per horizon, made from each month with a year of reports
    before it, against the hogs later reported sold for slaughter."""
    regions.require(region)
    require_outlook_access(conn, region, who)
    herd = herd_months(conn, region)
    horizon = max(1, min(months, MAX_MONTHS))
    origins = list(range(CALIBRATION_MONTHS - 1, len(herd.months) - 1))
    if not origins:
        raise NotEnoughReports(region, len(herd.months), CALIBRATION_MONTHS + 1)
    errors = np.full((len(origins), horizon), np.nan)
    naive = np.full((len(origins), horizon), np.nan)
    for row, at in enumerate(origins):
        expected, _ = project(herd, at, horizon, calibrate(herd, at, PIG_LAGS), PIG_LAGS)
        ahead = min(horizon, len(herd.months) - 1 - at)
        actual = herd.sold[at + 1 : at + 1 + ahead]
        seen = actual > 0
        errors[row, :ahead] = np.where(seen, np.abs(expected[:ahead] - actual) / actual, np.nan)
        naive[row, :ahead] = np.where(seen, np.abs(herd.sold[at] - actual) / actual, np.nan)
    scores = tuple(
        OutlookScore(
            h + 1,
            int((~np.isnan(errors[:, h])).sum()),
            float(np.nanmean(errors[:, h]) * 100),
            float(np.nanmean(naive[:, h]) * 100),
        )
        for h in range(horizon)
        if (~np.isnan(errors[:, h])).any()
    )
    return OutlookBacktest(
        region, herd.months[origins[0]], herd.months[origins[-1]], len(origins), scores
    )
