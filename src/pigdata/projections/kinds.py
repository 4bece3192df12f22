"""Every record kind, declared once: its model, projection, unique key, timeline and names.

Adding a kind means one entry here (and its model and projection module). Everything that
differs by kind is derived from this table: the projections' row builders, the Chinese
names a 记录类型 column may give, the premises types a field must name, the unique-key and
timeline rules the write path checks (pigdata.ingest.rules), the facts a batch remembers
(pigdata.ingest.context). tests/test_kinds.py checks that every kind of the record union is
here, with a projection, a docs entry and Chinese headers for each of its fields.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa

from pigdata.domain.records import (
    Animal,
    Correction,
    HerdReport,
    ImportBatch,
    Movement,
    OutbreakReport,
    PedigreeAnimal,
    Phenotype,
    Premises,
    PremisesType,
    PriceQuote,
    QuarantineDecision,
    QuarantineTest,
    Slaughter,
    Trade,
    _Record,
)
from pigdata.projections import (
    animal,
    herd_report,
    movement,
    outbreak_report,
    pedigree,
    premises,
    price_quote,
    quarantine,
    slaughter,
    trade,
)
from pigdata.projections._values import Row

RowBuilder = Callable[[int, Row], list[tuple[sa.Table, Row]]]
# Chinese and English text of a broken rule, given the record, the key and its holder entry.
Message = Callable[[Any, Any, int], tuple[str, str]]


@dataclass(frozen=True, slots=True)
class UniqueKey:
    """A key no two effective entries may share (a correction frees its target's keys)."""

    name: str  # the batch context's map of this key (pigdata.ingest.context)
    field: str  # the field a broken rule names
    rule: str
    keys: Callable[[Any], tuple[Hashable, ...]]  # the keys a record holds
    message: Message


@dataclass(frozen=True, slots=True)
class Timeline:
    """A record about tagged animals that cannot be dated before they were born."""

    field: str
    day: Callable[[Any], date]
    tags: Callable[[Any], list[str]]


@dataclass(frozen=True, slots=True)
class Kind:
    """One record kind and everything the platform does differently for it."""

    name: str
    model: type[_Record]
    zh: str  # its name in a 记录类型 column
    docs: str  # what it records, as the kinds table of docs/records.md says
    rows: RowBuilder | None  # its projection rows (a correction's are the apply's own)
    unique: UniqueKey | None = None
    timeline: Timeline | None = None
    # Fields that must name a premises of a given type: field -> (type, its Chinese name).
    premises_types: Mapping[str, tuple[PremisesType, str]] = field(default_factory=dict)


def _pedigree_key(record: PedigreeAnimal) -> tuple[Hashable, ...]:
    return ((record.herdbook or "", record.registry_id),)


def _phenotype_key(record: Phenotype) -> tuple[Hashable, ...]:
    return ((record.herdbook or "", record.trait, record.registry_id),)


KINDS: tuple[Kind, ...] = (
    Kind(
        "premises",
        Premises,
        "场所",
        "a registered place",
        premises.rows,
        UniqueKey(
            "premises_seq",
            "code",
            rule="premises.registered_once",
            keys=lambda r: (r.code,),
            message=lambda r, key, seq: (
                f"场所 {key} 已备案，修改请提交更正",
                f"premises {key} is already registered; send a correction",
            ),
        ),
    ),
    Kind(
        "animal",
        Animal,
        "动物",
        "one tagged animal",
        animal.rows,
        UniqueKey(
            "animal_seq",
            "ear_tag",
            rule="animal.registered_once",
            keys=lambda r: (r.ear_tag,),
            message=lambda r, key, seq: (
                f"耳标 {key} 已登记（条目 {seq}），修改请提交更正",
                f"ear tag {key} is already registered (entry {seq}); send a correction",
            ),
        ),
    ),
    Kind(
        "herd_report",
        HerdReport,
        "存栏月报",
        "a farm's month",
        herd_report.rows,
        UniqueKey(
            "herd_keys",
            "month",
            rule="herd_report.once_a_month",
            keys=lambda r: ((r.premises, r.month),),
            message=lambda r, key, seq: (
                f"场所 {r.premises} 的 {r.month} 月报已提交（条目 {seq}），修改请提交更正",
                f"{r.premises} already reported {r.month} (entry {seq}); send a correction",
            ),
        ),
    ),
    Kind(
        "movement",
        Movement,
        "调运",
        "pigs moved under a quarantine certificate (动物检疫合格证明)",
        movement.rows,
        UniqueKey(
            "certificates",
            "certificate_no",
            rule="certificate.used_once",
            keys=lambda r: (r.certificate_no,),
            message=lambda r, key, seq: (
                f"检疫证明 {key} 已被条目 {seq} 使用",
                f"certificate {key} was already used by entry {seq}",
            ),
        ),
        Timeline("ear_tags", day=lambda r: r.issue_date, tags=lambda r: r.ear_tags),
    ),
    Kind(
        "trade",
        Trade,
        "交易",
        "a lot sold at a market",
        trade.rows,
        premises_types={"market": (PremisesType.market, "交易市场")},
    ),
    Kind(
        "slaughter",
        Slaughter,
        "屠宰",
        "a day's slaughter at a slaughterhouse",
        slaughter.rows,
        UniqueKey(
            "slaughtered",
            "ear_tags",
            rule="animal.slaughtered_once",
            keys=lambda r: tuple(r.ear_tags),
            message=lambda r, key, seq: (
                f"耳标 {key} 的动物已在条目 {seq} 屠宰",
                f"animal {key} was already slaughtered (entry {seq})",
            ),
        ),
        Timeline("ear_tags", day=lambda r: r.date, tags=lambda r: r.ear_tags),
        premises_types={"slaughterhouse": (PremisesType.slaughterhouse, "屠宰场")},
    ),
    Kind("price_quote", PriceQuote, "价格", "a price seen at a place", price_quote.rows),
    Kind(
        "outbreak_report",
        OutbreakReport,
        "疫情报告",
        "a disease report at a premises",
        outbreak_report.rows,
    ),
    Kind(
        "pedigree",
        PedigreeAnimal,
        "系谱",
        "an animal of a herdbook (良种登记) with its parents, by the herdbook's own IDs",
        pedigree.rows,
        UniqueKey(
            "pedigree_seq",
            "registry_id",
            rule="pedigree.duplicate_id",
            keys=_pedigree_key,
            message=lambda r, key, seq: (
                f"系谱 {r.herdbook or '-'} 中个体号 {r.registry_id} 已登记（条目 {seq}），"
                "修改请提交更正",
                f"ID {r.registry_id} is already in herdbook {r.herdbook or '-'} (entry {seq}); "
                "send a correction",
            ),
        ),
    ),
    Kind(
        "phenotype",
        Phenotype,
        "性能测定",
        "one performance record (性能测定) of a herdbook animal",
        pedigree.phenotype_rows,
        UniqueKey(
            "phenotype_seq",
            "trait",
            rule="phenotype.once_per_trait",
            keys=_phenotype_key,
            message=lambda r, key, seq: (
                f"个体 {r.registry_id} 的性状 {r.trait} 已有记录（条目 {seq}），修改请提交更正",
                f"{r.registry_id} already has a {r.trait} record (entry {seq}); send a correction",
            ),
        ),
    ),
    # --- the import breeding-pig quarantine station (docs/quarantine.md) ---
    Kind(
        "import_batch",
        ImportBatch,
        "进境种猪批次",
        "imported breeding pigs arrived at a quarantine station for isolation",
        quarantine.batch_rows,
        UniqueKey(
            "quarantine_batches",
            "batch_id",
            rule="import_batch.registered_once",
            keys=lambda r: (r.batch_id,),
            message=lambda r, key, seq: (
                f"进境批次 {key} 已登记（条目 {seq}），修改请提交更正",
                f"import batch {key} is already registered (entry {seq}); send a correction",
            ),
        ),
        premises_types={"station": (PremisesType.quarantine_station, "隔离检疫场")},
    ),
    Kind(
        "quarantine_test",
        QuarantineTest,
        "隔离检测",
        "a sample of an import batch in isolation and its test result",
        quarantine.test_rows,
        premises_types={"station": (PremisesType.quarantine_station, "隔离检疫场")},
    ),
    Kind(
        "quarantine_decision",
        QuarantineDecision,
        "隔离处理决定",
        "the end of a batch's isolation: release to named farms, or destruction",
        quarantine.decision_rows,
        UniqueKey(
            "quarantine_decided",
            "batch_id",
            rule="quarantine.decided_once",
            keys=lambda r: (r.batch_id,),
            message=lambda r, key, seq: (
                f"进境批次 {key} 已有处理决定（条目 {seq}）",
                f"import batch {key} was already decided (entry {seq})",
            ),
        ),
        premises_types={"station": (PremisesType.quarantine_station, "隔离检疫场")},
    ),
    Kind("correction", Correction, "更正", "supersedes an earlier ledger entry", None),
)

BY_NAME: Mapping[str, Kind] = {kind.name: kind for kind in KINDS}
BY_MODEL: Mapping[type, Kind] = {kind.model: kind for kind in KINDS}
ROW_BUILDERS: Mapping[str, RowBuilder] = {k.name: k.rows for k in KINDS if k.rows is not None}
KIND_NAMES_ZH: Mapping[str, str] = {kind.zh: kind.name for kind in KINDS}
