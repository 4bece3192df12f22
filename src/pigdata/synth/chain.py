"""One month of the chain after the farm: movements, market trades and slaughter.

Every pig a farm reports as sold for slaughter leaves it in a truck under a certificate:
straight to a slaughterhouse of the district, through a live-hog market (where it is traded
and then trucked to its buyer), or to a slaughterhouse elsewhere in the province (type B)
or in the next province (type A). Piglets go from sow farms to finishing farms and out of
the county; breeding gilts and boars from breeding farms to their buyers. Slaughterhouses
report each day what arrived, with the ear tags of the traced pigs among them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from pigdata.synth.district import District
from pigdata.synth.draws import Draws, Weighted
from pigdata.synth.herds import MonthFlows
from pigdata.synth.prices import PriceBook
from pigdata.synth.spec import Month, dec
from pigdata.synth.traced import MARKET, TracedPlan, traced_tag

LOCAL, VIA_MARKET, OUT_PROVINCE_SAME, OUT_PROVINCE_OTHER = range(4)
ROUTE_WEIGHTS = (0.55, 0.30, 0.10, 0.05)
TRUCK_HEAD = (80, 200)  # finishing pigs per truck
MARKET_TRUCK_HEAD = 250
PIGLET_TRUCK_HEAD = (150, 350)
LOCAL_BUYER = 0.7  # share of market lots bought by the district's slaughterhouses
MARKET_LOTS_PER_DAY = (2.5, 0.8)  # other sellers' lots a day: the main market, the others


class CertificateBook:
    """Unique demo certificate numbers: 11 digits, the issuing province, then a serial.

    The serial is scrambled by an affine map that is one-to-one on 0 … 10⁹ − 1, so numbers
    look random but never repeat. (movement_rows uses 12 digits, so the two never collide.)
    """

    _MULTIPLIER = 387_420_489  # 3**18, coprime to 10**9
    _MODULUS = 1_000_000_000

    def __init__(self, seed: int) -> None:
        self.count = 0
        self.shift = (seed * 7919) % self._MODULUS

    def issue(self, origin: str) -> str:
        """Give the next certificate number for a move starting at a premises."""
        serial = (self._MULTIPLIER * self.count + self.shift) % self._MODULUS
        self.count += 1
        return f"{origin[:2]}{serial:09d}"


@dataclass
class _Load:
    head: int = 0
    live_kg: float = 0.0
    tags: list[str] = field(default_factory=list)


@dataclass
class _Month:
    first: int
    last: int
    arrivals: dict[tuple[int, int], _Load] = field(default_factory=lambda: defaultdict(_Load))
    leaving_markets: dict[tuple[int, int, int], _Load] = field(
        default_factory=lambda: defaultdict(_Load)
    )
    trades: list[tuple[int, int, int, float, float, int, int]] = field(default_factory=list)


def _split(total: int, parts: int) -> list[int]:
    q, r = divmod(total, parts)
    return [q + (1 if i < r else 0) for i in range(parts)]


class Chain:
    """Turns each month's herd flows and traced pigs into movement, trade and slaughter records."""

    def __init__(
        self,
        district: District,
        plan: TracedPlan,
        prices: PriceBook,
        rng: np.random.Generator,
        seed: int,
        last_day: date,
        scale: float,
    ) -> None:
        self.district, self.plan, self.prices, self.rng = district, plan, prices, rng
        self.scale = scale
        self.draws = Draws(rng)
        self.codes = [site.code for site in district.sites]
        self.certificates = CertificateBook(seed)
        self.last_day = last_day.toordinal()
        self.market_pick = Weighted(district.market_weights.tolist())
        self.house_pick = Weighted(district.slaughter_weights.tolist())
        weights = list(ROUTE_WEIGHTS)
        if not district.external_cq:
            weights[OUT_PROVINCE_SAME] = 0.0
        if not district.external_sc:
            weights[OUT_PROVINCE_OTHER] = 0.0
        self.route_pick = Weighted(weights)
        self.market_index = {site: j + 1 for j, site in enumerate(district.markets)}
        self._iso: dict[int, str] = {}

    def iso(self, day: int) -> str:
        """Give a date ordinal as YYYY-MM-DD."""
        text = self._iso.get(day)
        if text is None:
            text = self._iso[day] = date.fromordinal(day).isoformat()
        return text

    def _day(self, month: _Month) -> int:
        return month.first + self.draws.below(month.last - month.first + 1)

    def _vehicle(self, origin: str, destination: str) -> int:
        fleet = self.district.fleet
        if origin[:2] != destination[:2] and fleet.sichuan and self.draws.uniform() < 0.5:
            return fleet.sichuan[self.draws.below(len(fleet.sichuan))]
        return self.draws.below(len(fleet.plates))

    def movement(
        self, origin: int, destination: int, day: int, head: int, tags: list[str], purpose: str
    ) -> dict[str, Any]:
        """Give the movement record of one truck."""
        o, d = self.codes[origin], self.codes[destination]
        truck = self._vehicle(o, d)
        return {
            "kind": "movement",
            "certificate_no": self.certificates.issue(o),
            "certificate_type": "B" if o[:2] == d[:2] else "A",
            "issue_date": self.iso(day),
            "origin": o,
            "destination": d,
            "head_count": head,
            "ear_tags": tags,
            "purpose": purpose,
            "vehicle_plate": self.district.fleet.plates[truck],
            "carrier": self.district.fleet.carriers[truck],
        }

    def records(self, month: Month, flows: MonthFlows) -> Iterator[dict[str, Any]]:
        """Give the month's movements, then its trades, then its slaughter records."""
        last = min(month.last.toordinal(), self.last_day)
        state = _Month(month.first.toordinal(), last)
        if last < state.first:
            return
        yield from self._piglets(state, month, flows)
        yield from self._breeding(state, flows)
        yield from self._finishers(state, month, flows)
        yield from self._from_markets(state)
        yield from self._trades(state)
        yield from self._slaughter(state)

    def _piglets(self, state: _Month, month: Month, flows: MonthFlows) -> Iterator[dict[str, Any]]:
        traced: dict[tuple[int, int], list[str]] = defaultdict(list)
        for i in self.plan.as_piglets(month.index).tolist():
            key = (int(self.plan.birth_farm[i]), int(self.plan.ship_farm[i]))
            traced[key].append(traced_tag(self.district, self.plan, i))
        for source, destination, head in flows.piglet_moves:
            tags = traced.get((source, destination), [])
            trucks = -(-head // int(self.draws.between(*PIGLET_TRUCK_HEAD)))
            for load in _split(head, trucks):
                taken, tags = tags[:load], tags[load:]
                yield self.movement(
                    source, destination, self._day(state), load, taken, "piglet_rearing"
                )

    def _breeding(self, state: _Month, flows: MonthFlows) -> Iterator[dict[str, Any]]:
        for supplier, buyer, head in flows.breeding_moves:
            yield self.movement(supplier, buyer, self._day(state), head, [], "breeding")

    def _traced_lots(self, month: Month) -> dict[int, dict[tuple[int, int], list[str]]]:
        by_farm: dict[int, dict[tuple[int, int], list[str]]] = defaultdict(dict)
        for i in self.plan.shipping(month.index).tolist():
            route = VIA_MARKET if int(self.plan.route[i]) == MARKET else LOCAL
            key = (min(int(self.plan.ship[i]), self.last_day), route)
            by_farm[int(self.plan.ship_farm[i])].setdefault(key, []).append(
                traced_tag(self.district, self.plan, i)
            )
        return by_farm

    def _farm_lots(
        self, state: _Month, sold: int, traced: dict[tuple[int, int], list[str]]
    ) -> list[tuple[int, int, int, list[str]]]:
        """Give a farm's trucks to slaughter this month: (day, route, head, traced tags)."""
        groups = list(traced.items())
        tagged = sum(len(tags) for _, tags in groups)
        if tagged > sold:  # cannot happen while the herd makes room; keep the records valid
            groups, tagged = [], 0
        trucks = -(-sold // int(self.draws.between(*TRUCK_HEAD)))
        plain = min(max(0, trucks - len(groups)), sold - tagged)
        heads = _split(sold - tagged - plain, len(groups) + plain) if groups or plain else []
        lots = [
            (day, route, heads[j] + len(tags), tags)
            for j, ((day, route), tags) in enumerate(groups)
        ]
        for j in range(plain):
            route = self.route_pick.pick(self.draws)
            lots.append((self._day(state), route, heads[len(groups) + j] + 1, []))
        return lots

    def _finishers(
        self, state: _Month, month: Month, flows: MonthFlows
    ) -> Iterator[dict[str, Any]]:
        traced = self._traced_lots(month)
        sold = flows.report["sold_for_slaughter"]
        for farm in np.flatnonzero(sold > 0).tolist():
            for day, route, head, tags in self._farm_lots(
                state, int(sold[farm]), traced.get(farm, {})
            ):
                yield self._ship(state, farm, day, route, head, tags)

    def _ship(
        self, state: _Month, farm: int, day: int, route: int, head: int, tags: list[str]
    ) -> dict[str, Any]:
        weight = self.draws.normal(118.0, 4.0, 105.0, 130.0)
        district = self.district
        if route == LOCAL:
            house = district.slaughterhouses[self.house_pick.pick(self.draws)]
            load = state.arrivals[(house, day)]
            load.head, load.live_kg = load.head + head, load.live_kg + head * weight
            load.tags.extend(tags)
            return self.movement(farm, house, day, head, tags, "slaughter")
        if route in (OUT_PROVINCE_SAME, OUT_PROVINCE_OTHER):
            houses = district.external_cq if route == OUT_PROVINCE_SAME else district.external_sc
            return self.movement(
                farm, houses[self.draws.below(len(houses))], day, head, tags, "slaughter"
            )
        market = district.markets[self.market_pick.pick(self.draws)]
        buyer = self._buyer(local_only=bool(tags))
        price = self.prices.price("live_hog", date.fromordinal(day), self.market_index[market])
        price *= self.draws.normal(1.0, 0.01, 0.96, 1.04)
        state.trades.append((day, market, head, weight, price, farm, buyer))
        load = state.leaving_markets[(market, day, buyer)]
        load.head, load.live_kg = load.head + head, load.live_kg + head * weight
        load.tags.extend(tags)
        return self.movement(farm, market, day, head, tags, "slaughter")

    def _buyer(self, local_only: bool) -> int:
        district = self.district
        outside = district.external_cq + district.external_sc
        if local_only or not outside or self.draws.uniform() < LOCAL_BUYER:
            return district.slaughterhouses[self.house_pick.pick(self.draws)]
        return outside[self.draws.below(len(outside))]

    def _from_markets(self, state: _Month) -> Iterator[dict[str, Any]]:
        local = set(self.district.slaughterhouses)
        for (market, day, buyer), load in sorted(
            state.leaving_markets.items(), key=lambda kv: kv[0]
        ):
            tags = load.tags
            for head in _split(load.head, -(-load.head // MARKET_TRUCK_HEAD)):
                taken, tags = tags[:head], tags[head:]
                yield self.movement(market, buyer, day, head, taken, "slaughter")
            if buyer in local:
                arrival = state.arrivals[(buyer, day)]
                arrival.head += load.head
                arrival.live_kg += load.live_kg
                arrival.tags.extend(load.tags)

    def _other_sellers(self, state: _Month) -> list[tuple[int, int, int, float, float, int, int]]:
        # Lots of sellers from elsewhere, traded at the markets without a move in the district.
        markets = self.district.markets
        days = state.last - state.first + 1
        rate = np.array([MARKET_LOTS_PER_DAY[0 if j == 0 else 1] for j in range(len(markets))])
        counts = self.rng.poisson(rate[None, :] * self.scale, (days, len(markets)))
        lots = []
        for d, j in zip(*np.nonzero(counts), strict=True):
            day = state.first + int(d)
            for _ in range(int(counts[d, j])):
                head = 20 + self.draws.below(180)
                weight = self.draws.normal(117.0, 4.0, 105.0, 130.0)
                price = self.prices.price("live_hog", date.fromordinal(day), int(j) + 1)
                price *= self.draws.normal(1.0, 0.012, 0.95, 1.05)
                lots.append((day, markets[int(j)], head, weight, price, -1, -1))
        return lots

    def _trades(self, state: _Month) -> Iterator[dict[str, Any]]:
        lots = sorted(state.trades + self._other_sellers(state), key=lambda t: (t[0], t[1]))
        for day, market, head, weight, price, seller, buyer in lots:
            body: dict[str, Any] = {
                "kind": "trade",
                "market": self.codes[market],
                "date": self.iso(day),
                "head_count": head,
                "avg_weight_kg": dec(weight, 1),
                "avg_price": dec(price, 2),
            }
            if seller >= 0:
                body["seller"] = self.codes[seller]
                body["buyer"] = self.codes[buyer]
            yield body

    def _slaughter(self, state: _Month) -> Iterator[dict[str, Any]]:
        for (house, day), load in sorted(
            state.arrivals.items(), key=lambda kv: (kv[0][1], kv[0][0])
        ):
            dressing = self.draws.normal(0.75, 0.005, 0.74, 0.76)
            yield {
                "kind": "slaughter",
                "slaughterhouse": self.codes[house],
                "date": self.iso(day),
                "head_count": load.head,
                "ear_tags": load.tags,
                "carcass_weight_kg": dec(load.live_kg * dressing, 1),
            }
