"""Benchmark files of each record kind, with the premises they need registered first.

For each kind `write_kind(kind, path, n)` writes a CSV of n records (English headers, a kind
column) and gives the premises records the store must hold before the file is ingested.
Everything is drawn from fixed seeds, so a size gives the same file on every run:

    movement      the demo district's movements among its premises (pigdata.synth)
    herd_report   farms x months, 24 months of 2023-2024, each farm's report once a month
    premises      farms (about 96 %), markets, slaughterhouses and official sites, in real
                  counties (2,000 a county, Chongqing and Sichuan first), real townships
    trade         lots at registered markets, sold between registered farms, priced off
                  the national live-hog series (pigdata.synth.prices)
    slaughter     daily lots at registered slaughterhouses; one in ten names a few ear tags
    price_quote   weekly quotes of the six items at markets, slaughterhouses, counties and
                  townships, following the national series (pigdata.synth.prices)
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from pigdata.domain import regions
from pigdata.domain.records import HERD_COUNTS
from pigdata.synth import DemoSpec, demo_premises, geography, movement_rows, names, write_csv
from pigdata.synth.prices import PriceBook
from pigdata.synth.spec import dec, month_calendar

KINDS = ("movement", "herd_report", "premises", "trade", "slaughter", "price_quote")
LABELS = {
    "movement": "movements",
    "herd_report": "herd reports",
    "premises": "premises",
    "trade": "trades",
    "slaughter": "slaughter records",
    "price_quote": "price quotes",
}
START, END = date(2023, 1, 1), date(2024, 12, 31)
MONTHS = month_calendar(DemoSpec(start_month="2023-01", months=24))
PER_COUNTY = 2_000  # premises codes used in a county before the next county's
OTHER_SERIAL = 9_001  # a county's non-farm premises take serials from here, as in the demo
PREMISES_MIX = {
    "farm": 0.96,
    "market": 0.01,
    "slaughterhouse": 0.02,
    "checkpoint": 0.005,
    "quarantine_station": 0.004,
    "gene_bank": 0.001,
}
_NAME_ENDINGS = {
    "farm": "养殖场",
    "market": "生猪交易市场",
    "slaughterhouse": "肉类加工有限公司",
    "checkpoint": "动物卫生监督检查站",
    "quarantine_station": "动物隔离场",
    "gene_bank": "地方猪种保种场",
}


def _counties() -> list[str]:
    """Give the counties that have townships, Chongqing's and Sichuan's first."""
    found = {d.code[:6] for d in regions.divisions(regions.Level.TOWNSHIP)}
    counties = sorted(c for c in found if regions.is_county(c))
    return sorted(counties, key=lambda c: c[:2] not in ("50", "51"))


class _Codes:
    """Hands out premises codes county by county: farms 0001 up, other premises 9001 up."""

    def __init__(self) -> None:
        self._counties = iter(_counties())
        self._next_county()

    def _next_county(self) -> None:
        self.county = next(self._counties)
        self.towns = [p for p in geography.towns(self.county) if p.township[:6] == self.county]
        self.used, self.farms, self.others = 0, 0, 0

    def take(self, premises_type: str) -> tuple[str, int]:
        """Give a free code for premises of this type, and its number within its county."""
        if self.used == PER_COUNTY or OTHER_SERIAL + self.others > 9999:
            self._next_county()
        self.used += 1
        if premises_type == "farm":
            self.farms += 1
            return f"{self.county}{self.farms:04d}", self.used
        self.others += 1
        return f"{self.county}{OTHER_SERIAL + self.others - 1:04d}", self.used


def premises_records(types: Sequence[str], *, seed: int) -> Iterator[dict[str, Any]]:
    """Give one premises record for each type named, in real counties and townships."""
    rng = np.random.default_rng(seed)
    codes = _Codes()
    for premises_type in types:
        code, number = codes.take(premises_type)
        place = codes.towns[number % len(codes.towns)]
        lat, lon = geography.scatter(rng, place, codes.county)
        town = regions.require(place.township).name
        record: dict[str, Any] = {
            "kind": "premises",
            "code": code,
            "premises_type": premises_type,
            "name": f"{town}{names.firm_word(rng)}{_NAME_ENDINGS[premises_type]}",
            "township": place.township,
            "latitude": dec(lat, 6),
            "longitude": dec(lon, 6),
            "owner": names.person(rng),
        }
        if premises_type == "farm":
            sows = int(math.exp(rng.uniform(math.log(10), math.log(3_000))))
            record["capacity_sows"] = sows
            record["capacity_finishing"] = sows * int(rng.integers(6, 12))
        yield record


def _mixed_types(n: int, seed: int) -> list[str]:
    kinds = list(PREMISES_MIX)
    picks = np.random.default_rng(seed).choice(len(kinds), size=n, p=list(PREMISES_MIX.values()))
    return [kinds[i] for i in picks.tolist()]


def _interleaved(counts: dict[str, int], seed: int) -> list[str]:
    """Give the types in a random order, so that each type spreads over the counties."""
    types = [t for t, count in counts.items() for _ in range(count)]
    order = np.random.default_rng(seed).permutation(len(types))
    return [types[i] for i in order.tolist()]


def _days(rng: np.random.Generator, n: int) -> list[str]:
    """Give n days of 2023-2024 in date order, as files of daily records come."""
    offsets = np.sort(rng.integers(0, (END - START).days + 1, size=n))
    return [(START + timedelta(days=int(d))).isoformat() for d in offsets.tolist()]


def herd_report_records(farms: Sequence[str], n: int, *, seed: int) -> Iterator[dict[str, Any]]:
    """Give n monthly reports: every farm's report of a month, month after month."""
    rng = np.random.default_rng(seed)
    size = len(farms)
    sows = np.exp(rng.uniform(math.log(20), math.log(2_000), size))
    for k in range(n):
        month, farm = divmod(k, size)
        if farm == 0:
            values = _herd_month(rng, sows)
        body: dict[str, Any] = {"kind": "herd_report", "premises": farms[farm]}
        body["month"] = MONTHS[month].key
        body.update(zip(HERD_COUNTS, values[farm][:-1], strict=True))
        body["feed_used_kg"] = values[farm][-1]
        yield body


