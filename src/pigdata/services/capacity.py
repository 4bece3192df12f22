"""Capacity regulation: a region's breeding sows against its normal holding, zone and alerts.

The normal holding of a region comes, in this order, from the region's own setting (an admin
or the region's government sets it with its source), from the national rule set (for the
nation), or else from a derived default: the mean monthly breeding-sow inventory of the
region's first 12 reported months. The default is labelled as derived in every answer; it is
not an official figure. Zone bands come from the region's own setting or the nearest
enclosing region's, else from the national rule set in force in the month.

A reader not entitled to the region's records gets the months under disclosure control
(`pigdata.services.disclosure`): a withheld month's sows, ratio, zone and change are null,
and so is every ratio and zone when the derived normal holding rests on a withheld month.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata.access.principal import Principal, Role
from pigdata.domain import regions
from pigdata.domain.capacity_zones import (
    DEFAULT_REFERENCE_MONTHS,
    Bands,
    RuleSet,
    Zone,
    rule_set_on,
)
from pigdata.domain.disclosure_rules import DERIVED
from pigdata.services import disclosure
from pigdata.services.herd_totals import farm_sums
from pigdata.services.production import registered_farms
from pigdata.services.regional import (
    NATION,
    InvalidQuery,
    Region,
    month_bounds,
    month_range,
    parse_month,
    resolve,
    shift_month,
)
from pigdata.services.scope import Forbidden
from pigdata.store import tables as t

HISTORY_MONTHS = 12


@dataclass(frozen=True, slots=True)
class NormalHolding:
    """A normal holding and where it comes from: configured, national or derived."""

    sows: int | None  # None: derived from months withheld from the reader
    basis: str  # "configured" | "national" | "derived"
    source: str
    withheld: str | None = None  # the rule the derived figure breaks


@dataclass(frozen=True, slots=True)
class ZoneMonth:
    """One month of a region: sows, their share of the normal holding, the zone."""

    month: str
    breeding_sows: int | None  # None: withheld
    reporting_farms: int
    registered_farms: int
    completeness_pct: float | None
    ratio_pct: float | None
    zone: Zone | None
    change_pct: float | None  # month on month, of the breeding sows
    withheld: dict[str, str] = field(default_factory=dict)  # figure -> the rule it breaks


@dataclass(frozen=True, slots=True)
class ZoneAlert:
    """A region entering a zone (and leaving the one it was in) in a month."""

    month: str
    left: Zone
    entered: Zone
    ratio_pct: float


@dataclass(frozen=True, slots=True)
class CapacityReport:
    """A region's capacity status in a month, with the months before it and the alerts."""

    region: str
    region_name: str
    month: str
    rule_set: str
    rule_source: str
    bands: Bands
    bands_source: str
    normal_holding: NormalHolding | None
    current: ZoneMonth
    history: list[ZoneMonth] = field(default_factory=list)
    alerts: list[ZoneAlert] = field(default_factory=list)


Settings = list[sa.Row[tuple[object, ...]]]


def settings_in_force(conn: Connection, region: Region, month: str) -> Settings:
    """Give the capacity settings of a region and the regions enclosing it that are in force
    by a month, newest first (one query)."""
    s = t.capacity_settings
    query = (
        sa.select(s)
        .where(s.c.region.in_(_enclosing(region)), s.c.effective_month <= month)
        .order_by(s.c.effective_month.desc())
    )
    return list(conn.execute(query))


def _setting(settings: Settings, region: str, column: str) -> sa.Row[tuple[object, ...]] | None:
    return next(
        (r for r in settings if r.region == region and getattr(r, column) is not None), None
    )


def _enclosing(region: Region) -> list[str]:
    """Give the region and the regions enclosing it, innermost first, ending with the nation."""
    codes: list[str] = []
    if region.prefix:
        codes.append(region.code)
        codes.extend(a.code for a in reversed(regions.ancestors(region.code)))
    return [*codes, NATION]


def bands_for(region: Region, month: str, settings: Settings) -> tuple[Bands, str, RuleSet]:
    """Give the bands in force for a region in a month, their source and the rule set."""
    rules = rule_set_on(month_bounds(month)[0])
    for code in _enclosing(region):
        row = _setting(settings, code, "green_low")
        if row is not None:
            bands = Bands(row.green_low, row.green_high, row.yellow_low, row.yellow_high)
            return bands, f"{code} {row.effective_month}: {row.source}", rules
    return rules.bands, rules.source, rules


