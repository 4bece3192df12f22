"""Government statistics commands: production by region and month, capacity regulation."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

import orjson
import typer
from rich.table import Table

from pigdata.access.principal import ADMIN
from pigdata.cli._common import console, fail, open_store, principal_for
from pigdata.domain.capacity_zones import ZONE_NAMES_ZH, Bands
from pigdata.services import capacity as capacity_service
from pigdata.services import performance as perf
from pigdata.services import resources as resources_service
from pigdata.services.capacity_parts import parts_capacity
from pigdata.services.production import production_statistics
from pigdata.services.regional import InvalidQuery

SHORT = {
    "breeding_sows": "能繁 sows",
    "replacement_gilts": "后备 gilts",
    "boars": "种公 boars",
    "piglets": "仔猪 piglets",
    "finishers": "育肥 finish",
    "born_alive": "活产 born",
    "deaths": "死亡 deaths",
    "sold_for_slaughter": "出栏 sold",
    "moved_in": "调入 in",
    "moved_out": "调出 out",
}

stats_app = typer.Typer(
    help="Government statistics: production, capacity, performance, resources / 统计与调控",
    no_args_is_help=True,
)
Region = Annotated[str, typer.Option(help="division code of any level; 100000 = the nation")]
Month = Annotated[str, typer.Option(help="month, YYYY-MM")]
AsJson = Annotated[bool, typer.Option("--json", help="print the answer as JSON")]
Token = Annotated[
    str | None, typer.Option(help="act as this token's principal", envvar="PIGDATA_TOKEN")
]


def print_json(value: Any) -> None:
    """Print a service's answer (dataclasses) as indented JSON."""
    is_instance = dataclasses.is_dataclass(value) and not isinstance(value, type)
    plain = dataclasses.asdict(value) if is_instance else value
    console.print_json(orjson.dumps(plain, option=orjson.OPT_NON_STR_KEYS).decode())


def production(
    region: Region,
    first: Annotated[str, typer.Option("--from", help="first month, YYYY-MM")],
    last: Annotated[str, typer.Option("--to", help="last month, YYYY-MM")],
    parts: Annotated[bool, typer.Option(help="also each division one level down")] = False,
    as_json: AsJson = False,
) -> None:
    """Print a region's herd inventory and flows by month, with each month's completeness."""
    engine = open_store()
    with engine.connect() as conn:
        result = production_statistics(conn, ADMIN, region, first, last, by_part=parts)
    if as_json:
        print_json(result)
        return
    table = Table(title=f"{result.region_name} ({result.region}) 生产统计 / production")
    for header in ("月份 month", "上报/备案 farms", "完整度 %", *SHORT.values()):
        table.add_column(header, justify="right", no_wrap=True)
    for m in result.months:
        share = "-" if m.completeness_pct is None else f"{m.completeness_pct:.1f}"
        values = {**m.inventory, **m.flows}
        table.add_row(
            m.month,
            f"{m.reporting_farms}/{m.registered_farms}",
            share,
            *(f"{values[k]:,}" for k in SHORT),
        )
    console.print(table)


def _zone(zone: object) -> str:
    return "-" if zone is None else f"{ZONE_NAMES_ZH[zone]} {zone}"  # type: ignore[index]


