"""Where the demo's places lie: real division codes, approximate coordinates, neighbours.

Codes come from `pigdata.domain.regions` (the shipped division table), never invented.
Coordinates are approximate centres, good to a few kilometres, for maps and zone radii.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pigdata.domain import regions

RONGCHANG = "500153"

# Approximate centres (lat, lon) of Rongchang's 21 towns and streets, inside the district
# (about 29.25–29.65 N, 105.3–105.7 E).
RONGCHANG_TOWNS: dict[str, tuple[float, float]] = {
    "500153001": (29.405, 105.595),  # 昌元街道
    "500153002": (29.420, 105.570),  # 昌州街道
    "500153003": (29.440, 105.635),  # 广顺街道
    "500153004": (29.370, 105.640),  # 双河街道
    "500153005": (29.380, 105.500),  # 安富街道
    "500153006": (29.460, 105.550),  # 峰高街道
    "500153100": (29.470, 105.660),  # 荣隆镇
    "500153101": (29.300, 105.620),  # 仁义镇
    "500153102": (29.530, 105.650),  # 盘龙镇
    "500153103": (29.560, 105.520),  # 吴家镇
    "500153104": (29.520, 105.580),  # 直升镇
    "500153105": (29.330, 105.550),  # 万灵镇
    "500153106": (29.490, 105.430),  # 清升镇
    "500153107": (29.360, 105.420),  # 清江镇
    "500153108": (29.580, 105.560),  # 古昌镇
    "500153109": (29.600, 105.620),  # 河包镇
    "500153110": (29.420, 105.680),  # 观胜镇
    "500153111": (29.550, 105.450),  # 铜鼓镇
    "500153112": (29.300, 105.500),  # 清流镇
    "500153113": (29.280, 105.580),  # 远觉镇
    "500153114": (29.620, 105.520),  # 龙集镇
}
RONGCHANG_BOX = ((29.25, 29.65), (105.30, 105.70))

# Approximate centres of counties the demo uses outside Rongchang.
COUNTY_CENTRES: dict[str, tuple[float, float]] = {
    "500153": (29.41, 105.59),  # 荣昌区
    "500111": (29.70, 105.72),  # 大足区
    "500118": (29.36, 105.93),  # 永川区
    "500107": (29.50, 106.48),  # 九龙坡区
    "511083": (29.34, 105.29),  # 隆昌市
    "510521": (29.15, 105.38),  # 泸县
    "511011": (29.59, 105.07),  # 内江市东兴区
}
PROVINCE_CENTRES: dict[str, tuple[float, float]] = {
    "50": (29.60, 106.50),
    "51": (30.60, 104.10),
    "52": (26.60, 106.70),
    "53": (25.00, 102.70),
    "42": (30.60, 114.30),
    "43": (28.20, 112.90),
}
_FALLBACK_CENTRE = (31.0, 112.0)

# Real neighbours of Rongchang that receive its pigs: (county, role), Chongqing then Sichuan.
RONGCHANG_NEIGHBOURS: tuple[tuple[str, str], ...] = (
    ("500111", "slaughterhouse"),
    ("500107", "slaughterhouse"),
    ("500118", "farm"),
    ("511083", "slaughterhouse"),
    ("511011", "slaughterhouse"),
    ("510521", "farm"),
)


@dataclass(frozen=True, slots=True)
class Place:
    """A township with the approximate centre that premises in it are scattered around."""

    township: str
    latitude: float
    longitude: float


def county_centre(county: str) -> tuple[float, float]:
    """Give an approximate centre of a county: known, else its province's centre."""
    return COUNTY_CENTRES.get(county) or PROVINCE_CENTRES.get(county[:2], _FALLBACK_CENTRE)


def towns(county: str) -> list[Place]:
    """Give every township of a county with an approximate centre."""
    kids = [d for d in regions.children(county) if d.level is regions.Level.TOWNSHIP]
    if not kids:
        raise ValueError(f"county {county} has no townships in the division table")
    lat0, lon0 = county_centre(county)
    places: list[Place] = []
    for i, kid in enumerate(kids):
        if kid.code in RONGCHANG_TOWNS:
            lat, lon = RONGCHANG_TOWNS[kid.code]
        else:
            # Spread unknown towns on a small spiral around the county centre.
            angle, radius = 2.4 * i, 0.03 + 0.012 * (i % 7)
            lat, lon = lat0 + radius * np.sin(angle), lon0 + radius * np.cos(angle)
        places.append(Place(kid.code, float(lat), float(lon)))
    return places


def scatter(
    rng: np.random.Generator, place: Place, county: str, spread: float = 0.025
) -> tuple[float, float]:
    """Give a point near a town's centre; inside Rongchang's box when the county is Rongchang."""
    lat = place.latitude + float(rng.uniform(-spread, spread))
    lon = place.longitude + float(rng.uniform(-spread, spread))
    if county == RONGCHANG:
        (la0, la1), (lo0, lo1) = RONGCHANG_BOX
        lat, lon = min(max(lat, la0 + 0.002), la1 - 0.002), min(max(lon, lo0 + 0.002), lo1 - 0.002)
    return lat, lon


def _counties_of_province(province: str) -> list[str]:
    found = [
        d.code
        for d in regions.divisions()
        if d.code.startswith(province) and len(d.code) == 6 and regions.is_county(d.code)
    ]
    return [c for c in sorted(found) if regions.children(c)]


def neighbours(county: str) -> tuple[tuple[str, str], ...]:
    """Give (county, role) of the places outside the county that receive its pigs.

    Rongchang's are its real neighbours; for another county, three counties of its own
    province and three of a neighbouring one (Chongqing and Sichuan for each other).
    """
    if county == RONGCHANG:
        return RONGCHANG_NEIGHBOURS
    province = county[:2]
    other = "51" if province == "50" else "50"
    own = [c for c in _counties_of_province(province) if c != county][:3]
    far = _counties_of_province(other)[:3]
    roles = ("slaughterhouse", "slaughterhouse", "farm")
    return tuple(zip(own + far, roles[: len(own)] + roles[: len(far)], strict=True))


def overflow_counties(county: str) -> list[str]:
    """Give the counties that take a very large demo's farms once the county's codes run out."""
    province = county[:2]
    return [c for c in _counties_of_province(province) if c != county]
