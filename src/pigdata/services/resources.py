"""Regional resources: farms by size class, capacity in use, breeding stock by breed, and the
manure load per hectare of farmland (in pig equivalents) where farmland is configured.

Counts of farms are published as they are; places, herds and breeding stock are figures of
farms, given under disclosure control to a reader not entitled to the region's records
(`pigdata.services.disclosure`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata.access.principal import Principal
from pigdata.domain.disclosure_rules import Cell
from pigdata.domain.regional_resources import (
    BREEDING_AGE_DAYS,
    NATIVE_BREEDS,
    PIG_EQUIVALENTS,
    PIG_EQUIVALENTS_SOURCE,
    SCALE_FARM_HEAD_PER_YEAR,
    SIZE_CLASSES,
    SIZE_CLASSES_SOURCE,
)
from pigdata.services import disclosure
from pigdata.services.capacity import require_settings_access
from pigdata.services.regional import (
    InvalidQuery,
    month_bounds,
    registered_on,
    resolve,
    shift_month,
    township_in,
)
from pigdata.store import tables as t


@dataclass(frozen=True, slots=True)
class CapacityUse:
    """Places on registered farms and the share the month's reports fill."""

    registered_farms: int
    sow_places: int | None  # None (here and below): withheld, or nothing to divide by
    finishing_places: int | None
    reporting_farms: int
    sows_on_reporting_farms: int | None
    sow_places_of_reporting_farms: int | None
    growing_pigs_on_reporting_farms: int | None  # piglets and finishers
    finishing_places_of_reporting_farms: int | None
    sow_places_used_pct: float | None
    finishing_places_used_pct: float | None
    withheld: dict[str, str] = field(default_factory=dict)  # figure -> the rule it breaks


@dataclass(frozen=True, slots=True)
class BreedStock:
    """Breeding stock of one breed in the region."""

    breed: str
    native: bool
    females: int | None  # None: withheld
    males: int | None
    withheld: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ManureLoad:
    """Pigs on hand in pig equivalents, and per hectare of farmland where it is configured."""

    pig_equivalents: float | None  # None: withheld
    farmland_ha: float | None
    farmland_source: str | None
    per_hectare: float | None
    conversion: dict[str, float]
    conversion_source: str
    withheld: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RegionalResources:
    """A region's farms, capacity, breeding stock and manure load in a month."""

    region: str
    region_name: str
    month: str
    farms_by_size: dict[str, int]
    scale_farms: int
    size_basis: str
    capacity: CapacityUse
    native_breeds: list[BreedStock]
    other_breeds: list[BreedStock]
    manure: ManureLoad
    notes: list[str] = field(default_factory=list)


def premises_in(column: sa.ColumnElement[str], prefix: str) -> sa.ColumnElement[bool]:
    """Give the condition that a premises code lies in a region.

    A registration code starts with its county's code, so down to a county a range on the
    code suffices; a township needs the premises' township.
    """
    if len(prefix) <= 6:
        return township_in(column, prefix)
    p = t.premises
    return column.in_(sa.select(p.c.code).where(township_in(p.c.township, prefix)))


def _farm_sizes(conn: Connection, prefix: str, month: str) -> tuple[dict[str, int], int]:
    """Give the farms of each annual-output class and the scale farms (12 months to month)."""
    h, p = t.herd_reports, t.premises
    yearly = sa.func.sum(h.c.sold_for_slaughter) * 12.0 / sa.func.count()
    in_window = sa.and_(
        h.c.premises == p.c.code, h.c.month > shift_month(month, -12), h.c.month <= month
    )
    query = (
        sa.select(p.c.code, yearly)
        .select_from(p.outerjoin(h, in_window))
        .where(p.c.premises_type == "farm", township_in(p.c.township, prefix))
        .where(registered_on(*month_bounds(month)))
        .group_by(p.c.code)
    )
    rows = conn.execute(query).all()
    output = np.array([float(v) for _, v in rows if v is not None], dtype=np.float64)
    output = np.round(output)
    bounds = np.array([c.low for c in SIZE_CLASSES[1:]], dtype=np.float64)
    counts = np.bincount(np.searchsorted(bounds, output, side="right"), minlength=len(SIZE_CLASSES))
    by_size = {c.name: int(n) for c, n in zip(SIZE_CLASSES, counts, strict=True)}
    by_size["no reports"] = sum(1 for _, v in rows if v is None)
    return by_size, int(np.count_nonzero(output >= SCALE_FARM_HEAD_PER_YEAR))


