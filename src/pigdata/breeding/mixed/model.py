"""The description of a single-trait mixed model, read from a small TOML file.

    trait = "t1"                         # the column analysed
    pedigree = "pic_pedigree.csv"        # ID,SIRE,DAM (0 unknown); paths relative to this file
    records = "pic_phenotypes.csv"       # one row per record, a header of column names
    id = "ID"                            # the records' animal column (default "ID")
    missing = ["."]                      # cells that mean missing (also the empty cell)
    mean = true                          # an overall mean (default true)

    [[fixed]]                            # any number
    column = "herd"
    type = "class"                       # or "covariate" (a linear regression)

    [[random]]                           # any number; at most one of type "animal"
    name = "litter"
    column = "litter"                    # levels: the distinct values of the column
    type = "iid"                         # independent levels (litter, pen, group, PE)
    variance = 0.2                       # starting value for REML, or the value for BLUP

    [[random]]
    type = "animal"                      # additive genetic: var = A σ²_a, A from the pedigree
    variance = 0.3

    [residual]
    variance = 0.5

    [reml]
    max_iterations = 200
    tolerance = 1e-10                    # Σ(Δθ)² / Σθ² between iterations

A column the records file lacks is looked up in the pedigree file by the animal's ID (so
`column = "DAM"` gives a dam / common-litter effect). A record whose trait or covariate is
missing is left out; a missing class value (fixed or random) is a level of its own.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from pigdata import errors

FixedKind = Literal["class", "covariate"]
RandomKind = Literal["iid", "animal"]


class ModelError(errors.InvalidInput):
    """A model description that cannot be used."""

    title = "Unusable model description"
    rule = "model.description"


@dataclass(frozen=True, slots=True)
class FixedTerm:
    """A fixed effect: the levels of a class column, or a regression on a covariate."""

    column: str
    kind: FixedKind


@dataclass(frozen=True, slots=True)
class RandomTerm:
    """A random effect with its (starting) variance."""

    name: str
    column: str
    kind: RandomKind
    variance: float


@dataclass(frozen=True, slots=True)
class Model:
    """A single-trait mixed model and where its data are."""

    trait: str
    records: Path
    pedigree: Path | None
    id_column: str = "ID"
    missing: tuple[str, ...] = (".",)
    mean: bool = True
    fixed: tuple[FixedTerm, ...] = ()
    random: tuple[RandomTerm, ...] = ()
    residual: float = 1.0
    max_iterations: int = 200
    tolerance: float = 1e-10
    source: str = field(default="", compare=False)

    @property
    def animal(self) -> RandomTerm | None:
        """Give the additive animal effect, if the model has one."""
        return next((r for r in self.random if r.kind == "animal"), None)

    def with_variances(self, random: list[float], residual: float) -> Model:
        """Give the model with other variances (REML start values or BLUP values)."""
        if len(random) != len(self.random):
            raise ModelError(
                f"给出了 {len(random)} 个随机效应方差，模型有 {len(self.random)} 个",
                f"{len(random)} random-effect variances given for {len(self.random)} effects",
                rule="model.variances",
            )
        terms = tuple(replace(t, variance=v) for t, v in zip(self.random, random, strict=True))
        return replace(self, random=terms, residual=residual)


def _bad(zh: str, en: str, source: str) -> ModelError:
    return ModelError(f"{source}：{zh}", f"{source}: {en}")


def _positive(value: Any, what: str, source: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise _bad(f"{what} 必须是正数", f"{what} must be a positive number", source)
    return float(value)


def _text(table: dict[str, Any], key: str, source: str, default: str | None = None) -> str:
    value = table.get(key, default)
    if not isinstance(value, str) or not value:
        raise _bad(f"缺少文本项 {key}", f"the text entry {key} is missing", source)
    return value


def _fixed(entry: Any, source: str) -> FixedTerm:
    if not isinstance(entry, dict):
        raise _bad("[[fixed]] 必须是表", "[[fixed]] must be a table", source)
    kind = entry.get("type", "class")
    if kind not in ("class", "covariate"):
        raise _bad(f"未知的固定效应类型 {kind}", f"unknown fixed-effect type {kind}", source)
    return FixedTerm(_text(entry, "column", source), kind)


def _random(entry: Any, id_column: str, source: str) -> RandomTerm:
    if not isinstance(entry, dict):
        raise _bad("[[random]] 必须是表", "[[random]] must be a table", source)
    kind = entry.get("type", "iid")
    if kind not in ("iid", "animal"):
        raise _bad(f"未知的随机效应类型 {kind}", f"unknown random-effect type {kind}", source)
    column = _text(entry, "column", source, id_column if kind == "animal" else None)
    name = _text(entry, "name", source, "animal" if kind == "animal" else column)
    return RandomTerm(name, column, kind, _positive(entry.get("variance", 1.0), name, source))


def parse_model(document: dict[str, Any], base: Path, source: str) -> Model:
    """Give the model of a parsed TOML document; relative paths are taken from base."""
    id_column = _text(document, "id", source, "ID")
    random = tuple(_random(r, id_column, source) for r in document.get("random", []))
    if sum(r.kind == "animal" for r in random) > 1:
        raise _bad("最多一个 animal 随机效应", "at most one random effect of type animal", source)
    if len({r.name for r in random}) < len(random):
        raise _bad("随机效应名称重复", "two random effects have the same name", source)
    pedigree = document.get("pedigree")
    if any(r.kind == "animal" for r in random) and not isinstance(pedigree, str):
        raise _bad("animal 效应需要 pedigree 文件", "an animal effect needs a pedigree", source)
    missing = document.get("missing", ["."])
    reml = document.get("reml", {})
    residual = document.get("residual", {})
    mean = document.get("mean", True)
    iterations = reml.get("max_iterations", 200)
    if not isinstance(missing, list) or not all(isinstance(m, str) for m in missing):
        raise _bad("missing 必须是文本列表", "missing must be a list of texts", source)
    if not isinstance(mean, bool) or not isinstance(iterations, int) or iterations < 1:
        raise _bad("mean 或 max_iterations 无效", "mean or max_iterations is invalid", source)
    return Model(
        trait=_text(document, "trait", source),
        records=base / _text(document, "records", source),
        pedigree=base / pedigree if isinstance(pedigree, str) else None,
        id_column=id_column,
        missing=tuple(missing),
        mean=mean,
        fixed=tuple(_fixed(f, source) for f in document.get("fixed", [])),
        random=random,
        residual=_positive(residual.get("variance", 1.0), "residual", source),
        max_iterations=iterations,
        tolerance=_positive(reml.get("tolerance", 1e-10), "tolerance", source),
        source=source,
    )


def read_model(path: Path) -> Model:
    """Give the model described in a TOML file."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ModelError(
            f"无法读取模型文件 {path}：{error}",
            f"cannot read the model file {path}: {error}",
            rule="model.file",
        ) from error
    return parse_model(document, path.parent, str(path))
