"""Model files: what they say reaches the design, and bad entries are refused by rule."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pigdata.breeding.mixed.design import load_design
from pigdata.breeding.mixed.model import ModelError, read_model


def _files(tmp_path: Path, model: str) -> Path:
    (tmp_path / "ped.csv").write_text("ID,SIRE,DAM\n1,0,0\n2,0,0\n3,1,2\n4,1,2\n5,1,0\n")
    (tmp_path / "rec.csv").write_text(
        "ID,y,pen,w\n3,1.5,a,10\n4,2.5,.,11\n5,.,a,12\n6,0.5,b,8\n3,1.0,b,9\n"
    )
    path = tmp_path / "m.toml"
    path.write_text(model, encoding="utf-8")
    return path


def test_classes_covariates_pedigree_columns_and_missing_values_reach_the_design(
    tmp_path: Path,
) -> None:
    path = _files(
        tmp_path,
        'trait = "y"\npedigree = "ped.csv"\nrecords = "rec.csv"\n'
        '[[fixed]]\ncolumn = "pen"\n[[fixed]]\ncolumn = "w"\ntype = "covariate"\n'
        '[[random]]\nname = "dam"\ncolumn = "DAM"\nvariance = 0.1\n'
        '[[random]]\ntype = "animal"\nvariance = 0.2\n[residual]\nvariance = 0.7\n',
    )
    design = load_design(read_model(path))
    # y missing (animal 5) drops a record; 6, not in the pedigree, joins it as a founder
    assert design.records == 4 and design.dropped == 1
    assert design.fixed_names == ("mean", "pen=a", "pen=b", "w")  # "." is a level: first
    np.testing.assert_allclose(design.x.toarray()[:, 3], [10, 11, 8, 9])
    dam, animal = design.blocks
    assert list(dam.levels) == ["", "2"]  # the dam of 3 and 4 from the pedigree; 6 has none
    assert animal.size == 6 and design.pedigree is not None
    assert sorted(design.pedigree.ids.tolist()) == ["1", "2", "3", "4", "5", "6"]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ('records = "rec.csv"\n', "model.description"),
        ('trait = "y"\nrecords = "rec.csv"\n[[random]]\ntype = "animal"\n', "model.description"),
        (
            'trait = "y"\nrecords = "rec.csv"\n[[random]]\ncolumn = "pen"\nvariance = -1\n',
            "model.description",
        ),
        ('trait = "y"\nrecords = "nowhere.csv"\n', "model.file"),
        (
            'trait = "w"\nrecords = "rec.csv"\n[[fixed]]\ncolumn = "pen"\ntype = "covariate"\n',
            "model.column",
        ),
        ('trait = "y"\nrecords = "rec.csv"\nmean = false\n', "model.no_fixed"),
        ('trait = "y = 1\n', "model.file"),
    ],
)
def test_bad_model_files_are_refused_by_rule(tmp_path: Path, text: str, rule: str) -> None:
    path = _files(tmp_path, text)
    with pytest.raises(ModelError) as caught:
        load_design(read_model(path))
    assert caught.value.rule == rule
    assert caught.value.zh and caught.value.en
