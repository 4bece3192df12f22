"""Why a record was refused: the field, the rule and a message in Chinese and English."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from pydantic_core import PydanticCustomError


@dataclass(frozen=True, slots=True)
class Issue:
    """One broken rule of one record."""

    field: str
    rule: str
    zh: str
    en: str

    def describe(self) -> str:
        """Give the issue as one bilingual line."""
        return f"{self.field}: {self.zh} / {self.en} [{self.rule}]"

    def as_dict(self) -> dict[str, str]:
        """Give the issue as a JSON-ready mapping."""
        return {"field": self.field, "rule": self.rule, "zh": self.zh, "en": self.en}


def rule_error(rule: str, zh: str, en: str, field: str | None = None) -> PydanticCustomError:
    """Give a validation error that carries our rule name, both languages and the field.

    `field` is for rules checked across fields, whose error pydantic places on the record.
    """
    context = {"zh": zh, "en": en} if field is None else {"zh": zh, "en": en, "field": field}
    return PydanticCustomError(rule, "{zh} / {en}", context)


# Pydantic's own error types, put into the rule vocabulary and into Chinese.
_PYDANTIC_RULES: dict[str, tuple[str, str]] = {
    "missing": ("required", "缺少必填字段"),
    "string_too_short": ("length", "内容太短或为空"),
    "string_too_long": ("length", "内容太长"),
    "string_pattern_mismatch": ("format", "格式不正确"),
    "string_type": ("type", "应为文本"),
    "int_parsing": ("integer", "应为整数"),
    "int_type": ("integer", "应为整数"),
    "int_from_float": ("integer", "应为整数，不能有小数"),
    "decimal_parsing": ("decimal", "应为数字"),
    "decimal_type": ("decimal", "应为数字"),
    "decimal_max_places": ("decimal", "小数位数太多"),
    "decimal_max_digits": ("decimal", "数字位数太多"),
    "greater_than_equal": ("range", "数值太小"),
    "greater_than": ("range", "数值太小"),
    "less_than_equal": ("range", "数值太大"),
    "less_than": ("range", "数值太大"),
    "date_from_datetime_parsing": ("date", "应为日期（YYYY-MM-DD）"),
    "date_parsing": ("date", "应为日期（YYYY-MM-DD）"),
    "date_type": ("date", "应为日期（YYYY-MM-DD）"),
    "literal_error": ("choice", "不是允许的取值"),
    "enum": ("choice", "不是允许的取值"),
    "extra_forbidden": ("unknown_field", "不认识的字段"),
    "list_type": ("type", "应为列表"),
    "too_long": ("length", "条目太多"),
    "bool_parsing": ("boolean", "应为是/否"),
    "union_tag_invalid": ("kind", "记录类型不存在"),
    "union_tag_not_found": ("kind", "缺少记录类型 kind"),
    "model_attributes_type": ("type", "应为对象"),
    "dict_type": ("type", "应为对象"),
}


def _field_path(location: tuple[Any, ...]) -> str:
    # Discriminated unions put the tag value first in the location; it is not a field.
    parts = [str(p) for p in location]
    return ".".join(parts) if parts else "record"


def issues_from_validation(error: ValidationError, kind: str | None = None) -> list[Issue]:
    """Give one Issue per error that pydantic found, rule names and Chinese included."""
    found: list[Issue] = []
    for detail in error.errors(include_url=False):
        location = tuple(detail["loc"])
        if kind is not None and location and location[0] == kind:
            location = location[1:]
        ctx = detail.get("ctx") or {}
        if "zh" in ctx and "en" in ctx:
            path = _field_path(location + ((ctx["field"],) if "field" in ctx else ()))
            found.append(Issue(path, detail["type"], ctx["zh"], ctx["en"]))
            continue
        rule, zh = _PYDANTIC_RULES.get(detail["type"], (detail["type"], "取值不符合要求"))
        found.append(Issue(_field_path(location), rule, zh, detail["msg"]))
    return found
