"""The demo district's premises: farms of every size, markets, slaughterhouses and the rest.

Farm sizes follow the shape of a Chinese hog county: many family farms of 10–50 sows, some
medium farms, a few large companies of 500–3,000 sows, a few sow farms selling piglets to
finishing farms, and the conservation farm of the native breed. Other places (markets,
slaughterhouses, checkpoints, the quarantine station, the gene bank) and a few premises in
neighbouring counties and in the next province, which receive the district's pigs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from pigdata.domain import regions
from pigdata.synth import geography, names
from pigdata.synth.farms import FIN, FTF, SOW, Farms, plan_farms
from pigdata.synth.spec import STREAM_DISTRICT, DemoSpec, dec, month_calendar, stream

FARM_SERIALS = 8999  # serials 0001–8999 of a county are farms; 9xxx are other premises


@dataclass(frozen=True, slots=True)
class Site:
    """One premises of the demo, as its record will say."""

    code: str
    premises_type: str
    name: str
    township: str
    latitude: float
    longitude: float
    owner: str
    capacity_sows: int = 0
    capacity_finishing: int = 0
    opened: date | None = None

    def record(self) -> dict[str, Any]:
        """Give the premises record of this site."""
        body: dict[str, Any] = {
            "kind": "premises",
            "code": self.code,
            "premises_type": self.premises_type,
            "name": self.name,
            "township": self.township,
            "latitude": dec(self.latitude, 6),
            "longitude": dec(self.longitude, 6),
            "capacity_sows": self.capacity_sows,
            "capacity_finishing": self.capacity_finishing,
            "owner": self.owner,
        }
        if self.opened is not None:
            body["opened"] = self.opened.isoformat()
        return body


@dataclass
class District:
    """Every premises of the demo, with the farms' herd parameters beside their sites."""

    county: str
    county_name: str
    county_short: str
    sites: list[Site]  # the farms first: farm i is sites[i]
    farms: Farms
    markets: list[int]
    market_weights: npt.NDArray[np.float64]
    slaughterhouses: list[int]
    slaughter_weights: npt.NDArray[np.float64]
    external_cq: list[int]  # slaughterhouses elsewhere in the county's province
    external_sc: list[int]  # slaughterhouses in the neighbouring province
    external_farms: list[int]
    fleet: names.Fleet

    @property
    def n_farms(self) -> int:
        """Give the number of farms (the first sites)."""
        return len(self.farms.kind)


def _province_short(county: str) -> str:
    name = regions.require(county[:2] + "0000").name
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _town_name(code: str) -> str:
    return regions.require(code).name


