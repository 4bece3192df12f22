"""Outbreaks and their zones: infected point, infected zone, threatened zone, lifting date.

An outbreak is the set of `outbreak_report` rows sharing an `outbreak_id`. Its infected
points are the premises of its confirmed (or later resolved) reports. Its zones are in force
from its first confirmation (`confirmed_date`, else that report's `report_date`) until it is
resolved (`resolved_date`, else the resolving report's `report_date`); suspected outbreaks
have no zones. The earliest lifting date is the last culling date plus the rule's lifting
period (42 days for ASF); lifting itself needs the resolving report after acceptance. That
derivation is pure and ingest needs it too, so it lives in `pigdata.domain.outbreaks`; this
module loads the rows and the premises' points.

Distances are geodesic on the WGS 84 ellipsoid (pyproj's `Geod`, Karney's algorithm, exact
to nanometres), after a bounding-box prefilter; a premises is treated as its point.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pigdata.domain.outbreaks import WGS84, Outbreak, outbreak_from_reports
from pigdata.store import tables as t

_KM_PER_DEGREE_LAT = 110.574  # the shortest degree of latitude (at the equator), so a safe bound
_KM_PER_DEGREE_LON_EQUATOR = 111.320

INFECTED_POINT = "infected_point"
INFECTED_ZONE = "infected_zone"
THREATENED_ZONE = "threatened_zone"


@dataclass(frozen=True)
class PremisesPoints:
    """Every premises' code and coordinates as arrays, for distance queries."""

    codes: npt.NDArray[np.str_]
    lat: npt.NDArray[np.float64]
    lon: npt.NDArray[np.float64]

    def within(self, lat: float, lon: float, km: float) -> tuple[npt.NDArray[np.int64], Any]:
        """Give (positions, distances in km) of the premises within `km` of a point."""
        dlat = km / _KM_PER_DEGREE_LAT * 1.01
        widest = min(abs(lat) + dlat, 89.0)  # degrees of longitude are shortest there
        dlon = km / (_KM_PER_DEGREE_LON_EQUATOR * np.cos(np.radians(widest))) * 1.01
        box = np.flatnonzero((np.abs(self.lat - lat) <= dlat) & (np.abs(self.lon - lon) <= dlon))
        if box.size == 0:
            return box.astype(np.int64), np.empty(0)
        _, _, metres = WGS84.inv(
            np.full(box.size, lon), np.full(box.size, lat), self.lon[box], self.lat[box]
        )
        km_away = np.asarray(metres) / 1000.0
        inside = km_away <= km
        return box[inside].astype(np.int64), km_away[inside]


def load_points(conn: Connection) -> PremisesPoints:
    """Give the coordinates of every registered premises."""
    p = t.premises
    rows = conn.execute(sa.select(p.c.code, p.c.latitude, p.c.longitude).order_by(p.c.code)).all()
    return PremisesPoints(
        np.array([r[0] for r in rows], dtype="<U10"),
        np.array([r[1] for r in rows], dtype=np.float64),
        np.array([r[2] for r in rows], dtype=np.float64),
    )


def load_outbreaks(conn: Connection, outbreak_id: str | None = None) -> list[Outbreak]:
    """Give every outbreak (or one), by first report then id."""
    o = t.outbreak_reports
    query = sa.select(o)
    if outbreak_id is not None:
        query = query.where(o.c.outbreak_id == outbreak_id)
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in conn.execute(query).mappings():
        grouped[row["outbreak_id"]].append(dict(row))
    found = [outbreak_from_reports(key, rows) for key, rows in grouped.items()]
    return sorted(found, key=lambda b: (b.first_report, b.outbreak_id))