def _herd_month(rng: np.random.Generator, sows: np.ndarray) -> list[list[Any]]:
    """Give each farm's counts for one month (a farrow-to-finish herd), then its feed."""
    size = len(sows)

    def around(mean: np.ndarray, spread: float = 0.05) -> np.ndarray:
        return np.maximum(0, np.rint(mean * rng.normal(1.0, spread, size))).astype(int)

    s = around(sows, 0.02)
    farrowings = around(s * 0.19)
    born = around(farrowings * 11.5)
    columns = {
        "breeding_sows": s,
        "replacement_gilts": around(s * 0.15),
        "boars": np.maximum(1, s // 25),
        "piglets": around(s * 2.2),
        "finishers": around(s * 9.0),
        "matings": around(s * 0.21),
        "farrowings": farrowings,
        "born_alive": born,
        "weaned": around(born * 0.9, 0.02),
        "deaths": around(born * 0.08 + s * 0.05, 0.3),
        "sold_for_slaughter": around(s * 1.7),
        "moved_in": rng.binomial(1, 0.1, size) * around(s * 0.1),
        "moved_out": rng.binomial(1, 0.1, size) * around(s * 0.3),
    }
    feed = (columns["finishers"] * 2.4 + s * 3.0) * 30 * rng.normal(1.0, 0.03, size)
    rows = [list(map(int, row)) for row in zip(*(columns[c] for c in HERD_COUNTS), strict=True)]
    return [[*row, dec(float(kg), 1)] for row, kg in zip(rows, feed.tolist(), strict=True)]


def _prices(locations: list[str], seed: int) -> PriceBook:
    return PriceBook(np.random.default_rng(seed), START, len(MONTHS), END, locations)


def trade_records(
    markets: Sequence[str], farms: Sequence[str], n: int, *, seed: int
) -> Iterator[dict[str, Any]]:
    """Give n lots at the markets, most between two farms, at about the local hog price."""
    rng = np.random.default_rng(seed)
    book = _prices(list(markets), seed)
    at = rng.integers(0, len(markets), n).tolist()
    head = np.clip(np.rint(rng.lognormal(math.log(18), 0.9, n)), 1, 2_000).astype(int).tolist()
    weight = rng.normal(118.0, 8.0, n).tolist()
    noise = rng.normal(1.0, 0.02, n).tolist()
    sellers = rng.integers(0, len(farms), n).tolist()
    buyers = ((np.array(sellers) + rng.integers(1, len(farms), n)) % len(farms)).tolist()
    named = (rng.random(n) < 0.8).tolist()
    for i, day in enumerate(_days(rng, n)):
        price = book.price("live_hog", date.fromisoformat(day), at[i]) * noise[i]
        body: dict[str, Any] = {
            "kind": "trade",
            "market": markets[at[i]],
            "date": day,
            "head_count": head[i],
            "avg_weight_kg": dec(weight[i], 1),
            "avg_price": dec(price, 2),
        }
        if named[i]:
            body["seller"], body["buyer"] = farms[sellers[i]], farms[buyers[i]]
        yield body


def slaughter_records(houses: Sequence[str], n: int, *, seed: int) -> Iterator[dict[str, Any]]:
    """Give n daily lots at the slaughterhouses; one in ten lists one to three ear tags."""
    rng = np.random.default_rng(seed)
    at = rng.integers(0, len(houses), n).tolist()
    head = np.clip(np.rint(rng.lognormal(math.log(60), 0.8, n)), 1, 5_000).astype(int).tolist()
    carcass = rng.normal(88.0, 4.0, n).tolist()
    tagged = rng.integers(1, 4, n).tolist()
    serial = 90_000_000  # away from the demo's animals, as the movement files' tags are
    for i, day in enumerate(_days(rng, n)):
        tags: list[str] = []
        if i % 10 == 0:
            count = min(tagged[i], head[i])
            tags = [f"1500153{serial + j:08d}" for j in range(count)]
            serial += count
        yield {
            "kind": "slaughter",
            "slaughterhouse": houses[at[i]],
            "date": day,
            "head_count": head[i],
            "ear_tags": tags,
            "carcass_weight_kg": dec(head[i] * carcass[i], 1),
        }


def price_quote_records(locations: list[str], n: int, *, seed: int) -> Iterator[dict[str, Any]]:
    """Give the first n weekly quotes of every location and item; a division's feed prices
    are in yuan/tonne, as statistical offices give them."""
    book = _prices(locations, seed)
    done = 0
    for month in MONTHS:
        for quote in book.quotes(month):
            if len(quote["location"]) < 10 and quote["item"] in ("corn", "soybean_meal"):
                quote["price"] = dec(float(quote["price"]) * 1000, 1)
                quote["unit"] = "yuan/tonne"
            yield quote
            done += 1
            if done == n:
                return
    raise ValueError(f"{len(locations)} locations give fewer than {n} quotes")


def _division_points(count: int) -> list[str]:
    """Give real counties, each with a few of its townships, to quote prices for."""
    picks: list[str] = []
    for county in _counties():
        if len(picks) >= count:
            return picks[:count]
        picks += [county, *(p.township for p in geography.towns(county)[:4])]
    raise ValueError(f"only {len(picks)} division points for {count}")


def write_kind(kind: str, path: Path, n: int) -> list[dict[str, Any]]:
    """Write a CSV of n records of a kind; give the premises to register before it."""
    if kind == "movement":
        premises = demo_premises(DemoSpec())
        farms = [p["code"] for p in premises if p["premises_type"] == "farm"]
        sinks = [p["code"] for p in premises if p["premises_type"] in ("market", "slaughterhouse")]
        rows = movement_rows(
            n, seed=1, origin_codes=farms, destination_codes=sinks, start=START, end=END
        )
        write_csv(path, rows)
        return premises
    if kind == "premises":
        write_csv(path, premises_records(_mixed_types(n, seed=3), seed=3))
        return []
    if kind == "herd_report":
        premises = list(premises_records(["farm"] * -(-n // len(MONTHS)), seed=4))
        write_csv(path, herd_report_records([p["code"] for p in premises], n, seed=4))
        return premises
    if kind == "trade":
        counts = {"market": max(3, n // 20_000), "farm": max(50, min(n // 10, 5_000))}
        premises = list(premises_records(_interleaved(counts, seed=5), seed=5))
        markets, farms = _codes_of(premises, "market"), _codes_of(premises, "farm")
        write_csv(path, trade_records(markets, farms, n, seed=5))
        return premises
    if kind == "slaughter":
        houses = max(8, n // 10_000)
        premises = list(premises_records(["slaughterhouse"] * houses, seed=6))
        write_csv(path, slaughter_records(_codes_of(premises, "slaughterhouse"), n, seed=6))
        return premises
    if kind == "price_quote":
        weeks = (END - START).days // 7
        points = max(2, -(-n // (weeks * 6)))
        sites = _interleaved({"market": points // 4, "slaughterhouse": points // 4}, seed=7)
        premises = list(premises_records(sites, seed=7))
        locations = [p["code"] for p in premises] + _division_points(points - len(premises))
        locations.sort(key=lambda code: (code[:6], len(code), code))
        write_csv(path, price_quote_records(locations, n, seed=7))
        return premises
    raise ValueError(f"unknown kind {kind!r}; choose one of {', '.join(KINDS)}")


def _codes_of(premises: list[dict[str, Any]], premises_type: str) -> list[str]:
    return [p["code"] for p in premises if p["premises_type"] == premises_type]