def capacity(
    region: Region,
    month: Month,
    parts: Annotated[
        bool, typer.Option(help="the zone of each part of the region instead")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Print a region's breeding sows against its normal holding: zone, change, alerts."""
    if parts:
        _capacity_of_parts(region, month, as_json)
        return
    engine = open_store()
    with engine.connect() as conn:
        report = capacity_service.capacity_status(conn, ADMIN, region, month)
    if as_json:
        print_json(report)
        return
    holding = report.normal_holding
    b = report.bands
    console.print(f"{report.region_name} ({report.region}) {report.month}", markup=False)
    console.print(f"规则 rules: {report.rule_set}", markup=False)
    console.print(
        f"绿色 green {b.green_low}–{b.green_high} %, 黄色 yellow {b.yellow_low}–{b.green_low} % "
        f"/ {b.green_high}–{b.yellow_high} %, 其余红色 red otherwise ({report.bands_source})",
        markup=False,
    )
    if holding is None:
        console.print("正常保有量 normal holding: 无 none (no reports)", markup=False)
    else:
        console.print(
            f"正常保有量 normal holding: {holding.sows:,} [{holding.basis}] {holding.source}",
            markup=False,
        )
    table = _right_aligned_table(
        "能繁母猪 breeding sows",
        ("月份 month", "存栏 sows", "环比 MoM %", "占比 % of normal", "区域 zone", "完整度 %"),
    )
    for m in report.history:
        table.add_row(
            m.month,
            f"{m.breeding_sows:,}",
            "-" if m.change_pct is None else f"{m.change_pct:+.2f}",
            _ratio(m.ratio_pct),
            _zone(m.zone),
            "-" if m.completeness_pct is None else f"{m.completeness_pct:.1f}",
        )
    console.print(table)
    for alert in report.alerts:
        console.print(
            f"预警 alert {alert.month}: {_zone(alert.left)} → {_zone(alert.entered)} "
            f"({alert.ratio_pct:.2f} %)",
            markup=False,
        )


def _capacity_of_parts(region: str, month: str, as_json: bool) -> None:
    engine = open_store()
    with engine.connect() as conn:
        result = parts_capacity(conn, ADMIN, region, month)
    if as_json:
        print_json(result)
        return
    table = _right_aligned_table(
        f"{result.region} {result.month} 各地区调控区域 / zone of each part",
        ("代码 code", "名称 name", "存栏 sows", "上报 farms", "占比 % of normal", "区域 zone"),
    )
    for part in result.parts:
        table.add_row(
            part.code,
            part.name,
            f"{part.breeding_sows:,}",
            f"{part.reporting_farms:,}",
            _ratio(part.ratio_pct),
            _zone(part.zone),
        )
    console.print(table)


def _right_aligned_table(title: str, headers: tuple[str, ...]) -> Table:
    table = Table(title=title)
    for header in headers:
        table.add_column(header, justify="right")
    return table


def _ratio(pct: float | None) -> str:
    return "-" if pct is None else f"{pct:.2f}"


def capacity_set(
    region: Region,
    effective: Annotated[str, typer.Option(help="first month it applies to, YYYY-MM")],
    source: Annotated[str, typer.Option(help="where the figures come from (document, date)")],
    normal_holding: Annotated[int | None, typer.Option(help="breeding sows")] = None,
    bands: Annotated[
        str | None,
        typer.Option(help="yellow_low,green_low,green_high,yellow_high in %, e.g. 83,90,105,110"),
    ] = None,
    token: Token = None,
) -> None:
    """Set a region's own normal holding and/or zone bands from a month on."""
    engine = open_store()
    who = principal_for(engine, token)
    parsed = _parse_bands(bands) if bands else None
    setting = capacity_service.CapacitySetting(region, effective, normal_holding, parsed, source)
    with engine.begin() as conn:
        capacity_service.set_capacity(conn, who, setting)
    console.print(f"capacity setting of {region} from {effective} stored", markup=False)


def _parse_bands(text: str) -> Bands:
    try:
        yellow_low, green_low, green_high, yellow_high = (float(v) for v in text.split(","))
    except ValueError:
        raise InvalidQuery(
            "bands: 须为四个数 黄下,绿下,绿上,黄上 / bands: give four numbers "
            "yellow_low,green_low,green_high,yellow_high"
        ) from None
    return Bands(green_low, green_high, yellow_low, yellow_high)


def performance(
    month: Month,
    farm: Annotated[str | None, typer.Option(help="a farm's registration code")] = None,
    region: Annotated[str | None, typer.Option(help="every farm of a region instead")] = None,
    window: Annotated[int, typer.Option(help="months ending with --month")] = 12,
    peers: Annotated[str | None, typer.Option(help="benchmark region (default: county)")] = None,
    token: Token = None,
    as_json: AsJson = False,
) -> None:
    """Print a farm's sow-herd figures beside its peers' benchmarks, or a region's farms."""
    if (farm is None) == (region is None):
        raise fail("须给出 --farm 或 --region 之一 / give one of --farm or --region")
    engine = open_store()
    who = principal_for(engine, token)
    if region is not None:
        with engine.connect() as conn:
            everyone = perf.region_performance(conn, who, region, month, window)
        if as_json:
            print_json(everyone)
        else:
            _print_region_performance(everyone)
        return
    code = str(farm)
    with engine.connect() as conn:
        mine = perf.farm_performance(conn, who, code, month, window, peers)
    if as_json:
        print_json(mine)
        return
    title = (
        f"{mine.farm} {mine.month} ({mine.window_months} 个月 months), peers {mine.peers_region}"
    )
    table = Table(title=title)
    for header in (
        "指标 figure",
        "本场 own",
        "前10% top",
        "中位 median",
        "后10% bottom",
        "场数 farms",
    ):
        table.add_column(header, justify="right")
    for mark in mine.benchmarks:
        table.add_row(
            mark.figure,
            _number(mine.own.figures[mark.figure]),
            _number(mark.top_10),
            _number(mark.median),
            _number(mark.bottom_10),
            str(mark.farms) if mark.median is not None else f"{mark.farms} (<5, withheld)",
        )
    console.print(table)
    for name, why in mine.not_reported.items():
        console.print(f"{name}: {why}", markup=False)


def _number(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _print_region_performance(result: perf.RegionPerformance) -> None:
    table = Table(title=f"{result.region_name} {result.month} ({result.window_months} months)")
    table.add_column("farm")
    table.add_column("sows", justify="right")
    for name in perf.FIGURES:
        table.add_column(name, justify="right")
    for row in result.farms:
        cells = (_number(row.figures[n]) for n in perf.FIGURES)
        table.add_row(row.farm, f"{row.average_sows:.1f}", *cells)
    console.print(table)


def resources(region: Region, month: Month, as_json: AsJson = False) -> None:
    """Print a region's farms by size, capacity in use, breeding stock by breed, manure load."""
    engine = open_store()
    with engine.connect() as conn:
        found = resources_service.regional_resources(conn, ADMIN, region, month)
    if as_json:
        print_json(found)
        return
    console.print(f"{found.region_name} ({found.region}) {found.month}", markup=False)
    sizes = Table(title="按年出栏规模的养殖场 farms by hogs sold a year")
    sizes.add_column("class")
    sizes.add_column("farms", justify="right")
    for name, count in found.farms_by_size.items():
        sizes.add_row(name, str(count))
    console.print(sizes)
    use = found.capacity
    console.print(
        f"规模场 scale farms (≥500/year): {found.scale_farms}; 能繁栏位使用 sow places used: "
        f"{_number(use.sow_places_used_pct)} %; 育肥栏位使用 finishing places used: "
        f"{_number(use.finishing_places_used_pct)} % ({use.reporting_farms} of "
        f"{use.registered_farms} farms reported)",
        markup=False,
    )
    breeds = Table(title="种猪 breeding stock (地方品种 native first)")
    for header in ("breed", "native", "females", "males"):
        breeds.add_column(header)
    for b in (*found.native_breeds, *found.other_breeds):
        breeds.add_row(b.breed, "地方 native" if b.native else "", str(b.females), str(b.males))
    console.print(breeds)
    manure = found.manure
    per_ha = "-" if manure.per_hectare is None else f"{manure.per_hectare:.3f}"
    console.print(
        f"猪当量 pig equivalents: {manure.pig_equivalents:,.0f}; 耕地 farmland: "
        f"{manure.farmland_ha or '-'} ha; 每公顷 per ha: {per_ha}",
        markup=False,
    )
    for note in found.notes:
        console.print(note, markup=False)


def farmland_set(
    region: Region,
    hectares: Annotated[float, typer.Option(help="farmland of the region, hectares")],
    source: Annotated[str, typer.Option(help="where the figure comes from")],
    token: Token = None,
) -> None:
    """Set a region's farmland (hectares) for the manure load per hectare."""
    engine = open_store()
    who = principal_for(engine, token)
    with engine.begin() as conn:
        resources_service.set_farmland(conn, who, region, hectares, source)
    console.print(f"farmland of {region} stored", markup=False)


stats_app.command()(production)
stats_app.command()(capacity)
stats_app.command("capacity-set")(capacity_set)
stats_app.command()(performance)
stats_app.command()(resources)
stats_app.command("farmland-set")(farmland_set)