def _town_short(code: str) -> str:
    name = _town_name(code)
    for suffix in ("街道", "镇", "乡"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _farm_name(
    rng: np.random.Generator, farms: Farms, i: int, town: str, county_name: str
) -> tuple[str, str]:
    kind, sows, short = int(farms.kind[i]), int(farms.cap_sows[i]), names.short_county(county_name)
    owner, word, town_name = names.person(rng), names.firm_word(rng), _town_name(town)
    if kind == SOW:
        return f"{county_name}{word}仔猪繁育场", owner
    if kind == FIN:
        return f"{county_name}{town_name}{word}育肥场", owner
    if kind != FTF and short == "荣昌":
        return "荣昌猪保种场", "重庆市畜牧科学院"
    if kind != FTF:
        return f"{short}地方猪保种场", f"{county_name}畜牧站"
    if bool(farms.supplier_role[i]):
        firm = f"{_province_short(town)}{word}种猪有限公司"
        return f"{firm}{_town_short(town)}种猪场", firm
    if sows >= 500:
        firm = f"{_province_short(town)}{word}农牧有限公司"
        return f"{firm}{_town_short(town)}养殖场", firm
    if sows >= 60:
        return f"{county_name}{town_name}{word}生猪养殖场", owner
    return f"{town_name}{owner}家庭农场", owner


def _farm_county(index: int, county: str, overflow: list[str]) -> tuple[str, int]:
    # Past 8,999 farms the codes of the county run out: the district spills into neighbours.
    block, serial = divmod(index, FARM_SERIALS)
    if block == 0:
        return county, serial + 1
    if block - 1 >= len(overflow):
        raise ValueError("scale too large: no county codes left for more farms")
    return overflow[block - 1], serial + 1


def _farm_sites(
    rng: np.random.Generator, spec: DemoSpec, farms: Farms, county_name: str
) -> list[Site]:
    start = month_calendar(spec)[0].first
    home = geography.towns(spec.county)
    overflow = geography.overflow_counties(spec.county) if len(farms.kind) > FARM_SERIALS else []
    town_cache: dict[str, list[geography.Place]] = {spec.county: home}
    # Streets (街道) are urban: fewer farms than towns (镇).
    weights = np.array([0.4 if _town_name(p.township).endswith("街道") else 1.0 for p in home])
    picks = rng.choice(len(home), size=len(farms.kind), p=weights / weights.sum())
    picks[: min(len(home), len(picks))] = np.arange(min(len(home), len(picks)))  # every town
    sites: list[Site] = []
    for i in range(len(farms.kind)):
        county, serial = _farm_county(i, spec.county, overflow)
        places = town_cache.setdefault(county, geography.towns(county))
        place = places[int(picks[i]) % len(places)]
        lat, lon = geography.scatter(rng, place, county)
        name, owner = _farm_name(rng, farms, i, place.township, regions.require(county).name)
        opened = start - timedelta(days=int(rng.integers(400, 7000)))
        sites.append(
            Site(
                f"{county}{serial:04d}",
                "farm",
                name,
                place.township,
                lat,
                lon,
                owner,
                int(farms.cap_sows[i]),
                int(farms.cap_fin[i]),
                opened,
            )
        )
    return sites


def _site(
    rng: np.random.Generator,
    county: str,
    serial: int,
    kind: str,
    name: str,
    owner: str,
    place: geography.Place | None = None,
) -> Site:
    places = geography.towns(county)
    where = place or places[int(rng.integers(len(places)))]
    lat, lon = geography.scatter(rng, where, county, spread=0.01)
    return Site(f"{county}{serial:04d}", kind, name, where.township, lat, lon, owner)


def _markets(rng: np.random.Generator, spec: DemoSpec, county_name: str) -> list[Site]:
    short = names.short_county(county_name)
    count = 2 if spec.scale < 0.5 else 3 + int(spec.scale // 50)
    sites = [
        _site(
            rng,
            spec.county,
            9001,
            "market",
            f"重庆（{short}）生猪交易市场" if spec.county[:2] == "50" else f"{short}生猪交易市场",
            f"{short}{names.firm_word(rng)}市场管理有限公司",
        )
    ]
    for i in range(1, count):
        place = geography.towns(spec.county)[int(rng.integers(len(geography.towns(spec.county))))]
        sites.append(
            _site(
                rng,
                spec.county,
                9001 + i,
                "market",
                f"{county_name}{_town_name(place.township)}生猪交易市场",
                names.person(rng),
                place,
            )
        )
    return sites


def _slaughterhouses(rng: np.random.Generator, spec: DemoSpec, county_name: str) -> list[Site]:
    short, province = names.short_county(county_name), _province_short(spec.county)
    count = 3 if spec.scale < 0.5 else 4 + int(spec.scale // 25)
    sites: list[Site] = []
    for i in range(count):
        word = names.firm_word(rng)
        firm = (
            f"{province}{word}食品有限公司"
            if i % 2 == 0
            else f"{county_name}{word}肉类加工有限公司"
        )
        name = f"{firm}{short}屠宰场" if i % 2 == 0 else firm
        sites.append(_site(rng, spec.county, 9101 + i, "slaughterhouse", name, firm))
    return sites


def _official_sites(rng: np.random.Generator, spec: DemoSpec, county_name: str) -> list[Site]:
    short = names.short_county(county_name)
    authority = f"{county_name}农业农村委员会"
    places = geography.towns(spec.county)
    west = sorted(places, key=lambda p: p.longitude)  # the checkpoints face Sichuan
    sites = [
        _site(
            rng,
            spec.county,
            9201 + i,
            "checkpoint",
            f"{county_name}{_town_short(p.township)}动物卫生监督检查站",
            authority,
            p,
        )
        for i, p in enumerate(west[: 1 if spec.scale < 0.5 else 2])
    ]
    sites.append(
        _site(
            rng,
            spec.county,
            9301,
            "quarantine_station",
            f"{county_name}动物检疫站",
            authority,
            places[0],
        )
    )
    bank_owner = "重庆市畜牧科学院" if short == "荣昌" else f"{county_name}畜牧站"
    sites.append(
        _site(
            rng,
            spec.county,
            9401,
            "gene_bank",
            f"{short}猪遗传资源基因库",
            bank_owner,
            places[min(1, len(places) - 1)],
        )
    )
    return sites


def _external_sites(rng: np.random.Generator, spec: DemoSpec) -> list[Site]:
    sites: list[Site] = []
    for i, (county, role) in enumerate(geography.neighbours(spec.county)):
        county_name = regions.require(county).name
        word = names.firm_word(rng)
        if role == "slaughterhouse":
            firm = f"{county_name}{word}食品有限公司"
            sites.append(_site(rng, county, 9501 + i, "slaughterhouse", firm, firm))
        else:
            site = _site(rng, county, 9501 + i, "farm", "x", names.person(rng))
            name = f"{county_name}{_town_name(site.township)}{word}生猪育肥场"
            sites.append(
                Site(
                    site.code,
                    "farm",
                    name,
                    site.township,
                    site.latitude,
                    site.longitude,
                    site.owner,
                    0,
                    5000,
                )
            )
    return sites


def build_district(spec: DemoSpec) -> District:
    """Give the demo's district: every premises, and the farms' herd parameters."""
    rng = stream(spec.seed, STREAM_DISTRICT)
    county_name = regions.require(spec.county).name
    external = _external_sites(rng, spec)
    farms = plan_farms(rng, spec)
    sites = _farm_sites(rng, spec, farms, county_name)
    markets, houses = _markets(rng, spec, county_name), _slaughterhouses(rng, spec, county_name)
    first_market = len(sites)
    sites += markets + houses + _official_sites(rng, spec, county_name)
    first_external = len(sites)
    sites += external
    ext_idx = range(first_external, len(sites))
    ext_farms = [i for i in ext_idx if sites[i].premises_type == "farm"]
    sow_farms = np.flatnonzero(farms.kind == SOW)
    if ext_farms:
        # Each sow farm sells part of its piglets out of the county, alternating destinations.
        farms.piglet_external[sow_farms] = np.array(ext_farms)[
            np.arange(len(sow_farms)) % len(ext_farms)
        ]
    house_start = first_market + len(markets)
    market_w = np.array([3.0] + [1.0] * (len(markets) - 1))
    house_w = np.array([2.0] + [1.0] * (len(houses) - 1))
    ext_houses = [i for i in ext_idx if sites[i].premises_type == "slaughterhouse"]
    return District(
        county=spec.county,
        county_name=county_name,
        county_short=names.short_county(county_name),
        sites=sites,
        farms=farms,
        markets=list(range(first_market, house_start)),
        market_weights=market_w / market_w.sum(),
        slaughterhouses=list(range(house_start, house_start + len(houses))),
        slaughter_weights=house_w / house_w.sum(),
        external_cq=[i for i in ext_houses if sites[i].code[:2] == spec.county[:2]],
        external_sc=[i for i in ext_houses if sites[i].code[:2] != spec.county[:2]],
        external_farms=ext_farms,
        fleet=names.fleet(rng, max(12, round(120 * spec.scale)), names.short_county(county_name)),
    )
