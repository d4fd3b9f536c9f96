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
from typing import Any

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
    pinyin, normal, first_letter = _pinyin()
    full = [_clean(part) for part in pinyin.lazy_pinyin(text, style=normal, errors="default")]
    if _IDEOGRAPHS.match(text):  # one pass: the initials are the syllables' first letters
        return PinyinKeys("".join(full), "".join(part[:1] for part in full))
    initials = pinyin.lazy_pinyin(text, style=first_letter, errors="default")
    return PinyinKeys("".join(full), "".join(_clean(part) for part in initials))


_IDEOGRAPHS = re.compile(r"^[\u4e00-\u9fff]+$")
_CONVERTER: list[tuple[Any, Any, Any]] = []


def _pinyin() -> tuple[Any, Any, Any]:
    """pypinyin with a converter that remembers every word it converted (names are
    built from a small vocabulary, so the same words come back thousands of times in
    an import), and the two styles used. pypinyin segments each name itself (phrase
    dictionary, polyphones by context) before words reach the converter, so the
    result is exactly ``lazy_pinyin``'s. Imported on first use: its dictionaries take
    ~0.3 s to load, not at start-up."""
    if not _CONVERTER:
        from pypinyin import Style
        from pypinyin.converter import UltimateConverter
        from pypinyin.core import Pinyin

        class MemoConverter(UltimateConverter):
            def __init__(self) -> None:
                super().__init__(v_to_u=False, neutral_tone_with_five=False, tone_sandhi=False)
                self._memo: dict[tuple[Any, ...], list[list[str]]] = {}

            def convert(
                self, words: str, style: Any, heteronym: bool, errors: Any, strict: bool = True,
                **kwargs: Any,
            ) -> list[list[str]]:  # fmt: skip
                key = (words, style, heteronym, errors, strict)
                found = self._memo.get(key)
                if found is None:
                    found = super().convert(words, style, heteronym, errors, strict, **kwargs)
                    self._memo[key] = found
                return found

        _CONVERTER.append((Pinyin(MemoConverter()), Style.NORMAL, Style.FIRST_LETTER))
    return _CONVERTER[0]
