"""Movement records in bulk for tests and benchmarks, some broken on purpose, and file writers.

`movement_rows` streams n movements among premises the caller has registered. With
`broken=k`, k rows are broken in five ways, in turn, at positions that `broken_positions`
gives (so a test knows which row is which without keeping a list):

    bad_ear_tag          an ear tag of 14 digits, or one naming county 999999 (alternately)
    unknown_premises     origin or destination (alternately) a code nobody registered
    future_date          issue date in the year 2099
    missing_field        no vehicle_plate, head_count, purpose or carrier (in turn)
    reused_certificate   the certificate number of the last good row before it

Row 0 is never broken. Good rows' certificates are 12 digits, unique within a file and never
equal to a demo certificate (11 digits); their ear tags use serials from 90,000,000 up, away
from the demo's animals.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from enum import StrEnum
from itertools import chain
from pathlib import Path
from typing import Any, Literal

import numpy as np
import orjson

from pigdata import csvout
from pigdata.domain.records import RECORD_TYPES
from pigdata.ingest.headers import FIELD_ALIASES_ZH
from pigdata.synth import names
from pigdata.synth.spec import STREAM_MOVEMENT_ROWS, stream


class Breakage(StrEnum):
    """How a deliberately broken movement row is broken."""

    bad_ear_tag = "bad_ear_tag"
    unknown_premises = "unknown_premises"
    future_date = "future_date"
    missing_field = "missing_field"
    reused_certificate = "reused_certificate"


BREAKAGES: tuple[Breakage, ...] = tuple(Breakage)
MISSING_FIELDS = ("vehicle_plate", "head_count", "purpose", "carrier")
UNKNOWN_COUNTY = "999999"
FUTURE_YEAR = 2099
TAG_SERIAL_BASE = 90_000_000
PURPOSES = ("slaughter", "breeding", "piglet_rearing", "fattening", "other")
PURPOSE_WEIGHTS = (0.70, 0.08, 0.12, 0.07, 0.03)
_CHUNK = 20_000
_CERT_MULTIPLIER, _CERT_MODULUS = 43_046_721, 100_000_000  # 3**16, coprime to 10**8


def broken_positions(n: int, broken: int) -> dict[int, Breakage]:
    """Give the 0-based index of every broken row among n, and how it is broken.

    Broken rows are spread evenly and take the five breakages in turn, so broken=50 gives
    10 of each. In a CSV with a header, row index i is spreadsheet row i + 2.
    """
    if broken < 0 or (broken and broken >= n):
        raise ValueError(f"broken must be between 0 and n - 1 ({n - 1}), got {broken}")
    return {(k + 1) * n // (broken + 1): BREAKAGES[k % len(BREAKAGES)] for k in range(broken)}


def _unknown_code(county: str, taken: set[str]) -> str:
    for serial in range(9999, 0, -1):
        code = f"{county}{serial:04d}"
        if code not in taken:
            return code
    raise ValueError(f"no unregistered code left in county {county}")


class _Rows:
    """Draws the columns of a chunk of good rows at once."""

    def __init__(
        self, seed: int, origins: Sequence[str], destinations: Sequence[str], start: date, end: date
    ) -> None:
        if not origins or not destinations or len(set(origins) | set(destinations)) < 2:
            raise ValueError("need origin and destination codes with at least two premises")
        if end < start:
            raise ValueError(f"end {end} is before start {start}")
        self.rng = stream(seed, STREAM_MOVEMENT_ROWS)
        self.origins, self.destinations = list(origins), list(destinations)
        ids = {code: i for i, code in enumerate(sorted(set(origins) | set(destinations)))}
        self.origin_ids = np.array([ids[c] for c in origins])
        self.destination_ids = np.array([ids[c] for c in destinations])
        self.tag_prefix = [f"1{c[:6]}" for c in origins]
        self.days = [(start + timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]
        fleet = names.fleet(self.rng, 400, "渝")
        self.plates, self.carriers = fleet.plates, fleet.carriers
        self.cert_prefix = f"{1 + seed % 9}{seed % 1000:03d}"
        self.cert_shift = (seed * 7919) % _CERT_MODULUS
        self.count = 0
        self.tag_serial = TAG_SERIAL_BASE

    def _pairs(self, size: int) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
        o = self.rng.integers(len(self.origins), size=size)
        d = self.rng.integers(len(self.destinations), size=size)
        for turn in range(len(self.origins) + len(self.destinations) + 1):
            same = self.origin_ids[o] == self.destination_ids[d]
            if not same.any():
                return o, d
            if turn % 2 == 0:
                d = np.where(same, (d + 1) % len(self.destinations), d)
            else:
                o = np.where(same, (o + 1) % len(self.origins), o)
        raise ValueError("cannot pair origins and destinations without a premises moving to itself")

    def chunk(self, size: int) -> Iterator[dict[str, Any]]:
        rng = self.rng
        o, d = self._pairs(size)
        day = rng.integers(len(self.days), size=size).tolist()
        head = np.clip(np.round(rng.lognormal(np.log(60.0), 0.8, size)), 1, 500).astype(np.int64)
        purpose = rng.choice(len(PURPOSES), size=size, p=PURPOSE_WEIGHTS).tolist()
        truck = rng.integers(len(self.plates), size=size).tolist()
        n_tags = np.minimum(head, rng.choice(4, size=size, p=(0.4, 0.3, 0.2, 0.1))).tolist()
        same_province = [
            o_[:2] == d_[:2]
            for o_, d_ in zip(
                [self.origins[i] for i in o.tolist()],
                [self.destinations[i] for i in d.tolist()],
                strict=True,
            )
        ]
        for oi, di, dy, hd, pu, tr, nt, sp in zip(
            o.tolist(),
            d.tolist(),
            day,
            head.tolist(),
            purpose,
            truck,
            n_tags,
            same_province,
            strict=True,
        ):
            serial = (_CERT_MULTIPLIER * self.count + self.cert_shift) % _CERT_MODULUS
            self.count += 1
            prefix, first = self.tag_prefix[oi], self.tag_serial
            self.tag_serial += nt
            yield {
                "kind": "movement",
                "certificate_no": f"{self.cert_prefix}{serial:08d}",
                "certificate_type": "B" if sp else "A",
                "issue_date": self.days[dy],
                "origin": self.origins[oi],
                "destination": self.destinations[di],
                "head_count": hd,
                "ear_tags": [f"{prefix}{s:08d}" for s in range(first, first + nt)],
                "purpose": PURPOSES[pu],
                "vehicle_plate": self.plates[tr],
                "carrier": self.carriers[tr],
            }


class _Breaker:
    """Breaks good rows in the way asked, remembering the last good certificate."""

    def __init__(self, origins: Sequence[str], destinations: Sequence[str]) -> None:
        taken = set(origins) | set(destinations)
        self.unknown = {c[:6]: _unknown_code(c[:6], taken) for c in taken}
        self.counts = dict.fromkeys(BREAKAGES, 0)
        self.last_good: dict[str, Any] | None = None

    def good(self, row: dict[str, Any]) -> dict[str, Any]:
        self.last_good = row
        return row

    def _ear_tag(self, row: dict[str, Any], turn: int) -> None:
        tag = f"1{row['origin'][:6]}{TAG_SERIAL_BASE - 1 - turn:08d}"
        bad = tag[:-1] if turn % 2 == 0 else f"1{UNKNOWN_COUNTY}{tag[7:]}"
        row["ear_tags"] = [bad, *row["ear_tags"][: row["head_count"] - 1]]

    def _reuse(self, row: dict[str, Any]) -> None:
        if self.last_good is None:
            raise ValueError("a reused certificate needs a good row before it")
        row["certificate_no"] = self.last_good["certificate_no"]
        if row == self.last_good:  # a different record with the same number, not a duplicate
            row["head_count"] += 1

    def breaking(self, row: dict[str, Any], how: Breakage) -> dict[str, Any]:
        turn = self.counts[how]
        self.counts[how] += 1
        if how is Breakage.bad_ear_tag:
            self._ear_tag(row, turn)
        elif how is Breakage.unknown_premises:
            side = "origin" if turn % 2 == 0 else "destination"
            row[side] = self.unknown[row[side][:6]]
        elif how is Breakage.future_date:
            issued = date.fromisoformat(row["issue_date"])
            row["issue_date"] = date(FUTURE_YEAR, issued.month, min(issued.day, 28)).isoformat()
        elif how is Breakage.missing_field:
            del row[MISSING_FIELDS[turn % len(MISSING_FIELDS)]]
        else:
            self._reuse(row)
        return row


def movement_rows(
    n: int,
    *,
    seed: int,
    origin_codes: Sequence[str],
    destination_codes: Sequence[str],
    start: date,
    end: date,
    broken: int = 0,
) -> Iterator[dict[str, Any]]:
    """Give n movement records among the given premises, `broken` of them broken on purpose.

    Issue dates fall between start and end (inclusive); certificate types follow the route
    (A between provinces, B within one). `broken_positions(n, broken)` tells which rows are
    broken and how. Rows are drawn a chunk at a time with numpy, so a million rows stream in
    a few seconds without being held in memory.
    """
    positions = broken_positions(n, broken)
    rows = _Rows(seed, origin_codes, destination_codes, start, end)
    breaker = _Breaker(origin_codes, destination_codes)
    done = 0
    while done < n:
        size = min(_CHUNK, n - done)
        for i, row in enumerate(rows.chunk(size), start=done):
            how = positions.get(i)
            yield breaker.good(row) if how is None else breaker.breaking(row, how)
        done += size
        if rows.tag_serial > 99_999_999:
            raise ValueError("too many ear tags for one file (serials run out)")


def _list_fields() -> frozenset[str]:
    found: set[str] = set()
    for model in RECORD_TYPES.values():
        for name, info in model.model_fields.items():
            if "list[" in str(info.annotation):
                found.add(name)
    return frozenset(found)


_LIST_FIELDS = _list_fields()


def csv_header(field: str, headers: Literal["en", "zh"]) -> str:
    """Give a field's column header: its name, or its first Chinese alias."""
    if headers == "zh":
        return FIELD_ALIASES_ZH.get(field, (field,))[0]
    return field