def _monthly_sows(conn: Connection, prefix: str, month: str) -> dict[str, tuple[int, int]]:
    """Give (reporting farms, breeding sows) of each month with reports, up to 120 months."""
    sums = farm_sums(conn, prefix, shift_month(month, -119), month, None, ("breeding_sows",))
    return {m: (counts["reporting"], counts["breeding_sows"]) for (_, m), counts in sums.items()}


def normal_holding(
    region: Region, rules: RuleSet, settings: Settings, by_month: dict[str, int]
) -> NormalHolding | None:
    """Give a region's normal holding in a month (None when nothing can give one)."""
    row = _setting(settings, region.code, "normal_holding")
    if row is not None:
        return NormalHolding(int(row.normal_holding), "configured", str(row.source))
    if region.code == NATION:
        return NormalHolding(rules.national_normal_holding, "national", rules.source)
    reference = sorted(by_month)[:DEFAULT_REFERENCE_MONTHS]
    if not reference:
        return None
    mean = round(sum(by_month[m] for m in reference) / len(reference))
    return NormalHolding(
        mean,
        "derived",
        f"未配置正常保有量，取本地区 {reference[0]}–{reference[-1]} 月报能繁母猪存栏均值"
        f"（非官方数据）"
        f" / no normal holding configured: mean breeding-sow inventory of the region's reports "
        f"{reference[0]} to {reference[-1]} (a derived default, not an official figure)",
    )


def _zone_months(
    months: list[str],
    reported: dict[str, tuple[int, int]],
    registered: dict[tuple[str, str], int],
    holding: NormalHolding | None,
    bands: Bands,
    hidden: dict[str, disclosure.Withheld],
) -> list[ZoneMonth]:
    zoned: list[ZoneMonth] = []
    previous: int | None = None
    previous_hidden = False
    sows_of_holding = holding.sows if holding else None
    for month in months:
        reporting, sows = reported.get(month, (0, 0))
        farms = registered.get(("", month), 0)
        ratio = round(100.0 * sows / sows_of_holding, 2) if sows_of_holding and reporting else None
        change = round(100.0 * (sows - previous) / previous, 2) if previous and reporting else None
        withheld = dict(hidden.get(month, {}))
        if holding is not None and holding.withheld:
            withheld.setdefault("ratio_pct", DERIVED)
        disclosure.derive(withheld, "ratio_pct", "breeding_sows")
        disclosure.derive(withheld, "zone", "ratio_pct")
        if previous_hidden:
            withheld.setdefault("change_pct", DERIVED)
        disclosure.derive(withheld, "change_pct", "breeding_sows")
        shown_ratio = None if ratio is None else disclosure.shown(ratio, "ratio_pct", withheld)
        zoned.append(
            ZoneMonth(
                month,
                disclosure.shown(sows, "breeding_sows", withheld),
                reporting,
                farms,
                round(100.0 * reporting / farms, 1) if farms else None,
                shown_ratio,
                bands.zone(shown_ratio) if shown_ratio is not None else None,
                None if change is None else disclosure.shown(change, "change_pct", withheld),
                dict(sorted(withheld.items())),
            )
        )
        previous = sows if reporting else None
        previous_hidden = "breeding_sows" in withheld
    return zoned


def _controlled_months(conn: Connection, prefix: str, month: str) -> dict[str, disclosure.Withheld]:
    """Give what each month of the capacity window withholds from a controlled reader."""
    cells = disclosure.herd_cells(
        conn,
        prefix,
        shift_month(month, -119),
        month,
        None,
        disclosure.herd_measures("breeding_sows"),
    )
    return {m: disclosure.judge(row) for (_, m), row in cells.items()}


def _hide_holding(
    holding: NormalHolding | None, hidden: dict[str, disclosure.Withheld], by_month: dict[str, int]
) -> NormalHolding | None:
    """Give the normal holding, null when it is derived from a month withheld."""
    if holding is None or holding.basis != "derived":
        return holding
    reference = sorted(by_month)[:DEFAULT_REFERENCE_MONTHS]
    if not any(hidden.get(m) for m in reference):
        return holding
    return NormalHolding(None, holding.basis, holding.source, DERIVED)


def _alerts(months: list[ZoneMonth]) -> list[ZoneAlert]:
    alerts: list[ZoneAlert] = []
    for before, now in itertools.pairwise(months):
        if before.zone and now.zone and before.zone != now.zone and now.ratio_pct is not None:
            alerts.append(ZoneAlert(now.month, before.zone, now.zone, now.ratio_pct))
    return alerts


