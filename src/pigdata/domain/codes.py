"""Identifier codes of the trade: ear tags, premises registration codes, certificates, plates.

Each parser takes what a person typed (spaces and hyphens allowed) and gives the canonical
form, or raises a bilingual rule error. Sources are in DOMAIN.md: ear tags by Ministry of
Agriculture order No. 67 (2006), registration codes as county code + 4-digit serial.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

from pigdata.domain import regions
from pigdata.domain.issues import rule_error


class Species(StrEnum):
    """Species named by the first digit of an ear tag."""

    pig = "pig"
    cattle = "cattle"
    sheep = "sheep"


SPECIES_DIGIT: dict[Species, str] = {Species.pig: "1", Species.cattle: "2", Species.sheep: "3"}

_SEPARATORS = re.compile(r"[\s\-_]")
_DIGITS_15 = re.compile(r"\d{15}")
_DIGITS_10 = re.compile(r"\d{10}")
_CERTIFICATE = re.compile(r"[0-9A-Z]{6,24}")
_PLATE = re.compile(
    r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼]"
    r"[A-HJ-NP-Z][A-HJ-NP-Z0-9]{4,5}[A-HJ-NP-Z0-9挂学警港澳]"
)


# Ear tags are unique, so parse_ear_tag's own cache seldom hits; the county part repeats.
is_county = lru_cache(maxsize=1 << 14)(regions.is_county)


def _compact(text: str) -> str:
    if text.isdigit():  # the common case, and the cheapest to check
        return text
    return _SEPARATORS.sub("", text).upper()


@lru_cache(maxsize=1 << 16)
def parse_ear_tag(text: str) -> str:
    """Give the 15-digit ear tag S-CCCCCC-NNNNNNNN, checking its county code exists."""
    tag = _compact(text)
    if not _DIGITS_15.fullmatch(tag):
        raise rule_error(
            "ear_tag.format",
            f"耳标号“{text}”应为15位数字（1位畜种+6位县级区划代码+8位序号）",
            f"ear tag '{text}' must be 15 digits (species, 6-digit county code, 8-digit serial)",
        )
    if tag[0] not in SPECIES_DIGIT.values():
        raise rule_error(
            "ear_tag.species",
            f"耳标号“{tag}”的畜种码 {tag[0]} 不存在（猪为1）",
            f"ear tag '{tag}' has unknown species digit {tag[0]} (pig is 1)",
        )
    if not is_county(tag[1:7]):
        raise rule_error(
            "ear_tag.county",
            f"耳标号“{tag}”中的县级区划代码 {tag[1:7]} 不存在",
            f"ear tag '{tag}' names county code {tag[1:7]}, which does not exist",
        )
    return tag


def ear_tag_species(tag: str) -> Species:
    """Give the species that a canonical ear tag's first digit names."""
    for species, digit in SPECIES_DIGIT.items():
        if tag[0] == digit:
            return species
    raise ValueError(tag)


@lru_cache(maxsize=1 << 16)
def parse_registration_code(text: str) -> str:
    """Give the 10-digit premises registration code: county code + 4-digit serial."""
    code = _compact(text)
    if not _DIGITS_10.fullmatch(code):
        raise rule_error(
            "premises_code.format",
            f"备案编码“{text}”应为10位数字（6位县级区划代码+4位序号）",
            f"registration code '{text}' must be 10 digits (6-digit county code, 4-digit serial)",
        )
    if not is_county(code[:6]):
        raise rule_error(
            "premises_code.county",
            f"备案编码“{code}”中的县级区划代码 {code[:6]} 不存在",
            f"registration code '{code}' names county code {code[:6]}, which does not exist",
        )
    return code


@lru_cache(maxsize=1 << 16)
def parse_township(text: str) -> str:
    """Give a 9-digit township or street code that exists."""
    code = _compact(text)
    if not regions.is_township(code):
        raise rule_error(
            "township.exists",
            f"乡镇（街道）代码“{text}”不存在，应为9位代码",
            f"township code '{text}' does not exist; a 9-digit township or street code is needed",
        )
    return code


@lru_cache(maxsize=1 << 16)
def parse_division(text: str) -> str:
    """Give an existing 6-digit or 9-digit administrative division code."""
    code = _compact(text)
    if regions.lookup(code) is None:
        raise rule_error(
            "division.exists",
            f"行政区划代码“{text}”不存在",
            f"administrative division code '{text}' does not exist",
        )
    return code


def parse_certificate_number(text: str) -> str:
    """Give a quarantine certificate number: 6 to 24 letters or digits."""
    number = _compact(text)
    if not _CERTIFICATE.fullmatch(number):
        raise rule_error(
            "certificate.format",
            f"检疫证明编号“{text}”应为6至24位字母或数字",
            f"certificate number '{text}' must be 6 to 24 letters or digits",
        )
    return number


def parse_vehicle_plate(text: str) -> str:
    """Give a Chinese vehicle plate such as 渝B12345, upper-cased and without spaces."""
    plate = _compact(text)
    if not _PLATE.fullmatch(plate):
        raise rule_error(
            "vehicle_plate.format",
            f"车牌号“{text}”格式不正确（例：渝B12345）",
            f"vehicle plate '{text}' is not a valid plate (e.g. 渝B12345)",
        )
    return plate
