"""Small hand-made records for tests, and a one-call ingest of them."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pigdata.access.principal import ADMIN, Principal, Role
from pigdata.access.tokens import create_token
from pigdata.config import Settings
from pigdata.ingest.pipeline import IngestSummary
from pigdata.services.intake import ingest_payload
from pigdata.store import tables as t

TODAY = date(2024, 12, 31)
RONGCHANG_TOWN = "500153001"  # 昌元街道
RONGCHANG_TOWN_2 = "500153100"  # 荣隆镇
YONGCHUAN_TOWN = "500118001"  # 永川区 中山路街道
NEIJIANG_TOWN = "511002001"  # 四川 内江市 市中区 城东街道


def premises(code: str, township: str, premises_type: str = "farm", **extra: Any) -> dict[str, Any]:
    """Give a premises record in the given township."""
    return {
        "kind": "premises",
        "code": code,
        "premises_type": premises_type,
        "name": f"场所{code}",
        "township": township,
        "latitude": "29.40",
        "longitude": "105.59",
        "owner": "张三",
        "capacity_sows": 100,
        "capacity_finishing": 1000,
        **extra,
    }


def animal(tag: str, born: str, at: str, **extra: Any) -> dict[str, Any]:
    """Give an animal record."""
    return {
        "kind": "animal",
        "ear_tag": tag,
        "breed": "荣昌猪",
        "sex": "female",
        "birth_date": born,
        "birth_premises": at,
        **extra,
    }


def movement(cert: str, origin: str, destination: str, issued: str, **extra: Any) -> dict[str, Any]:
    """Give a movement record (type B unless said otherwise)."""
    return {
        "kind": "movement",
        "certificate_no": cert,
        "certificate_type": "B",
        "issue_date": issued,
        "origin": origin,
        "destination": destination,
        "head_count": 10,
        "purpose": "slaughter",
        "vehicle_plate": "渝B12345",
        "carrier": "李四",
        **extra,
    }


def herd_report(at: str, month: str, **extra: Any) -> dict[str, Any]:
    """Give a monthly herd report."""
    return {"kind": "herd_report", "premises": at, "month": month, "breeding_sows": 50, **extra}


def slaughter(at: str, day: str, tags: list[str], **extra: Any) -> dict[str, Any]:
    """Give a slaughter record."""
    return {
        "kind": "slaughter",
        "slaughterhouse": at,
        "date": day,
        "head_count": max(1, len(tags)),
        "ear_tags": tags,
        "carcass_weight_kg": "90.5",
        **extra,
    }


FARM_A = "5001530001"
FARM_B = "5001530002"
SLAUGHTERHOUSE = "5001530003"
MARKET = "5001530004"
FARM_YONGCHUAN = "5001180001"
FARM_SICHUAN = "5110020001"


def district() -> list[dict[str, Any]]:
    """Give a little district: two Rongchang farms, a slaughterhouse, a market, and farms
    in Yongchuan (Chongqing) and Neijiang (Sichuan)."""
    return [
        premises(FARM_A, RONGCHANG_TOWN),
        premises(FARM_B, RONGCHANG_TOWN_2),
        premises(SLAUGHTERHOUSE, RONGCHANG_TOWN, "slaughterhouse"),
        premises(MARKET, RONGCHANG_TOWN_2, "market"),
        premises(FARM_YONGCHUAN, YONGCHUAN_TOWN),
        premises(FARM_SICHUAN, NEIJIANG_TOWN, latitude="29.58", longitude="105.06"),
    ]


def ingest(
    engine: Engine,
    settings: Settings,
    records: list[dict[str, Any]],
    who: Principal = ADMIN,
    today: date = TODAY,
) -> IngestSummary:
    """Ingest records as an API batch would, and give the summary with each outcome."""
    return ingest_payload(engine, settings, records, who=who, today=today)


def issues_of(summary: IngestSummary) -> dict[int, set[str]]:
    """Give the rules broken by each rejected record, by its index."""
    return {o.row_no: {i.rule for i in o.issues} for o in summary.outcomes if o.issues}


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Give every projection table's rows, sorted, as plain tuples."""
    with engine.connect() as conn:
        return {
            table.name: sorted(tuple(row) for row in conn.execute(sa.select(table)))
            for table in t.PROJECTION_TABLES
        }


def bearer(engine: Engine, role: str = "admin", scope: str | None = None) -> dict[str, str]:
    """Give the Authorization header of a new token (an admin's unless told otherwise)."""
    name = f"{role}-{scope or 'all'}-{len(_made)}"
    _made.append(name)
    issued = create_token(engine, name, Role(role), scope)
    return {"Authorization": f"Bearer {issued.secret}"}


_made: list[str] = []