def _capacity(
    conn: Connection, prefix: str, month: str, exact: bool
) -> tuple[CapacityUse, dict[str, int], disclosure.Withheld]:
    """Give the capacity in use, the stock on reporting farms and what a controlled reader
    is not shown of either."""
    h, p = t.herd_reports, t.premises
    in_region = sa.and_(p.c.premises_type == "farm", township_in(p.c.township, prefix))
    place_columns = (p.c.capacity_sows, p.c.capacity_finishing)
    registered = conn.execute(
        sa.select(sa.func.count(), *_sums_and_tops(place_columns)).where(
            in_region, registered_on(*month_bounds(month))
        )
    ).one()
    names = tuple(PIG_EQUIVALENTS)
    growing = h.c.piglets + h.c.finishers
    reported = conn.execute(
        sa.select(
            sa.func.count(),
            *_sums_and_tops((*place_columns, *(h.c[n] for n in names), growing)),
        )
        .select_from(h.join(p, p.c.code == h.c.premises))
        .where(in_region, h.c.month == month)
    ).one()
    places = _cells(registered, ("sow_places", "finishing_places"))
    on_farms = _cells(
        reported,
        ("sow_places_of_reporting_farms", "finishing_places_of_reporting_farms", *names, "growing"),
    )
    stock = {n: int(on_farms[n].total) for n in names}
    withheld = {} if exact else disclosure.judge({**places, **on_farms})
    _rename(withheld, "breeding_sows", "sows_on_reporting_farms")
    _rename(withheld, "growing", "growing_pigs_on_reporting_farms")
    disclosure.derive(
        withheld, "sow_places_used_pct", "sows_on_reporting_farms", "sow_places_of_reporting_farms"
    )
    disclosure.derive(
        withheld,
        "finishing_places_used_pct",
        "growing_pigs_on_reporting_farms",
        "finishing_places_of_reporting_farms",
    )
    stock_withheld = {n: r for n, r in withheld.items() if n in names}
    for n in (*names, "growing"):
        withheld.pop(n, None)  # the stock is shown through the manure load only
    use = _capacity_use(int(registered[0]), int(reported[0]), places, on_farms, withheld)
    return use, stock, stock_withheld


def _sums_and_tops(columns: tuple[sa.ColumnElement[int], ...]) -> list[sa.ColumnElement[int]]:
    return [agg(c) for c in columns for agg in (sa.func.sum, sa.func.max)]


def _cells(row: Any, names: tuple[str, ...]) -> disclosure.Cells:
    return {n: disclosure.cell(row[0], row[1 + 2 * i], row[2 + 2 * i]) for i, n in enumerate(names)}


def _rename(withheld: disclosure.Withheld, old: str, new: str) -> None:
    if old in withheld:
        withheld[new] = withheld[old]


