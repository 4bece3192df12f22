"""Query parameters that many routes share: bounded days, months and years.

Each is the record types' own bounded type (rule `date.range`, 1900-01-01 to 2999-12-31),
so a query outside the calendar the platform keeps is answered 422 naming the parameter,
never an overflow in a service's date arithmetic (500).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from pigdata.domain.records import EARLIEST_DAY, LATEST_DAY, BoundedDay, Month, Year

_RANGE = f"{EARLIEST_DAY} to {LATEST_DAY}"

OptionalDay = Annotated[BoundedDay | None, Query(description=f"YYYY-MM-DD, {_RANGE}")]
MonthParam = Annotated[Month, Query(description=f"YYYY-MM, {_RANGE}")]
OptionalMonth = Annotated[Month | None, Query(description=f"YYYY-MM, {_RANGE}")]
OptionalYear = Annotated[Year | None, Query(description=f"{_RANGE}")]

__all__ = ["MonthParam", "OptionalDay", "OptionalMonth", "OptionalYear"]