def write_csv(
    path: Path | str,
    records: Iterable[dict[str, Any]],
    *,
    headers: Literal["en", "zh"] = "en",
    fields: Sequence[str] | None = None,
) -> int:
    """Write records as CSV with English field names or Chinese headers; give the row count.

    Columns are `fields`, or else every field of the first record's kind. Lists are joined
    with ";", absent values left empty. Chinese files are written with a UTF-8 byte-order mark
    so that spreadsheet programs read them as UTF-8. Streams: rows are never all held.
    """
    stream_ = iter(records)
    first = next(stream_, None)
    if fields is None:
        fields = list(RECORD_TYPES[first["kind"]].model_fields) if first is not None else []
    known = frozenset(fields)
    lists = [j for j, f in enumerate(fields) if f in _LIST_FIELDS]
    count = 0
    encoding = "utf-8-sig" if headers == "zh" else "utf-8"
    with open(path, "w", encoding=encoding, newline="") as handle:
        writer = csvout.writer(handle)
        writer.writerow([csv_header(f, headers) for f in fields])
        for record in chain([first] if first is not None else [], stream_):
            if not known.issuperset(record):
                extra = sorted(set(record) - known)
                raise ValueError(f"record {count + 1} has fields without a column: {extra}")
            row = [record.get(f) for f in fields]
            for j in lists:  # the csv module writes None as "" and ints as digits itself
                value = row[j]
                if isinstance(value, list):
                    row[j] = ";".join(value)
            writer.writerow(row)
            count += 1
    return count


def write_jsonl(path: Path | str, records: Iterable[dict[str, Any]]) -> int:
    """Write records as JSON Lines (UTF-8, one object a line); give the row count."""
    count = 0
    buffer: list[bytes] = []
    with open(path, "wb") as handle:
        for record in records:
            buffer.append(orjson.dumps(record))
            count += 1
            if len(buffer) >= 2048:
                handle.write(b"\n".join(buffer) + b"\n")
                buffer.clear()
        if buffer:
            handle.write(b"\n".join(buffer) + b"\n")
    return count
