"""Unified social credit code (统一社会信用代码, GB 32100-2015): check and demo generator.

Layout of the 18 characters: 1 registering authority, 2 entity type, 3-8 region
(administrative division) code, 9-17 organisation code (GB 11714: 8 characters and
its own check character at position 17), 18 the check character over the first 17.
The alphabet is the digits and the capital letters without I, O, S, V, Z.

:func:`validate_credit_code` normalises first (full-width → half-width, spaces and
hyphens dropped, upper case) and raises :class:`~kamdesk.errors.KamdeskError` with a
code telling *what* is wrong, so the form can say which character to look at. The
check character is computed by python-stdnum (``stdnum.cn.uscc``).

Hazard: stdnum's own ``validate`` demands digits in positions 1-2, but GB 32100 also
issues letters there (A, N and Y authorities, e.g. rural collective organisations
``N2…``), so positions 1-2 are checked against the alphabet only. The organisation
code check character (position 17) is *not* enforced: codes are issued by the state
and an account must not be refused over a rule the issuer may not have applied; use
:func:`organisation_check_matches` for a soft warning.
"""

from __future__ import annotations

import random
import re
import unicodedata

from stdnum.cn import uscc

from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
"""Characters a unified social credit code may contain."""

CODE_LENGTH = 18
REGION_SLICE = slice(2, 8)
_SEPARATORS = re.compile(r"[\s\-_./\u2010-\u2015\u2212]+")

# GB 11714 organisation code: weights of the 8 body characters, value of a character.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)

define(
    {
        "credit_code.empty": N_("Please enter the unified social credit code"),
        "credit_code.length": N_(
            "The unified social credit code has 18 characters; {length} were entered"
        ),
        "credit_code.character": N_(
            "Character {position} of the unified social credit code ('{char}') is not "
            "allowed; the code uses digits and capital letters except I, O, S, V and Z"
        ),
        "credit_code.region": N_(
            "Characters 3 to 8 of the unified social credit code are the region code and "
            "must be digits; character {position} is '{char}'"
        ),
        "credit_code.check_digit": N_(
            "The 18th character of the unified social credit code is not the correct "
            "check digit; please check the code"
        ),
    }
)


def normalize_credit_code(text: str) -> str:
    """Half-width, upper-case, without spaces or hyphens. Idempotent; never raises."""
    half = unicodedata.normalize("NFKC", text)
    return _SEPARATORS.sub("", half).upper()


def validate_credit_code(text: str) -> str:
    """Return the normalised code, or raise ``KamdeskError`` saying what is wrong.

    Codes: ``credit_code.empty``, ``.length`` (param ``length``), ``.character`` and
    ``.region`` (params ``position`` 1-based and ``char``), ``.check_digit``.
    """
    code = normalize_credit_code(text)
    if not code:
        raise KamdeskError("credit_code.empty")
    if len(code) != CODE_LENGTH:
        raise KamdeskError("credit_code.length", length=len(code))
    for index, char in enumerate(code):
        if char not in ALPHABET:
            raise KamdeskError("credit_code.character", position=index + 1, char=char)
    for index in range(REGION_SLICE.start, REGION_SLICE.stop):
        if not code[index].isdigit():
            raise KamdeskError("credit_code.region", position=index + 1, char=code[index])
    if code[-1] != uscc.calc_check_digit(code[:-1]):
        raise KamdeskError("credit_code.check_digit")
    return code


def is_valid_credit_code(text: str) -> bool:
    try:
        validate_credit_code(text)
    except KamdeskError:
        return False
    return True


def _org_value(char: str) -> int:
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


def organisation_check_char(body: str) -> str:
    """GB 11714 check character for an 8-character organisation code body."""
    if len(body) != 8 or any(c not in ALPHABET for c in body):
        raise ValueError(f"organisation code body must be 8 code characters: {body!r}")
    remainder = 11 - sum(_org_value(c) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True)) % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def organisation_check_matches(code: str) -> bool:
    """Whether position 17 of a *valid* code is its organisation code's check character."""
    code = normalize_credit_code(code)
    return organisation_check_char(code[8:16]) == code[16]


def make_credit_code(
    rng: random.Random,
    region_code: str,
    *,
    authority: str = "9",
    entity_type: str = "1",
) -> str:
    """A valid code for demo data, fully determined by the state of ``rng``.

    About half the organisation codes take the post-2015 ``MA…`` form, the rest are
    eight digits; position 17 is the GB 11714 check and 18 the GB 32100 check.
    """
    if len(region_code) != 6 or not region_code.isdigit():
        raise ValueError(f"region code must be six digits: {region_code!r}")
    if len(authority) != 1 or authority not in ALPHABET:
        raise ValueError(f"authority must be one code character: {authority!r}")
    if len(entity_type) != 1 or entity_type not in ALPHABET:
        raise ValueError(f"entity type must be one code character: {entity_type!r}")
    if rng.random() < 0.5:
        body = "MA" + "".join(rng.choice(ALPHABET) for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    first17 = authority + entity_type + region_code + body + organisation_check_char(body)
    return first17 + uscc.calc_check_digit(first17)
