"""The hypothesis strategies shared by the test modules: pedigrees, herds, herd reports,
ledger entry values, tree sizes and movement networks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from hypothesis import strategies as st

from pigdata.domain.records import HERD_COUNTS
from pigdata.ledger.merkle import HASH_SIZE

from tests.builders import herd_report

# --- pedigrees ---------------------------------------------------------------------------


@st.composite
def pedigrees(draw: st.DrawFn) -> tuple[list[int], list[int]]:
    """Random parents-first pedigrees with few founders, so that inbreeding builds up."""
    n = draw(st.integers(min_value=1, max_value=40))
    sire, dam = [], []
    for i in range(n):
        choices = st.integers(min_value=-1, max_value=i - 1)
        s, d = draw(choices), draw(choices)
        sire.append(s)
        dam.append(d)
    return sire, dam


def mating_herd(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Draw founders and a herd of their offspring (some share parents): sires, dams, the
    index of the first boar, and the number of boars (the sows follow them)."""
    founders = draw(st.integers(2, 6))
    boars, sows = draw(st.integers(1, 3)), draw(st.integers(2, 6))
    n = founders + boars + sows
    sire, dam = [-1] * founders, [-1] * founders
    for _ in range(boars + sows):  # the herd: offspring of founders (some share parents)
        sire.append(draw(st.integers(-1, founders - 1)))
        dam.append(draw(st.integers(-1, founders - 1)))
    return np.array(sire), np.array(dam), n - boars - sows, boars


# --- herd reports ------------------------------------------------------------------------

herd_counts = st.fixed_dictionaries({name: st.integers(0, 500) for name in HERD_COUNTS})


def herd_reports(places: Sequence[str], months: Sequence[str]) -> st.SearchStrategy[Any]:
    """Herd report records of these premises and months, with any counts."""
    return st.builds(
        lambda at, month, values: herd_report(at, month, **values),
        st.sampled_from(places),
        st.sampled_from(months),
        herd_counts,
    )


def corrections(reports: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """(index of an accepted report to correct, its replacement or None for a retraction)"""
    return st.lists(st.tuples(st.integers(0, 30), st.one_of(st.none(), reports)), max_size=4)


# --- the ledger --------------------------------------------------------------------------

# What records are made of: strings, integers, booleans, lists and objects of them.
json_values = st.recursive(
    st.one_of(st.text(), st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1), st.booleans()),
    lambda inner: st.one_of(
        st.lists(inner, max_size=5),
        st.dictionaries(
            st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=12), inner, max_size=5
        ),
    ),
    max_leaves=25,
)

# Tree sizes, with the edges of tiles and of powers of two drawn often.
tree_sizes = st.one_of(
    st.integers(1, 300),
    st.sampled_from([1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 63, 64, 65, 127, 128, 129, 255, 256, 257]),
)
salts = st.binary(max_size=16)
hash_bits = st.integers(0, 8 * HASH_SIZE - 1)

# --- movement networks -------------------------------------------------------------------

# Movements among six premises over eight days: (origin, destination, day, head, vehicle).
network_movements = st.lists(
    st.tuples(
        st.integers(0, 5),
        st.integers(0, 5),
        st.integers(0, 7),
        st.integers(1, 9),
        st.integers(0, 2),
    ).filter(lambda m: m[0] != m[1]),
    max_size=14,
)