def _capacity_use(
    registered: int,
    reporting: int,
    places: disclosure.Cells,
    on_farms: disclosure.Cells,
    withheld: disclosure.Withheld,
) -> CapacityUse:
    def value(cells: disclosure.Cells, key: str, name: str) -> int | None:
        return disclosure.shown(int(cells[key].total), name, withheld)

    sows, growing = int(on_farms["breeding_sows"].total), int(on_farms["growing"].total)
    sow_places = int(on_farms["sow_places_of_reporting_farms"].total)
    finishing_places = int(on_farms["finishing_places_of_reporting_farms"].total)
    sow_pct = round(100.0 * sows / sow_places, 1) if sow_places else None
    finishing_pct = round(100.0 * growing / finishing_places, 1) if finishing_places else None
    return CapacityUse(
        registered_farms=registered,
        sow_places=value(places, "sow_places", "sow_places"),
        finishing_places=value(places, "finishing_places", "finishing_places"),
        reporting_farms=reporting,
        sows_on_reporting_farms=value(on_farms, "breeding_sows", "sows_on_reporting_farms"),
        sow_places_of_reporting_farms=value(
            on_farms, "sow_places_of_reporting_farms", "sow_places_of_reporting_farms"
        ),
        growing_pigs_on_reporting_farms=value(
            on_farms, "growing", "growing_pigs_on_reporting_farms"
        ),
        finishing_places_of_reporting_farms=value(
            on_farms, "finishing_places_of_reporting_farms", "finishing_places_of_reporting_farms"
        ),
        sow_places_used_pct=disclosure.shown(sow_pct, "sow_places_used_pct", withheld)
        if sow_pct is not None
        else None,
        finishing_places_used_pct=disclosure.shown(
            finishing_pct, "finishing_places_used_pct", withheld
        )
        if finishing_pct is not None
        else None,
        withheld=dict(sorted(withheld.items())),
    )


def _breeding_stock(conn: Connection, prefix: str, month: str, exact: bool) -> list[BreedStock]:
    """Give the live, intact, tagged pigs of breeding age whose last known place is in the
    region at the end of the month: the destination of the last movement carrying the tag
    by then, else the premises of birth."""
    a, mt, m, st, s = t.animals, t.movement_tags, t.movements, t.slaughter_tags, t.slaughters
    month_end = month_bounds(month)[1]
    last_place = (
        sa.select(m.c.destination)
        .select_from(mt.join(m, m.c.entry_seq == mt.c.entry_seq))
        .where(mt.c.ear_tag == a.c.ear_tag, m.c.issue_date <= month_end)
        .order_by(mt.c.entry_seq.desc())
        .limit(1)
        .scalar_subquery()
    )
    moved_in = (
        sa.select(mt.c.ear_tag)
        .select_from(mt.join(m, m.c.entry_seq == mt.c.entry_seq))
        .where(premises_in(m.c.destination, prefix), m.c.issue_date <= month_end)
    )
    slaughtered = (
        sa.select(st.c.ear_tag)
        .select_from(st.join(s, s.c.entry_seq == st.c.entry_seq))
        .where(st.c.ear_tag == a.c.ear_tag, s.c.date <= month_end)
    )

    def candidates(where: sa.ColumnElement[bool]) -> sa.Select[tuple[str, str, str]]:
        at = sa.func.coalesce(last_place, a.c.birth_premises).label("at")
        return (
            sa.select(a.c.breed, a.c.sex, at)
            .where(where, a.c.sex.in_(("male", "female")), ~sa.exists(slaughtered))
            .where(a.c.birth_date <= month_end - timedelta(days=BREEDING_AGE_DAYS))
        )

    # Two index-friendly sets (born here; moved in from elsewhere) rather than one OR.
    born_here = premises_in(a.c.birth_premises, prefix)
    located = sa.union_all(
        candidates(born_here), candidates(sa.and_(a.c.ear_tag.in_(moved_in), ~born_here))
    ).subquery()
    by_place = (
        sa.select(located.c.breed, located.c.sex, sa.func.count().label("head"))
        .where(premises_in(located.c["at"], prefix))
        .group_by(located.c.breed, located.c.sex, located.c["at"])
        .subquery()
    )
    cells: dict[str, dict[str, Cell]] = {}
    for (breed, sex), one in disclosure.group_cells(
        conn, by_place, ("breed", "sex"), "head"
    ).items():
        cells.setdefault(str(breed), {})[_SEXES[str(sex)]] = one
    return [
        _breed(b, c, exact) for b, c in sorted(cells.items(), key=lambda kv: (-_head(kv[1]), kv[0]))
    ]


