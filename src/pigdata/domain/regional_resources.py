"""Data of the regional-resources service: farm size classes, native breeds, pig equivalents.

Each table says where it comes from; what could not be checked against the primary text is
marked unverified and can be replaced here without touching the service.
"""

from __future__ import annotations

from dataclasses import dataclass

SIZE_CLASSES_SOURCE = (
    "annual hogs sold for slaughter (年出栏) classes of China's livestock statistics "
    "(中国畜牧兽医年鉴 scale tables) — unverified against the yearbook; the 500-head bound "
    "is the registration threshold of DOMAIN.md"
)


@dataclass(frozen=True, slots=True)
class SizeClass:
    """Farms selling from `low` to `high` (inclusive; None = no upper bound) hogs a year."""

    name: str
    low: int
    high: int | None


SIZE_CLASSES: tuple[SizeClass, ...] = (
    SizeClass("0", 0, 0),
    SizeClass("1-49", 1, 49),
    SizeClass("50-99", 50, 99),
    SizeClass("100-499", 100, 499),
    SizeClass("500-999", 500, 999),
    SizeClass("1000-2999", 1000, 2999),
    SizeClass("3000-4999", 3000, 4999),
    SizeClass("5000-9999", 5000, 9999),
    SizeClass("10000-49999", 10000, 49999),
    SizeClass("50000+", 50000, None),
)
SCALE_FARM_HEAD_PER_YEAR = 500  # DOMAIN.md: farms selling 500+ pigs a year must register

# Native Chinese pig breeds shown on their own (a selection of the breeds of the national
# list of protected livestock genetic resources, 国家级畜禽遗传资源保护名录; not the whole list).
NATIVE_BREEDS: tuple[str, ...] = (
    "荣昌猪",
    "内江猪",
    "太湖猪",
    "梅山猪",
    "金华猪",
    "宁乡猪",
    "民猪",
    "八眉猪",
    "藏猪",
    "五指山猪",
    "两广小花猪",
    "成华猪",
)

# A tagged, intact pig at least this old counts as breeding stock: gilts are first served at
# about 7–8 months; market pigs leave at ~160–180 days (DOMAIN.md biology).
BREEDING_AGE_DAYS = 240

PIG_EQUIVALENTS_SOURCE = (
    "农业农村部办公厅《畜禽粪污土地承载力测算技术指南》(农办牧〔2018〕1号): one pig on hand "
    "(存栏) is one pig equivalent; 100 pigs ≈ 15 dairy cows ≈ 30 beef cattle ≈ 250 sheep ≈ "
    "2,500 poultry. Taken from secondary sources (unverified against the primary text); the "
    "same factor of 1 for every pig category is an assumption (unverified)"
)
# Pig equivalents per head on hand, by herd-report category.
PIG_EQUIVALENTS: dict[str, float] = {
    "breeding_sows": 1.0,
    "replacement_gilts": 1.0,
    "boars": 1.0,
    "piglets": 1.0,
    "finishers": 1.0,
}