def capacity_status(conn: Connection, who: Principal, region: str, month: str) -> CapacityReport:
    """Give a region's capacity status in a month, its last 12 months and zone alerts.

    The zone of every month of the history is judged with the bands and normal holding in
    force in the asked month, so that the alerts compare like with like.
    """
    place = resolve(region)
    parse_month(month)
    reported = _monthly_sows(conn, place.prefix, month)
    by_month = {m: sows for m, (_, sows) in reported.items()}
    settings = settings_in_force(conn, place, month)
    bands, bands_source, rules = bands_for(place, month, settings)
    holding = normal_holding(place, rules, settings, by_month)
    hidden: dict[str, disclosure.Withheld] = {}
    if not disclosure.exact_for(who, place.prefix):
        hidden = _controlled_months(conn, place.prefix, month)
        holding = _hide_holding(holding, hidden, by_month)
    months = month_range(shift_month(month, -HISTORY_MONTHS), month)
    registered = registered_farms(conn, place.prefix, months, None)
    zoned = _zone_months(months, reported, registered, holding, bands, hidden)
    history = zoned[1:]
    return CapacityReport(
        region=place.code,
        region_name=place.name,
        month=month,
        rule_set=rules.name,
        rule_source=rules.source,
        bands=bands,
        bands_source=bands_source,
        normal_holding=holding,
        current=history[-1],
        history=history,
        alerts=_alerts(zoned),
    )


@dataclass(frozen=True, slots=True)
class CapacitySetting:
    """A region's own capacity figures from a month on (None: not set by this version)."""

    region: str
    effective_month: str
    normal_holding: int | None
    bands: Bands | None
    source: str


def _check_setting(setting: CapacitySetting) -> None:
    parse_month(setting.effective_month, "effective_month")
    resolve(setting.region)
    if setting.normal_holding is None and setting.bands is None:
        raise InvalidQuery(
            "normal_holding/bands: 至少设置一项 / normal_holding/bands: set at least one"
        )
    if setting.normal_holding is not None and setting.normal_holding <= 0:
        raise InvalidQuery("normal_holding: 须为正数 / normal_holding: must be positive")
    if setting.bands is not None and setting.bands.problems():
        raise InvalidQuery("bands: " + setting.bands.problems()[0])
    if not setting.source.strip():
        raise InvalidQuery("source: 须注明来源 / source: say where the figures come from")


def require_settings_access(who: Principal, region: str) -> None:
    """Refuse a principal that may not set a region's figures (admin, or its government)."""
    if not who.has_region:  # refused before the code is looked up: 403 whatever it names
        raise Forbidden(who, f"{region} 的调控参数", f"the capacity settings of {region}")
    place = resolve(region)
    if who.role is Role.admin:
        return
    inside = place.prefix.startswith(who.region_prefix()) and bool(place.prefix)
    if who.role is Role.government and who.scope and inside:
        return
    raise Forbidden(who, f"{place.name}的调控参数", f"the capacity settings of {place.code}")


def set_capacity(conn: Connection, who: Principal, setting: CapacitySetting) -> None:
    """Store a region's capacity figures from a month on (replacing that month's version)."""
    require_settings_access(who, setting.region)
    _check_setting(setting)
    s = t.capacity_settings
    bands = setting.bands
    values = {
        "normal_holding": setting.normal_holding,
        "green_low": bands.green_low if bands else None,
        "green_high": bands.green_high if bands else None,
        "yellow_low": bands.yellow_low if bands else None,
        "yellow_high": bands.yellow_high if bands else None,
        "source": setting.source.strip()[:500],
        "set_by": who.submitter,
        "set_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    key = (s.c.region == setting.region, s.c.effective_month == setting.effective_month)
    conn.execute(sa.delete(s).where(*key))
    conn.execute(
        sa.insert(s).values(
            region=setting.region, effective_month=setting.effective_month, **values
        )
    )


def capacity_settings(conn: Connection, region: str) -> list[CapacitySetting]:
    """Give every version of a region's own capacity figures, oldest first."""
    resolve(region)
    s = t.capacity_settings
    rows = conn.execute(
        sa.select(s).where(s.c.region == region).order_by(s.c.effective_month)
    ).all()
    return [
        CapacitySetting(
            r.region,
            r.effective_month,
            r.normal_holding,
            Bands(r.green_low, r.green_high, r.yellow_low, r.yellow_high)
            if r.green_low is not None
            else None,
            r.source,
        )
        for r in rows
    ]