_SEXES = {"female": "females", "male": "males"}


def _head(cells: dict[str, Cell]) -> float:
    return sum(c.total for c in cells.values())


def _breed(breed: str, cells: dict[str, Cell], exact: bool) -> BreedStock:
    withheld = {} if exact else disclosure.judge(cells)
    females, males = (int(cells[s].total) if s in cells else 0 for s in ("females", "males"))
    return BreedStock(
        breed,
        breed in NATIVE_BREEDS,
        disclosure.shown(females, "females", withheld),
        disclosure.shown(males, "males", withheld),
        dict(sorted(withheld.items())),
    )


def _manure(
    conn: Connection, region: str, stock: dict[str, int], stock_withheld: disclosure.Withheld
) -> ManureLoad:
    f = t.farmland_settings
    land = conn.execute(sa.select(f.c.hectares, f.c.source).where(f.c.region == region)).first()
    equivalents = sum(stock[n] * factor for n, factor in PIG_EQUIVALENTS.items())
    hectares = float(land.hectares) if land else None
    withheld = dict(stock_withheld)
    disclosure.derive(withheld, "pig_equivalents", *stock_withheld)
    disclosure.derive(withheld, "per_hectare", "pig_equivalents")
    shown = {k: v for k, v in withheld.items() if k in ("pig_equivalents", "per_hectare")}
    per_hectare = round(equivalents / hectares, 3) if hectares else None
    return ManureLoad(
        pig_equivalents=disclosure.shown(round(equivalents, 1), "pig_equivalents", shown),
        farmland_ha=hectares,
        farmland_source=str(land.source) if land else None,
        per_hectare=None if per_hectare is None or "per_hectare" in shown else per_hectare,
        conversion=dict(PIG_EQUIVALENTS),
        conversion_source=PIG_EQUIVALENTS_SOURCE,
        withheld=shown,
    )


def regional_resources(
    conn: Connection, who: Principal, region: str, month: str
) -> RegionalResources:
    """Give a region's farms by size, capacity in use, breeding stock by breed and manure load
    (under disclosure control for a reader not entitled to the region's records)."""
    place = resolve(region)
    exact = disclosure.exact_for(who, place.prefix)
    by_size, scale = _farm_sizes(conn, place.prefix, month)
    use, stock, stock_withheld = _capacity(conn, place.prefix, month, exact)
    breeds = _breeding_stock(conn, place.prefix, month, exact)
    manure = _manure(conn, place.code, stock, stock_withheld)
    notes = []
    if manure.farmland_ha is None:
        notes.append(
            "未配置耕地面积，无每公顷负荷 / no farmland configured for the region: no load per "
            "hectare (set it with `pigdata stats farmland-set`)"
        )
    return RegionalResources(
        region=place.code,
        region_name=place.name,
        month=month,
        farms_by_size=by_size,
        scale_farms=scale,
        size_basis=SIZE_CLASSES_SOURCE,
        capacity=use,
        native_breeds=[b for b in breeds if b.native],
        other_breeds=[b for b in breeds if not b.native],
        manure=manure,
        notes=notes,
    )


def set_farmland(
    conn: Connection, who: Principal, region: str, hectares: float, source: str
) -> None:
    """Store a region's farmland in hectares with its source (admin, or its government)."""
    require_settings_access(who, region)  # who may, before what is asked: 403 before 404
    if not hectares > 0:
        raise InvalidQuery("hectares: 须为正数 / hectares: must be positive")
    if not source.strip():
        raise InvalidQuery("source: 须注明来源 / source: say where the figure comes from")
    f = t.farmland_settings
    conn.execute(sa.delete(f).where(f.c.region == region))
    conn.execute(
        sa.insert(f).values(
            region=region,
            hectares=hectares,
            source=source.strip()[:500],
            set_by=who.submitter,
            set_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
    )
