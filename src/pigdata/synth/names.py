"""Chinese names of people, farms and companies, vehicle plates and carriers, drawn at random.

Names are invented from common surnames and given-name characters; they name no real person.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛"
)
GIVEN = (
    "伟芳敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华玉兰萍红建国志德福贵成林春海云波兵忠文"
    "富荣昌顺发祥兴友良光明全学才进秋菊凤琴燕"
)
FIRM_WORDS = (
    "兴旺",
    "宏发",
    "丰裕",
    "鑫源",
    "顺达",
    "绿源",
    "金穗",
    "和顺",
    "盛康",
    "德润",
    "永丰",
    "惠农",
    "天佑",
    "康瑞",
    "聚丰",
    "汇德",
    "祥和",
    "裕隆",
    "恒昌",
    "瑞丰",
    "长盛",
    "富民",
)
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
PLATE_CHARS = "0123456789" * 3 + LETTERS  # plates are mostly digits

# Plate prefixes of the vehicles that serve a district, with weights: western Chongqing (渝C
# covers Yongchuan, Rongchang, Dazu ...), the city (渝A), and Sichuan (Neijiang 川K, Luzhou 川E).
_CHONGQING_PREFIXES = ("渝C", "渝A", "渝B")
_CHONGQING_WEIGHTS = (0.7, 0.2, 0.1)
_SICHUAN_PREFIXES = ("川K", "川E", "川A")
_SICHUAN_WEIGHTS = (0.5, 0.35, 0.15)


def person(rng: np.random.Generator) -> str:
    """Give a person's name: a surname and one or two given-name characters."""
    surname = SURNAMES[int(rng.integers(len(SURNAMES)))]
    length = 1 if rng.random() < 0.35 else 2
    picks = rng.integers(len(GIVEN), size=length)
    return surname + "".join(GIVEN[int(i)] for i in picks)


def firm_word(rng: np.random.Generator) -> str:
    """Give a two-character auspicious word for a company or farm name."""
    return FIRM_WORDS[int(rng.integers(len(FIRM_WORDS)))]


def plate(rng: np.random.Generator, prefix: str) -> str:
    """Give a plate with this province-and-city prefix, e.g. 渝C 5 characters."""
    picks = rng.integers(len(PLATE_CHARS), size=5)
    return prefix + "".join(PLATE_CHARS[int(i)] for i in picks)


@dataclass(frozen=True, slots=True)
class Fleet:
    """The livestock trucks of a district: plates and the carrier who runs each."""

    plates: tuple[str, ...]
    carriers: tuple[str, ...]
    sichuan: tuple[int, ...]  # indexes of the trucks registered in Sichuan


def _carrier_names(rng: np.random.Generator, county_short: str, count: int) -> list[str]:
    firms = max(1, count // 4)
    names: list[str] = []
    for i in range(count):
        if i < firms:
            names.append(f"{county_short}{firm_word(rng)}生猪运输有限公司")
        else:
            names.append(person(rng))
    return names


def fleet(rng: np.random.Generator, size: int, county_short: str) -> Fleet:
    """Give a fleet of trucks: about 85 % with Chongqing plates, the rest from Sichuan."""
    size = max(size, 8)
    carriers = _carrier_names(rng, county_short, max(4, size // 3))
    plates: list[str] = []
    owners: list[str] = []
    sichuan: list[int] = []
    seen: set[str] = set()
    while len(plates) < size:
        from_sichuan = rng.random() < 0.15
        prefixes, weights = (
            (_SICHUAN_PREFIXES, _SICHUAN_WEIGHTS)
            if from_sichuan
            else (_CHONGQING_PREFIXES, _CHONGQING_WEIGHTS)
        )
        text = plate(rng, prefixes[int(rng.choice(len(prefixes), p=weights))])
        if text in seen:
            continue
        seen.add(text)
        if from_sichuan:
            sichuan.append(len(plates))
        plates.append(text)
        owners.append(carriers[int(rng.integers(len(carriers)))])
    return Fleet(tuple(plates), tuple(owners), tuple(sichuan))


def short_county(name: str) -> str:
    """Give a county's name without its 区/县/市 suffix (荣昌区 → 荣昌), keeping two characters."""
    if len(name) > 2 and name[-1] in "区县市旗":
        return name[:-1]
    return name
