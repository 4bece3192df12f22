"""Farm performance: sow-herd figures per farm over a window of months, and anonymous
benchmarks of the farms of a region (top 10 %, median, bottom 10 %; never fewer than 5).

All farms of a region are computed at once from two grouped queries and NumPy arrays; one
farm's view is its row beside the distribution of its peers (its county by default).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata.access.principal import Principal, Role
from pigdata.domain.production_figures import (
    FARROWING_LAG_MONTHS,
    GESTATION_DAYS,
    LACTATION_DAYS,
    MIN_GROUP,
    PERCENTILES,
)
from pigdata.services.regional import (
    InvalidQuery,
    Region,
    farm_reports,
    month_bounds,
    month_span,
    parse_month,
    require_region_view,
    resolve,
    shift_month,
)
from pigdata.services.scope import Forbidden
from pigdata.store import tables as t

Floats = npt.NDArray[np.float64]

# name: (unit, whether higher is better)
FIGURES: dict[str, tuple[str, bool]] = {
    "litters_per_sow_year": ("litters/sow/year", True),
    "psy": ("pigs weaned/sow/year", True),
    "msy": ("market pigs/sow/year", True),
    "farrowing_rate_pct": ("%", True),
    "preweaning_mortality_pct": ("%", False),
    "npd": ("days", False),
}
NOT_REPORTED = {
    "fcr": "herd reports carry feed but no weights: FCR needs the weight gain",
    "adg": "herd reports carry no weights: ADG needs the weight gain",
}
MAX_WINDOW = 24


@dataclass(frozen=True, slots=True)
class FarmFigures:
    """One farm's figures over the window (None where the data give none)."""

    farm: str
    months_reported: int
    average_sows: float
    figures: dict[str, float | None]


@dataclass(frozen=True, slots=True)
class Benchmark:
    """The distribution of one figure among a region's farms (withheld below 5 farms)."""

    figure: str
    unit: str
    higher_is_better: bool
    farms: int
    top_10: float | None
    median: float | None
    bottom_10: float | None


@dataclass(frozen=True, slots=True)
class RegionPerformance:
    """Every farm's figures in a region, and the benchmarks of each figure."""

    region: str
    region_name: str
    month: str
    window_months: int
    farms: list[FarmFigures]
    benchmarks: list[Benchmark]
    not_reported: dict[str, str] = field(default_factory=lambda: dict(NOT_REPORTED))


@dataclass(frozen=True, slots=True)
class FarmPerformance:
    """A farm's own figures beside the anonymous benchmarks of its peers."""

    farm: str
    month: str
    window_months: int
    peers_region: str
    peers_region_name: str
    own: FarmFigures
    benchmarks: list[Benchmark]
    not_reported: dict[str, str] = field(default_factory=lambda: dict(NOT_REPORTED))


def _days(month: str) -> int:
    first, last = month_bounds(month)
    return (last - first).days + 1


def _sums(conn: Connection, prefix: str, first: str, last: str) -> list[sa.Row[tuple[object, ...]]]:
    h = t.herd_reports
    months = [shift_month(first, i) for i in range(month_span(first, last))]
    days = sa.case(*((h.c.month == m, _days(m)) for m in months), else_=0)
    names = ("farrowings", "born_alive", "weaned", "deaths", "sold_for_slaughter", "moved_out")
    query = (
        sa.select(
            h.c.premises,
            sa.func.count().label("months"),
            sa.func.sum(days).label("days"),
            sa.func.sum(h.c.breeding_sows).label("sow_months"),
            *(sa.func.sum(h.c[n]).label(n) for n in names),
        )
        .where(farm_reports(conn, prefix, first, last))
        .group_by(h.c.premises)
        .order_by(h.c.premises)
    )
    return list(conn.execute(query))


def _matings(conn: Connection, prefix: str, first: str, last: str) -> dict[str, int]:
    h = t.herd_reports
    query = (
        sa.select(h.c.premises, sa.func.sum(h.c.matings))
        .where(farm_reports(conn, prefix, first, last))
        .group_by(h.c.premises)
    )
    return {str(code): int(total or 0) for code, total in conn.execute(query)}


def _ratio(top: Floats, bottom: Floats, scale: float | Floats = 1.0) -> Floats:
    out = np.full(top.shape, np.nan)
    ok = bottom > 0
    np.divide(top * scale, bottom, out=out, where=ok)
    return out


