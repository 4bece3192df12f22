"""Regional resources: farms by size class, capacity in use, breeding stock by breed, and the
manure load per hectare of farmland (in pig equivalents) where farmland is configured."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata.access.principal import Principal
from pigdata.domain.regional_resources import (
    BREEDING_AGE_DAYS,
    NATIVE_BREEDS,
    PIG_EQUIVALENTS,
    PIG_EQUIVALENTS_SOURCE,
    SCALE_FARM_HEAD_PER_YEAR,
    SIZE_CLASSES,
    SIZE_CLASSES_SOURCE,
)
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
    sow_places: int
    finishing_places: int
    reporting_farms: int
    sows_on_reporting_farms: int
    sow_places_of_reporting_farms: int
    growing_pigs_on_reporting_farms: int  # piglets and finishers
    finishing_places_of_reporting_farms: int
    sow_places_used_pct: float | None
    finishing_places_used_pct: float | None


@dataclass(frozen=True, slots=True)
class BreedStock:
    """Breeding stock of one breed in the region."""

    breed: str
    native: bool
    females: int
    males: int


@dataclass(frozen=True, slots=True)
class ManureLoad:
    """Pigs on hand in pig equivalents, and per hectare of farmland where it is configured."""

    pig_equivalents: float
    farmland_ha: float | None
    farmland_source: str | None
    per_hectare: float | None
    conversion: dict[str, float]
    conversion_source: str


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


def _capacity(conn: Connection, prefix: str, month: str) -> tuple[CapacityUse, dict[str, int]]:
    h, p = t.herd_reports, t.premises
    in_region = sa.and_(p.c.premises_type == "farm", township_in(p.c.township, prefix))
    places = (sa.func.sum(p.c.capacity_sows), sa.func.sum(p.c.capacity_finishing))
    registered = conn.execute(
        sa.select(sa.func.count(), *places).where(in_region, registered_on(*month_bounds(month)))
    ).one()
    names = tuple(PIG_EQUIVALENTS)
    reported = conn.execute(
        sa.select(
            sa.func.count(),
            *places,
            *(sa.func.sum(h.c[n]) for n in names),
        )
        .select_from(h.join(p, p.c.code == h.c.premises))
        .where(in_region, h.c.month == month)
    ).one()
    stock = {n: int(v or 0) for n, v in zip(names, reported[3:], strict=True)}
    sows, growing = stock["breeding_sows"], stock["piglets"] + stock["finishers"]
    sow_places, finishing_places = int(reported[1] or 0), int(reported[2] or 0)
    use = CapacityUse(
        registered_farms=int(registered[0]),
        sow_places=int(registered[1] or 0),
        finishing_places=int(registered[2] or 0),
        reporting_farms=int(reported[0]),
        sows_on_reporting_farms=sows,
        sow_places_of_reporting_farms=sow_places,
        growing_pigs_on_reporting_farms=growing,
        finishing_places_of_reporting_farms=finishing_places,
        sow_places_used_pct=round(100.0 * sows / sow_places, 1) if sow_places else None,
        finishing_places_used_pct=(
            round(100.0 * growing / finishing_places, 1) if finishing_places else None
        ),
    )
    return use, stock


def _breeding_stock(conn: Connection, prefix: str, month: str) -> list[BreedStock]:
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
    query = (
        sa.select(located.c.breed, located.c.sex, sa.func.count())
        .where(premises_in(located.c["at"], prefix))
        .group_by(located.c.breed, located.c.sex)
    )
    counts: dict[str, dict[str, int]] = {}
    for breed, sex, n in conn.execute(query):
        counts.setdefault(str(breed), {})[str(sex)] = int(n)
    return [
        BreedStock(b, b in NATIVE_BREEDS, c.get("female", 0), c.get("male", 0))
        for b, c in sorted(counts.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))
    ]


def _manure(conn: Connection, region: str, stock: dict[str, int]) -> ManureLoad:
    f = t.farmland_settings
    land = conn.execute(sa.select(f.c.hectares, f.c.source).where(f.c.region == region)).first()
    equivalents = sum(stock[n] * factor for n, factor in PIG_EQUIVALENTS.items())
    hectares = float(land.hectares) if land else None
    return ManureLoad(
        pig_equivalents=round(equivalents, 1),
        farmland_ha=hectares,
        farmland_source=str(land.source) if land else None,
        per_hectare=round(equivalents / hectares, 3) if hectares else None,
        conversion=dict(PIG_EQUIVALENTS),
        conversion_source=PIG_EQUIVALENTS_SOURCE,
    )


def regional_resources(conn: Connection, region: str, month: str) -> RegionalResources:
    """Give a region's farms by size, capacity in use, breeding stock by breed and manure load."""
    place = resolve(region)
    by_size, scale = _farm_sizes(conn, place.prefix, month)
    use, stock = _capacity(conn, place.prefix, month)
    breeds = _breeding_stock(conn, place.prefix, month)
    manure = _manure(conn, place.code, stock)
    notes = []
    if manure.farmland_ha is None:
        notes.append(
            "未配置耕地面积，无每公顷负荷 / no farmland configured for the region: no load per "
            "hectare (set it with `pigdata farmland-set`)"
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
