"""The search box as one SQL condition on ``customers``.

The text is split on white space (except between digits: ``139 1234 5678`` is one
word); every word must match (AND), and a word matches an account when any of these
holds (OR):

- the name contains it (Chinese or Latin; the stored name or its comparison key
  ``name_key``, so full-width brackets and spaces do not matter);
- it is the start of the unified social credit code (letters in any case);
- ASCII letters only: it is the start of the name's pinyin initials (``zgdx`` →
  中国电信…) or of its full pinyin (``zhongguodian``);
- three or more digits (spaces, ``-``, ``+`` and brackets ignored): it is the start of
  the account's phone or of a live key person's mobile or landline, stored in any of
  the forms people and :mod:`kamdesk.domain.customers.phone` write: digits only
  (``13912345678``), E.164 (``+8613912345678``), display (``139 1234 5678``,
  ``0571 8765 4321``) or with a dash or brackets after the area code
  (``0571-87654321``, ``(0571)87654321``), see :func:`phone_prefixes`;
- not only ASCII: it is the start of a live key person's name.

Words shorter than :data:`MIN_WORD` characters are ignored, so one typed character
never filters. Every account test reads only columns of the covering
``ix_customers_list`` (name, pinyin, initials, credit code, phone), so a search scans
that index once and never the wide table; the key persons' tests are index ranges
collected into a set of account ids first.

Hazards: phone numbers and pinyin match from their start only (``4321`` does not find
``0571-87654321``); ``%`` and ``_`` are literal characters, never wildcards.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence

from sqlalchemy import ColumnElement, Select, SQLColumnExpression, and_, false, or_, select

from kamdesk.db.models import Customer, KeyPerson

MIN_WORD = 2
MIN_PHONE_DIGITS = 3

_SPACE_IN_NUMBER = re.compile(r"(?<=\d)\s+(?=\d)")  # "139 1234" is one number
_PHONE_TYPING = re.compile(r"^\+?[0-9][0-9 ()\-]*$")
_NOT_DIGIT = re.compile(r"\D")
_ALNUM = re.compile(r"^[0-9A-Za-z]+$")
_LETTERS = re.compile(r"^[A-Za-z]+$")
_NOT_WORD = re.compile(r"[\W_]+")
_LIKE_ESCAPE = "\\"


PeopleResolver = Callable[[Select[tuple[str]]], Sequence[str]]
"""Runs a query of key persons' account ids in the caller's transaction."""

_MAX_RESOLVED = 500  # more account ids than this stay a subquery


def search_condition(
    text: str, *, people_phones: bool = True, resolve: PeopleResolver | None = None
) -> ColumnElement[bool] | None:
    """The condition for ``text``, or None when it holds no word long enough to search.

    Without ``people_phones`` a number matches the account's own phone only: a reader
    who may not see key persons' phones must not learn whose phone a number is. With
    ``resolve`` the key persons' tests are run first and their accounts put in the
    condition (left out when there are none: testing every listed account against an
    empty set still costs a probe each)."""
    typed = _SPACE_IN_NUMBER.sub("", unicodedata.normalize("NFKC", text))
    words = [w for w in typed.split() if len(w) >= MIN_WORD]
    if not words:
        return None
    return and_(*(word_condition(w, people_phones=people_phones, resolve=resolve) for w in words))


def word_condition(
    word: str, *, people_phones: bool = True, resolve: PeopleResolver | None = None
) -> ColumnElement[bool]:
    """Any of the matches of the module docstring for one word (already NFKC).

    Built so that the account tests read only the scanned list-index entry (testing
    a prefix there costs less than probing a set of matching rows for every listed
    account); the key persons' tests are index ranges collected into a set first.
    """
    phone_like = bool(_PHONE_TYPING.match(word))
    tests: list[ColumnElement[bool]] = []
    on_people: list[ColumnElement[bool]] = []
    digits = _NOT_DIGIT.sub("", word)
    if phone_like and len(digits) >= MIN_PHONE_DIGITS:
        prefixes = phone_prefixes(digits)
        tests.extend(_prefix(Customer.phone, p) for p in prefixes)
        if people_phones:
            on_people.extend(
                _prefix(column, p) for column in (KeyPerson.mobile, KeyPerson.landline)
                for p in prefixes
            )  # fmt: skip
    if _ALNUM.match(word):
        tests.append(_prefix(Customer.credit_code, word.upper()))
    if _LETTERS.match(word):
        tests.append(_prefix(Customer.name_initials, word.lower()))
        tests.append(_prefix(Customer.name_pinyin, word.lower()))
    if not word.isascii():
        on_people.append(_prefix(KeyPerson.name, word))
    if not phone_like:
        tests.append(_contains(Customer.name, word))
        key = _NOT_WORD.sub("", word.casefold())
        if key and key != word.casefold():
            tests.append(_contains(Customer.name_key, key))
    if on_people:
        people = select(KeyPerson.customer_id).where(
            KeyPerson.deleted_at.is_(None), or_(*on_people)
        )
        found = None if resolve is None else resolve(people.limit(_MAX_RESOLVED + 1))
        if found is None or len(found) > _MAX_RESOLVED:
            tests.append(Customer.id.in_(people))
        elif found:
            tests.append(Customer.id.in_(sorted(set(found))))
    return or_(*tests) if tests else false()


def phone_prefixes(digits: str) -> list[str]:
    """How a stored number that starts with ``digits`` (digits only) may begin.

    Mobiles (``1…``) are grouped 3-4-4; landlines (``0…``) split off the area code
    (three digits for 010 and 02x, else four) and group the local number by four.
    """
    found = [digits]
    if digits.startswith("86"):  # typed with the country code
        digits = "0" + digits[2:] if digits[2:3] != "1" else digits[2:]
        found.append(digits)
    if digits.startswith("1"):
        found.append("+86" + digits)
        found.extend(_grouped(digits, (3, 7), separator) for separator in (" ", "-"))
    elif digits.startswith("0"):
        area = 3 if digits[1:2] in ("1", "2") else 4
        found.append("+86" + digits[1:])
        found.append(_grouped(digits, (area, area + 4), " "))
        found.append(_grouped(digits, (area,), "-"))
        found.append(f"({digits[:area]})" + digits[area:] if len(digits) >= area else "(" + digits)
    return list(dict.fromkeys(found))


def _grouped(digits: str, cuts: tuple[int, ...], separator: str) -> str:
    """``digits`` with ``separator`` inserted before each cut position inside it."""
    parts, start = [], 0
    for cut in cuts:
        if cut >= len(digits):
            break
        parts.append(digits[start:cut])
        start = cut
    parts.append(digits[start:])
    return separator.join(parts)


def _prefix(column: SQLColumnExpression[str], prefix: str) -> ColumnElement[bool]:
    """``column`` starts with ``prefix``, as a range an index can answer.

    ``LIKE 'x%'`` would not use the index: SQLite's LIKE folds ASCII case.
    """
    return and_(column >= prefix, column < prefix + "\U0010ffff")


def _contains(column: SQLColumnExpression[str], fragment: str) -> ColumnElement[bool]:
    escaped = (
        fragment.replace(_LIKE_ESCAPE, _LIKE_ESCAPE * 2).replace("%", "\\%").replace("_", "\\_")
    )
    return column.like(f"%{escaped}%", escape=_LIKE_ESCAPE)
