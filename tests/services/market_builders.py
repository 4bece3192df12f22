"""Price quotes and trades for the market service tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

NATIONAL_FILE = Path("/work/shared/data/prices/china_national_weekly_2016_2022.csv")


def quote(location: str, day: date, item: str, price: str, unit: str = "yuan/kg") -> dict[str, Any]:
    return {
        "kind": "price_quote",
        "location": location,
        "date": day.isoformat(),
        "item": item,
        "price": price,
        "unit": unit,
    }


def trade(market: str, day: date, head: int) -> dict[str, Any]:
    return {
        "kind": "trade",
        "market": market,
        "date": day.isoformat(),
        "head_count": head,
        "avg_weight_kg": "115",
        "avg_price": "14",
    }
