"""Pinyin search keys of a name, so that typing ``zgdx`` or ``zhongguo`` finds 中国电信.

Readings come from pypinyin with its phrase dictionary, which settles the usual
polyphones by context (银行 → yinhang, 重庆 → chongqing, 行长 → hangzhang); a
character outside any phrase takes its most common reading. ü is written ``v``
(绿 → lv), as on a pinyin keyboard. Latin letters (lower-cased) and digits are kept
whole in both keys (``IBM中国`` → ``ibmzhongguo`` / ``ibmzg``); spaces, brackets and
other punctuation are dropped.

Hazard: the initials key takes the first *letter* of each syllable, so zh/ch/sh
give z/c/s (中国 → zg), which is what people type.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_KEEP = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True)
class PinyinKeys:
    """``full``: every syllable joined; ``initials``: first letter of each syllable."""

    full: str
    initials: str


def _clean(part: str) -> str:
    return _KEEP.sub("", part.lower())


def pinyin_keys(name: str) -> PinyinKeys:
    """Both search keys of ``name`` (half-width, lower case, ASCII letters and digits)."""
    text = unicodedata.normalize("NFKC", name)
    from pypinyin import Style, lazy_pinyin  # its dictionaries take ~0.3 s to load: not at start-up

    full = lazy_pinyin(text, style=Style.NORMAL, errors="default", v_to_u=False)
    initials = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")
    return PinyinKeys(
        full="".join(_clean(part) for part in full),
        initials="".join(_clean(part) for part in initials),
    )