def _figures(rows: list[sa.Row[tuple[object, ...]]], matings: Floats) -> dict[str, Floats]:
    """Give each figure of every farm (NaN where undefined), by the formulas of DOMAIN.md."""

    names = list(rows[0]._fields[1:]) if rows else []
    table = np.array([r[1:] for r in rows], dtype=np.float64).reshape(len(rows), len(names))

    def column(name: str) -> Floats:
        return np.nan_to_num(table[:, names.index(name)]) if rows else np.zeros(0)

    months, days, sows = (
        column("months"),
        column("days"),
        _ratio(column("sow_months"), column("months")),
    )
    farrowings, born, weaned = column("farrowings"), column("born_alive"), column("weaned")
    per_year = _ratio(np.full(len(rows), 365.0), days) if len(rows) else np.zeros(0)
    litters = _ratio(farrowings, sows) * per_year
    psy = _ratio(weaned, sows) * per_year
    # Deaths after weaning: all deaths less those before weaning (breeding-stock deaths count
    # here too, so survival is slightly understated). Pigs leave the growing herd by sale
    # for slaughter or by moving out to be reared on; survival is their share of those leaving.
    after_weaning = np.maximum(column("deaths") - (born - weaned), 0.0)
    leaving = column("sold_for_slaughter") + column("moved_out")
    survival = _ratio(leaving, leaving + after_weaning)
    cycle = GESTATION_DAYS.value + LACTATION_DAYS.value
    return {
        "litters_per_sow_year": litters,
        "psy": psy,
        "msy": psy * survival,
        "farrowing_rate_pct": _ratio(farrowings, matings, 100.0),
        "preweaning_mortality_pct": _ratio(born - weaned, born, 100.0),
        "npd": 365.0 - litters * cycle,
        "_months": months,
        "_sows": np.nan_to_num(sows),
    }


def _benchmarks(values: dict[str, Floats]) -> list[Benchmark]:
    marks: list[Benchmark] = []
    for name, (unit, higher) in FIGURES.items():
        present = values[name][~np.isnan(values[name])]
        if len(present) < MIN_GROUP:
            marks.append(Benchmark(name, unit, higher, len(present), None, None, None))
            continue
        low, mid, high = (round(float(v), 2) for v in np.percentile(present, PERCENTILES))
        top, bottom = (high, low) if higher else (low, high)
        marks.append(Benchmark(name, unit, higher, len(present), top, mid, bottom))
    return marks


def _compute(conn: Connection, region: Region, month: str, window: int) -> RegionPerformance:
    parse_month(month)
    if not 1 <= window <= MAX_WINDOW:
        raise InvalidQuery(
            f"window: 须为 1 至 {MAX_WINDOW} 个月 / window: must be 1 to {MAX_WINDOW} months"
        )
    first = shift_month(month, 1 - window)
    rows = _sums(conn, region.prefix, first, month)
    lag = FARROWING_LAG_MONTHS
    served = _matings(conn, region.prefix, shift_month(first, -lag), shift_month(month, -lag))
    matings = np.array([served.get(str(r.premises), 0) for r in rows], dtype=np.float64)
    values = _figures(rows, matings)
    # Round and turn NaN into None a whole column at a time, then build each farm's row.
    columns = {
        name: [None if v != v else v for v in np.round(values[name], 2).tolist()]
        for name in FIGURES
    }
    months = values["_months"].astype(int).tolist()
    sows = np.round(values["_sows"], 1).tolist()
    farms = [
        FarmFigures(str(r.premises), months[i], sows[i], {n: columns[n][i] for n in FIGURES})
        for i, r in enumerate(rows)
    ]
    return RegionPerformance(region.code, region.name, month, window, farms, _benchmarks(values))


def region_performance(
    conn: Connection, who: Principal, region: str, month: str, window: int = 12
) -> RegionPerformance:
    """Give every farm's figures in a region (government of the region, or admin)."""
    if not who.has_region:  # a farm or the public: 403 whatever the code names
        raise Forbidden(who, f"{region} 的农场数据", f"the farms' figures of {region}")
    place = resolve(region)
    require_region_view(who, place)
    return _compute(conn, place, month, window)


def _farm_township(conn: Connection, farm: str) -> str:
    p = t.premises
    township = conn.execute(
        sa.select(p.c.township).where(p.c.code == farm, p.c.premises_type == "farm")
    ).scalar()
    if township is None:
        raise InvalidQuery(f"farm: 养殖场 {farm} 未备案 / farm: no registered farm {farm}")
    return str(township)


def farm_performance(
    conn: Connection,
    who: Principal,
    farm: str,
    month: str,
    window: int = 12,
    peers: str | None = None,
) -> FarmPerformance:
    """Give a farm's figures beside its peers' benchmarks (its county unless `peers` names
    a region that contains the farm). A farm sees only itself; a government its region's."""
    township = _farm_township(conn, farm)
    if not who.covers_premises(farm, township) or who.role is Role.public:
        raise Forbidden(who, f"养殖场 {farm} 的生产指标", f"the figures of farm {farm}")
    place = resolve(peers or township[:6])
    if not township.startswith(place.prefix):
        raise InvalidQuery(
            f"peers: {place.code} 不含养殖场 {farm} / peers: {place.code} does not contain "
            f"farm {farm}"
        )
    result = _compute(conn, place, month, window)
    own = next((f for f in result.farms if f.farm == farm), None)
    if own is None:
        own = FarmFigures(farm, 0, 0.0, dict.fromkeys(FIGURES))
    return FarmPerformance(farm, month, window, place.code, place.name, own, result.benchmarks)
