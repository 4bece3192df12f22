"""The demo: every record of a synthetic district, streamed in an order the store accepts.

Premises first, then animals (breeding stock, then traced market pigs), the conservation
herd's herdbook (pedigree and performance records), then month by month: herd reports,
movements, trades, slaughter records and weekly price quotes; last, the reports of an
outbreak confirmed at the end.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from pigdata.synth.animals import build_registry, registry_records
from pigdata.synth.chain import Chain
from pigdata.synth.district import District, build_district
from pigdata.synth.farms import CONSERVATION, SOW
from pigdata.synth.herdbook import STREAM_HERDBOOK, herdbook_records
from pigdata.synth.herds import REPORT_FIELDS, HerdSimulator, MonthFlows, Needs, sow_drift
from pigdata.synth.outbreaks import demo_outbreak_records
from pigdata.synth.prices import PriceBook
from pigdata.synth.spec import (
    STREAM_ANIMALS,
    STREAM_CHAIN,
    STREAM_HERDS,
    STREAM_PRICES,
    STREAM_TRACED,
    DemoSpec,
    Month,
    active_months,
    cutoff,
    stream,
)
from pigdata.synth.traced import TracedPlan, plan_traced, traced_records


def demo_premises(spec: DemoSpec) -> list[dict[str, Any]]:
    """Give the demo's premises records (the first records of demo_records)."""
    return [site.record() for site in build_district(spec).sites]


def herd_reports(district: District, month: Month, flows: MonthFlows) -> Iterator[dict[str, Any]]:
    """Give every farm's herd report of a month."""
    columns = [flows.report[name].tolist() for name in REPORT_FIELDS]
    feed = flows.feed_kg.tolist()
    for farm, values in enumerate(zip(*columns, strict=True)):
        body: dict[str, Any] = {
            "kind": "herd_report",
            "premises": district.sites[farm].code,
            "month": month.key,
        }
        body.update(zip(REPORT_FIELDS, values, strict=True))
        body["feed_used_kg"] = str(feed[farm])
        yield body


def _needs(plan: TracedPlan, month: int, farms: int) -> Needs:
    shipping, piglets = plan.shipping(month), plan.as_piglets(month)
    return Needs(
        sold=np.bincount(plan.ship_farm[shipping], minlength=farms).astype(np.int64),
        piglets=np.bincount(plan.birth_farm[piglets], minlength=farms).astype(np.int64),
    )


def demo_records(spec: DemoSpec) -> Iterator[dict[str, Any]]:
    """Give every record of the demo district, streamed, premises first.

    Months that begin after today are left out, and no record is dated after today, so a
    spec that lies wholly in the past (the default: 2023-01 to 2024-12) gives the same bytes
    on every run.
    """
    last_day = cutoff(spec)
    months = active_months(spec, last_day)
    if not months:
        raise ValueError(f"the demo starts after today: {spec.start_month}")
    district = build_district(spec)
    yield from (site.record() for site in district.sites)
    registry = build_registry(stream(spec.seed, STREAM_ANIMALS), district, months[0].first)
    herds = HerdSimulator(district.farms, stream(spec.seed, STREAM_HERDS), sow_drift(0.0))
    primary = {
        s: herds.primary_client(s) for s in np.flatnonzero(district.farms.kind == SOW).tolist()
    }
    plan = plan_traced(
        stream(spec.seed, STREAM_TRACED),
        district,
        registry,
        months,
        last_day,
        spec.scale,
        {s: c for s, c in primary.items() if c >= 0},
    )
    yield from registry_records(district, registry)
    conservation = int(np.flatnonzero(district.farms.profile == CONSERVATION)[0])
    yield from herdbook_records(
        stream(spec.seed, STREAM_HERDBOOK), district.sites[conservation].code, months[0].first
    )
    yield from traced_records(district, registry, plan)
    locations = [spec.county] + [district.sites[m].code for m in district.markets]
    prices = PriceBook(
        stream(spec.seed, STREAM_PRICES), months[0].first, spec.months, last_day, locations
    )
    chain = Chain(
        district, plan, prices, stream(spec.seed, STREAM_CHAIN), spec.seed, last_day, spec.scale
    )
    for month in months:
        drift = sow_drift((month.index + 1) / spec.months)
        flows = herds.step(month.days, drift, _needs(plan, month.index, district.n_farms))
        yield from herd_reports(district, month, flows)
        yield from chain.records(month, flows)
        yield from prices.quotes(month)
    yield from demo_outbreak_records(district, last_day)
