"""The disclosure rule and complementary suppression, as invariants over any parts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pigdata.domain.disclosure_rules import (
    DOMINANCE,
    MIN_CONTRIBUTORS,
    Cell,
    merge_all,
    sensitive,
)
from pigdata.services.disclosure import judge, protect_parts


def test_the_primary_rules() -> None:
    assert sensitive(Cell(1, 123.0, (123.0,))) == MIN_CONTRIBUTORS
    assert sensitive(Cell(5, 250.0, (52.0,))) is None
    assert sensitive(Cell(5, 1040.0, (1000.0,))) == DOMINANCE
    assert sensitive(Cell(5, 100.0, (85.0,))) is None  # exactly k % is not more than k %
    assert sensitive(Cell(0, 0.0)) is None  # nobody to disclose
    assert sensitive(Cell(6, 0.0, (0.0,))) is None


farm = st.integers(min_value=0, max_value=2_000)
part = st.lists(farm, min_size=0, max_size=8)


def _cell(values: list[int]) -> Cell:
    return Cell(len(values), float(sum(values)), (float(max(values, default=0)),))


@given(st.lists(part, min_size=1, max_size=8))
def test_withheld_parts_cannot_be_recovered_from_the_whole(parts: list[list[int]]) -> None:
    cells = {i: {"sows": _cell(values)} for i, values in enumerate(parts)}
    whole = {"sows": merge_all(c["sows"] for c in cells.values())}
    withheld = {i: judge(c) for i, c in cells.items()}
    primary = {i for i, w in withheld.items() if w}
    protect_parts(whole, cells, withheld)
    hidden = {i for i, w in withheld.items() if w}
    assert primary <= hidden  # nothing withheld is shown again
    if sensitive(whole["sows"]) is None and hidden:
        together = merge_all(cells[i]["sows"] for i in hidden)
        shown = [i for i in cells if i not in hidden and cells[i]["sows"].contributors]
        # The whole less the shown parts is the withheld parts together: it must pass the
        # rule, unless nothing is left to withhold.
        assert sensitive(together) is None or not shown
