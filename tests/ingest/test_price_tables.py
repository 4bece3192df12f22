"""Published weekly price tables in: the national layout and the provincial layout."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from pigdata.access.principal import ADMIN
from pigdata.config import Settings
from pigdata.ingest.price_tables import week_end
from pigdata.services.intake import ingest_file
from pigdata.store import tables as t

from tests.builders import TODAY


def test_week_end_is_the_last_of_seven_days_from_new_year() -> None:
    assert week_end(2021, 1) == date(2021, 1, 7)
    assert week_end(2021, 2) == date(2021, 1, 14)
    assert week_end(2020, 53) == date(2020, 12, 31)  # 1 Jan + 370 days, held at year end


def _quotes(engine: Engine) -> list[tuple[str, date, str, float, str]]:
    q = t.price_quotes
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(q.c.location, q.c.date, q.c.item, q.c.price, q.c.unit).order_by(
                q.c.date, q.c.item
            )
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def test_national_table_gives_one_quote_per_cell_at_the_nation(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "national_weekly.csv"
    path.write_text(
        "week_ending,live_hog_yuan_per_kg,corn_yuan_per_tonne\n"
        "2021-06-27,11.9,2560.0\n"
        "2021-07-04,,2570.5\n"
        "2021-07-1x,12.1,2580\n",
        encoding="utf-8",
    )
    summary = ingest_file(engine, settings, path, who=ADMIN, today=TODAY, keep_outcomes=True)
    assert (summary.accepted, summary.rejected) == (3, 2)
    rejected = {(o.row_no, i.field) for o in summary.rejections for i in o.issues}
    assert rejected == {(4, "date")}
    assert _quotes(engine) == [
        ("100000", date(2021, 6, 27), "corn", 2560.0, "yuan/tonne"),
        ("100000", date(2021, 6, 27), "live_hog", 11.9, "yuan/kg"),
        ("100000", date(2021, 7, 4), "corn", 2570.5, "yuan/tonne"),
    ]


def test_provincial_table_takes_its_item_from_the_file_name(
    engine: Engine, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "province_weekly_piglet.csv"
    path.write_text(
        "year,week,province_code,province_zh,province_en,yuan_per_kg\n"
        "2021,2,500000,重庆,Chongqing,40.5\n"
        "2021,54,500000,重庆,Chongqing,41.0\n"
        "2021,3,990000,无,Nowhere,41.0\n",
        encoding="utf-8",
    )
    summary = ingest_file(engine, settings, path, who=ADMIN, today=TODAY, keep_outcomes=True)
    assert summary.accepted == 1
    rules = {(o.row_no, i.field, i.rule) for o in summary.rejections for i in o.issues}
    assert (3, "week", "price_table.week") in rules
    assert any(row == 4 and rule == "division.exists" for row, _, rule in rules)
    assert _quotes(engine) == [("500000", date(2021, 1, 14), "piglet", 40.5, "yuan/kg")]
