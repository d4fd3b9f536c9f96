"""Names and addresses of Hangzhou organisations by industry group.

:class:`NameMaker` returns a name that was not returned before by the same maker
(it retries, then falls back to patterns with a practically unlimited range), with
the registration authority and entity type its credit code should carry (GB 32100:
``91`` enterprise, ``11`` government body, ``12`` public institution).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from kamdesk.services.demo.vocab_companies import (
    BANK_NAMES,
    CITY_BODIES,
    INDUSTRY_WORDS,
    ORG_FORMS,
    PARTY_GOV_BODIES,
    SCHOOL_ORDINALS,
    TRADE_NAMES,
)
from kamdesk.services.demo.vocab_places import (
    CITY,
    CITY_SHORT,
    DISTRICTS,
    PROVINCE,
    PROVINCE_SHORT,
    District,
)

ENTERPRISE = ("9", "1")
GOVERNMENT = ("1", "1")
INSTITUTION = ("1", "2")

Named = tuple[str, tuple[str, str]]


def short(district: District) -> str:
    """上城区 → 上城."""
    return district.name[:-1]


class NameMaker:
    """Unique organisation names for one demo database."""

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng
        self._seen: set[str] = set()
        self._unit = rng.randrange(31000, 32000)
        self._makers: dict[str, Callable[[District], Named]] = {
            "it": self._company,
            "finance": self._finance,
            "tourism": self._tourism,
            "party_government_military": self._government,
            "science_education_culture_health": self._education_health,
            "general_1": self._company,
            "general_2": self._company,
        }
        self._group = "it"

    def claim(self, name: str) -> bool:
        """Record ``name`` as taken; False if it was taken already."""
        if name in self._seen:
            return False
        self._seen.add(name)
        return True

    def make(self, group: str, district: District) -> Named:
        self._group = group
        maker = self._makers[group]
        for _ in range(12):
            name, code = maker(district)
            if name not in self._seen:
                self._seen.add(name)
                return name, code
        return self._fallback(group, district)

    def _fallback(self, group: str, district: District) -> Named:
        rng = self._rng
        while True:
            if group == "party_government_military":
                self._unit += rng.randrange(1, 40)
                name = f"中国人民解放军{self._unit}部队"
                code = GOVERNMENT
            else:
                trade = rng.choice(TRADE_NAMES) + rng.choice(TRADE_NAMES)
                name = f"{CITY_SHORT}{short(district)}{trade}{self._words(group)}有限公司"
                code = ENTERPRISE
            if name not in self._seen:
                self._seen.add(name)
                return name, code

    def _words(self, group: str) -> str:
        words = INDUSTRY_WORDS.get(group) or INDUSTRY_WORDS["general_1"]
        return self._rng.choice(words)

    def _company(self, district: District) -> Named:
        rng = self._rng
        trade = rng.choice(TRADE_NAMES)
        word = self._words(self._group)
        form = rng.choice(ORG_FORMS["company"])
        roll = rng.random()
        if roll < 0.55:
            prefix = CITY_SHORT
        elif roll < 0.8:
            prefix = CITY_SHORT + short(district)
        else:
            prefix = PROVINCE_SHORT
        if rng.random() < 0.25:
            trade += rng.choice(TRADE_NAMES)[0]
        return f"{prefix}{trade}{word}{form}", ENTERPRISE

    def _finance(self, district: District) -> Named:
        rng = self._rng
        roll = rng.random()
        if roll < 0.5:
            bank = rng.choice(BANK_NAMES)
            if rng.random() < 0.15:
                return f"{bank}{CITY_SHORT}分行", ENTERPRISE
            where = rng.choice((short(district), rng.choice(district.roads)))
            return f"{bank}{CITY_SHORT}{where}支行", ENTERPRISE
        if roll < 0.7:
            trade = rng.choice(TRADE_NAMES)
            kind = rng.choice(("财产保险", "人寿保险"))
            return f"{trade}{kind}股份有限公司{PROVINCE_SHORT}分公司", ENTERPRISE
        if roll < 0.85:
            trade = rng.choice(TRADE_NAMES)
            road = rng.choice(district.roads)
            return f"{trade}证券股份有限公司{CITY_SHORT}{road}证券营业部", ENTERPRISE
        return self._company(district)

    def _tourism(self, district: District) -> Named:
        rng = self._rng
        trade = rng.choice(TRADE_NAMES)
        roll = rng.random()
        if roll < 0.4:
            kind = rng.choice(("大酒店", "国际酒店", "宾馆", "度假酒店"))
            return f"{CITY_SHORT}{trade}{kind}有限公司", ENTERPRISE
        if roll < 0.7:
            return f"{CITY_SHORT}{trade}国际旅行社有限公司", ENTERPRISE
        return self._company(district)

    def _government(self, district: District) -> Named:
        rng = self._rng
        roll = rng.random()
        if roll < 0.05:
            return f"{CITY}{rng.choice(CITY_BODIES)}", GOVERNMENT
        if roll < 0.55:
            return f"{CITY}{district.name}{rng.choice(PARTY_GOV_BODIES)}", GOVERNMENT
        if roll < 0.7:
            return f"{CITY}{district.name}{rng.choice(district.subdistricts)}办事处", GOVERNMENT
        if roll < 0.8:
            dept = rng.choice(("组织部", "宣传部", "统一战线工作部", "政法委员会", "办公室"))
            return f"中共{CITY}{district.name}委员会{dept}", GOVERNMENT
        if roll < 0.85:
            return f"{CITY}{district.name}人民武装部", GOVERNMENT
        self._unit += rng.randrange(1, 40)
        return f"中国人民解放军{self._unit}部队", GOVERNMENT

    def _education_health(self, district: District) -> Named:
        rng = self._rng
        roll = rng.random()
        if roll < 0.2:
            school = rng.choice(("中学", "高级中学", "初级中学"))
            return f"{CITY}{rng.choice(SCHOOL_ORDINALS)}{school}", INSTITUTION
        if roll < 0.4:
            place = rng.choice((*district.roads, *district.subdistricts))
            place = place.removesuffix("街道").removesuffix("路").removesuffix("街")
            kind = rng.choice(("小学", "实验小学", "中学", "幼儿园"))
            return f"{CITY}{district.name}{place}{kind}", INSTITUTION
        if roll < 0.55:
            kind = rng.choice(
                ("人民医院", "中医院", "妇幼保健院", "第一人民医院", "疾病预防控制中心")
            )
            return f"{CITY}{district.name}{kind}", INSTITUTION
        if roll < 0.65:
            trade = rng.choice(TRADE_NAMES)
            kind = rng.choice(("职业技术学院", "研究院", "设计研究院", "技师学院"))
            return f"{PROVINCE}{trade}{kind}", INSTITUTION
        if roll < 0.72:
            kind = rng.choice(("图书馆", "文化馆", "档案馆", "青少年活动中心", "科技馆"))
            return f"{CITY}{district.name}{kind}", INSTITUTION
        trade = rng.choice(TRADE_NAMES)
        word = rng.choice(("医疗器械", "教育科技", "文化传媒", "生物医药", "体育发展"))
        return f"{CITY_SHORT}{trade}{word}有限公司", ENTERPRISE


def address(rng: random.Random, district: District) -> str:
    """A street address in the district, sometimes with building and room."""
    road = rng.choice(district.roads)
    number = rng.randrange(1, 3000) if rng.random() < 0.6 else rng.randrange(1, 400)
    text = f"{PROVINCE}{CITY}{district.name}{road}{number}号"
    if rng.random() < 0.55:
        park = rng.choice(district.parks)
        text += f"{park}{rng.randrange(1, 12)}幢{rng.randrange(1, 28)}{rng.randrange(1, 30):02d}室"
    return text


def pick_district(rng: random.Random) -> District:
    return rng.choices(DISTRICTS, weights=[d.weight for d in DISTRICTS])[0]
