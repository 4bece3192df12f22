"""Column headers in Chinese or English, and record kinds by their Chinese names.

A header is matched after trimming and lower-casing, with spaces and hyphens read as
underscores, so "Ear Tag", "ear-tag" and "ear_tag" are one header. docs/ingest.md lists the
same table; a test checks that the two agree.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from pigdata.projections.kinds import KIND_NAMES_ZH

# canonical field -> Chinese headers accepted for it
FIELD_ALIASES_ZH: dict[str, tuple[str, ...]] = {
    "kind": ("记录类型", "类型"),
    "code": ("备案编码", "场所编码", "养殖场备案编码"),
    "premises_type": ("场所类型",),
    "name": ("名称", "场所名称"),
    "township": ("乡镇代码", "乡镇街道代码"),
    "latitude": ("纬度",),
    "longitude": ("经度",),
    "capacity_sows": ("能繁母猪设计存栏", "母猪产能"),
    "capacity_finishing": ("育肥设计存栏", "育肥产能"),
    "owner": ("负责人", "业主", "货主"),
    "opened": ("开办日期",),
    "closed": ("关闭日期",),
    "signing_key": ("签名公钥", "验签公钥"),
    "ear_tag": ("耳标号", "耳标"),
    "species": ("畜种",),
    "breed": ("品种",),
    "sex": ("性别",),
    "birth_date": ("出生日期",),
    "birth_premises": ("出生场所", "出生场"),
    "sire": ("父本耳标号", "父本"),
    "dam": ("母本耳标号", "母本"),
    "premises": ("场所", "养殖场"),
    "month": ("月份", "报告月份"),
    "breeding_sows": ("能繁母猪", "能繁母猪存栏"),
    "replacement_gilts": ("后备母猪",),
    "boars": ("种公猪",),
    "piglets": ("仔猪",),
    "finishers": ("育肥猪",),
    "matings": ("配种数", "配种"),
    "farrowings": ("分娩窝数", "分娩"),
    "born_alive": ("产活仔数", "活产仔数"),
    "weaned": ("断奶仔猪数", "断奶数"),
    "deaths": ("死亡数", "死亡"),
    "sold_for_slaughter": ("出栏数", "出栏"),
    "moved_in": ("调入数", "调入"),
    "moved_out": ("调出数", "调出"),
    "feed_used_kg": ("饲料用量", "饲料用量公斤"),
    "certificate_no": ("检疫证明编号", "检疫证号", "证明编号"),
    "certificate_type": ("证明类型", "检疫证类型"),
    "issue_date": ("签发日期", "开具日期"),
    "origin": ("起运地", "启运地", "起运场所"),
    "destination": ("到达地", "目的地", "到达场所"),
    "head_count": ("头数", "数量"),
    "ear_tags": ("耳标号列表", "耳标列表"),
    "purpose": ("用途",),
    "vehicle_plate": ("车牌号", "运载工具牌号"),
    "carrier": ("承运人",),
    "override_reason": ("放行理由", "特许放行理由"),
    "market": ("市场", "交易市场"),
    "date": ("日期",),
    "avg_weight_kg": ("平均体重", "均重"),
    "avg_price": ("平均价格", "均价"),
    "seller": ("卖方",),
    "buyer": ("买方",),
    "slaughterhouse": ("屠宰场", "屠宰企业"),
    "carcass_weight_kg": ("胴体重", "白条重量"),
    "location": ("地点", "采集点"),
    "item": ("品种项目", "价格项目", "项目"),
    "price": ("价格",),
    "unit": ("单位",),
    "outbreak_id": ("疫情编号",),
    "disease": ("疫病", "病种"),
    "status": ("状态",),
    "report_date": ("报告日期",),
    "onset_date": ("发病日期",),
    "confirmed_date": ("确诊日期",),
    "last_culling_date": ("最后扑杀日期",),
    "resolved_date": ("解除日期",),
    "culled": ("扑杀数",),
    "herdbook": ("系谱登记簿", "良种登记簿"),
    "registry_id": ("个体号", "登记号", "系谱号"),
    "birth_year": ("出生年份",),
    "herd": ("所在场", "保种场"),
    "trait": ("性状",),
    "value": ("测定值", "性状值"),
    "group": ("同期组", "场年季"),
    "supersedes": ("更正条目", "被更正序号"),
    "reason": ("更正原因", "原因"),
    "replacement": ("替换记录",),
    # the quarantine station's kinds
    "batch_id": ("进境批次号", "批次号"),
    "station": ("隔离检疫场", "隔离场"),
    "origin_country": ("输出国家", "来源国"),
    "origin_farm": ("输出场", "境外来源场"),
    "foreign_ids": ("境外个体号", "原耳号"),
    "import_permit": ("进境检疫许可证号", "许可证号"),
    "arrival_date": ("到场日期", "入场日期"),
    "pens": ("栏舍", "隔离栏舍"),
    "sample_date": ("采样日期",),
    "method": ("检测方法",),
    "result": ("检测结果",),
    "samples": ("采样数",),
    "outcome": ("处理决定", "处理结果"),
    "releases": ("放行去向",),
}

# English headers other than the field names themselves (herdbook files from other programs)
FIELD_ALIASES_EN: dict[str, tuple[str, ...]] = {
    "registry_id": ("id", "animal_id", "individual"),
}

# Chinese names of record kinds, for a 记录类型 column (declared with each kind)
KIND_ALIASES_ZH: Mapping[str, str] = KIND_NAMES_ZH

# Columns that a rejects CSV adds; a reader drops them so that a fixed file can be resent.
REJECT_COLUMN_PREFIX = "reject_"

_SEPARATOR = re.compile(r"[\s\-]+")
_LOOKUP: dict[str, str] = {}
for _field, _aliases in (*FIELD_ALIASES_ZH.items(), *FIELD_ALIASES_EN.items()):
    _LOOKUP[_field] = _field
    for _alias in _aliases:
        _LOOKUP[_alias] = _field


def normalise_header(header: str) -> str:
    """Give a header trimmed, lower-cased, with spaces and hyphens as underscores."""
    return _SEPARATOR.sub("_", header.strip().lower())


def field_for_header(header: str) -> str | None:
    """Give the canonical field a header names, or None for a column we do not know."""
    key = normalise_header(header)
    if key.startswith(REJECT_COLUMN_PREFIX):
        return None
    return _LOOKUP.get(key, key)


def kind_for_text(text: str) -> str:
    """Give the record kind that a 记录类型 cell names, in Chinese or English."""
    value = text.strip()
    return KIND_ALIASES_ZH.get(value, value.lower())
