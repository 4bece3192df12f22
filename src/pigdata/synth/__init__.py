"""Deterministic synthetic data: a realistic demo district, and movement files for benchmarks.

    >>> from pigdata.synth import DemoSpec, demo_records
    >>> records = demo_records(DemoSpec(scale=0.05, months=6))

The same spec gives byte-identical records on every run (numpy PCG64 streams from the seed).
"""

from __future__ import annotations

from pigdata.synth.demo import demo_premises, demo_records
from pigdata.synth.movements import (
    BREAKAGES,
    Breakage,
    broken_positions,
    movement_rows,
    write_csv,
    write_jsonl,
)
from pigdata.synth.spec import DemoSpec, spec_end

__all__ = [
    "BREAKAGES",
    "Breakage",
    "DemoSpec",
    "broken_positions",
    "demo_premises",
    "demo_records",
    "movement_rows",
    "spec_end",
    "write_csv",
    "write_jsonl",
]
