"""Cross-record rules, checked against what the store and the batch already hold.

Each check gives Issues naming the field and the rule in Chinese and English; an empty list
means the record may be appended. Field-level rules live on the record types themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from pigdata.access.principal import Principal, Role
from pigdata.domain.issues import Issue
from pigdata.domain.records import (
    AnyRecord,
    Correction,
    Movement,
    Premises,
)
from pigdata.ingest.context import BatchContext
from pigdata.ingest.movement_control import check_movement
from pigdata.ingest.quarantine_checks import check_quarantine
from pigdata.projections.kinds import BY_NAME


def _future_dates(record: AnyRecord, today: date) -> list[Issue]:
    return [
        Issue(
            name,
            "date.not_future",
            f"日期 {value} 晚于今天 {today}",
            f"date {value} is after today ({today})",
        )
        for name, value in record.dates()
        if value > today
    ]


def _premises_known(record: AnyRecord, ctx: BatchContext) -> list[Issue]:
    found: list[Issue] = []
    fields = () if isinstance(record, Premises) else record.premises_fields()
    for name, code in fields:
        info = ctx.premises.get(code)
        if info is None:
            found.append(
                Issue(
                    name,
                    "premises.exists",
                    f"场所 {code} 未备案",
                    f"premises {code} is not registered",
                )
            )
            continue
        wanted = BY_NAME[record.kind].premises_types.get(name)
        if wanted and info.premises_type != wanted[0]:
            found.append(
                Issue(
                    name,
                    "premises.type",
                    f"场所 {code} 不是{wanted[1]}",
                    f"premises {code} is not a {wanted[0]}",
                )
            )
    return found


def _not_before_birth(field: str, when: date, tags: list[str], ctx: BatchContext) -> list[Issue]:
    found: list[Issue] = []
    for tag in tags:
        born = ctx.births.get(tag)
        if born is not None and when < born:
            found.append(
                Issue(
                    field,
                    "animal.before_birth",
                    f"耳标 {tag} 的动物 {born} 出生，早于出生不能有此记录（{when}）",
                    f"animal {tag} was born {born}, after this record's date {when}",
                )
            )
    return found


def _unique_keys(record: AnyRecord, ctx: BatchContext) -> list[Issue]:
    """Give the unique key this record would share with an effective entry, if any."""
    unique = BY_NAME[record.kind].unique
    if unique is None:
        return []
    held = ctx.unique_keys[unique.name]
    for key in unique.keys(record):
        if (seq := ctx.holder(held, key)) is not None:
            zh, en = unique.message(record, key, seq)
            return [Issue(unique.field, unique.rule, zh, en)]
    return []


def _timeline(record: AnyRecord, ctx: BatchContext) -> list[Issue]:
    timeline = BY_NAME[record.kind].timeline
    if timeline is None:
        return []
    return _not_before_birth(timeline.field, timeline.day(record), timeline.tags(record), ctx)


def _may_submit(record: AnyRecord, ctx: BatchContext, who: Principal) -> list[Issue]:
    """Give the scope refusal when this principal may not write this plain record."""
    if who.role is Role.admin:
        return []
    refused = [
        Issue(
            "record",
            "access.scope",
            f"{who.submitter} 无权提交此记录",
            f"{who.submitter} may not submit this record",
        )
    ]
    if who.role is Role.public or (isinstance(record, Premises) and who.role is Role.farm):
        return refused
    owned = record.premises_refs()
    if isinstance(record, Movement) and who.role is Role.government:
        owned = owned[:1]  # the certificate is issued where the pigs leave (产地检疫)
    if who.role is Role.farm:
        return [] if who.scope in owned else refused
    if isinstance(record, Premises):
        # Both where the record puts the premises and where the store has it (if anywhere).
        if not who.covers_premises(record.code, record.township):
            return refused
        if record.code not in ctx.premises:
            return []
    location = getattr(record, "location", None)
    if not owned and isinstance(location, str):
        return [] if who.covers_division(location) else refused
    for code in owned:
        info = ctx.premises.get(code)
        if not who.covers_premises(code, info.township if info else None):
            return refused
    return []


def _correction(record: Correction, ctx: BatchContext, who: Principal) -> list[Issue]:
    """Give what is wrong with a correction's target, the principal's right to it first."""
    target = ctx.entries.get(record.supersedes)
    if target is None:
        return [
            Issue(
                "supersedes",
                "correction.target_exists",
                f"被更正的条目 {record.supersedes} 不存在",
                f"entry {record.supersedes} does not exist",
            )
        ]
    if target.record is None:
        return [
            Issue(
                "supersedes",
                "correction.target_is_retraction",
                "撤销型更正不能再被更正，请重新提交原记录",
                "a correction without replacement cannot be superseded; send the record again",
            )
        ]
    # Whoever may not write the entry may not supersede it either; asked before anything
    # else so that a refusal tells nothing more about the entry.
    if refused := _may_submit(target.record, ctx, who):
        return [Issue("supersedes", r.rule, r.zh, r.en) for r in refused]
    if record.supersedes in ctx.superseded:
        return [
            Issue(
                "supersedes",
                "correction.once",
                f"条目 {record.supersedes} 已被更正过",
                f"entry {record.supersedes} was already superseded",
            )
        ]
    if record.replacement is not None and record.replacement.kind != target.kind:
        return [
            Issue(
                "replacement.kind",
                "correction.same_kind",
                f"替换记录应为 {target.kind} 类型",
                f"the replacement must be a {target.kind} record",
            )
        ]
    return []


Check = Callable[[AnyRecord, BatchContext], list[Issue]]
_STORE_CHECKS: tuple[Check, ...] = (_premises_known, _unique_keys, _timeline)


def check_record(record: AnyRecord, ctx: BatchContext, today: date, who: Principal) -> list[Issue]:
    """Give every cross-record rule this record breaks; empty when it may be appended.

    A correction's replacement is written as surely as a new record, so it passes exactly
    the checks a new record passes (check_plain); the correction adds only that its target
    exists, may be superseded, and may be written by this principal.
    """
    if not isinstance(record, Correction):
        return check_plain(record, ctx, today, who)
    issues = _correction(record, ctx, who)
    if issues or record.replacement is None:
        return issues
    # The replacement may reuse the keys of the entry it replaces.
    ctx.released.add(record.supersedes)
    issues = [_prefixed(i) for i in check_plain(record.replacement, ctx, today, who)]
    if issues:
        ctx.released.discard(record.supersedes)
    return issues


def scope_refusal(record: AnyRecord, ctx: BatchContext, who: Principal) -> list[Issue]:
    """Give the scope refusal of a record already in the ledger, sent again.

    Only someone who may write a record is told it is already present: to anyone else the
    answer would confirm what another premises' record says.
    """
    if not isinstance(record, Correction):
        return _may_submit(record, ctx, who)
    target = ctx.entries.get(record.supersedes)
    for written in (target.record if target else None, record.replacement):
        if written is not None and (refused := _may_submit(written, ctx, who)):
            return refused
    return []


def check_plain(record: AnyRecord, ctx: BatchContext, today: date, who: Principal) -> list[Issue]:
    """Give the rules a record other than a correction breaks: scope, store, movement control.

    The scope comes first and alone: a record its sender may not write is refused for that,
    whatever the store holds, so a refusal tells nothing of other premises' records.
    """
    if refused := _may_submit(record, ctx, who):
        return refused
    issues = _future_dates(record, today)
    for check in _STORE_CHECKS:
        issues += check(record, ctx)
    if isinstance(record, Movement) and not issues:
        issues += check_movement(record, ctx.control, who, ctx.premises)
    if not issues:
        issues += check_quarantine(record, ctx.quarantine, ctx.premises_type, ctx.pedigree_seq)
    return issues


def _prefixed(issue: Issue) -> Issue:
    if issue.field.startswith("replacement."):
        return issue
    return Issue(f"replacement.{issue.field}", issue.rule, issue.zh, issue.en)
