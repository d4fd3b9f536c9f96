"""Chinese personal names and phone numbers, drawn fast from a seeded generator."""

from __future__ import annotations

import random
from itertools import accumulate

from kamdesk.services.demo.vocab_people import GIVEN_FIRST, GIVEN_SECOND, GIVEN_SINGLE, SURNAMES
from kamdesk.services.demo.vocab_places import AREA_CODE, LANDLINE_PREFIXES, MOBILE_PREFIXES

_SURNAME_CUM = tuple(accumulate(1.0 / (rank + 4) for rank in range(len(SURNAMES))))


class People:
    """Names (surname + one or two given characters) and phone numbers.

    Mobiles are 11 digits on a real network prefix (``13912345678``); landlines carry
    the Hangzhou area code (``0571-87654321``). Both pass
    :func:`kamdesk.domain.customers.phone.parse_phone`.
    """

    __slots__ = ("_rng",)

    def __init__(self, rng: random.Random) -> None:
        self._rng = rng

    def name(self) -> str:
        rng = self._rng
        surname = rng.choices(SURNAMES, cum_weights=_SURNAME_CUM)[0]
        if rng.random() < 0.3:
            return surname + rng.choice(GIVEN_SINGLE)
        first = rng.choice(GIVEN_FIRST)
        second = rng.choice(GIVEN_SECOND)
        if second == first:
            second = rng.choice(GIVEN_SINGLE)
        return surname + first + second

    def mobile(self) -> str:
        rng = self._rng
        return f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(100_000_000):08d}"

    def landline(self) -> str:
        rng = self._rng
        return f"{AREA_CODE}-{rng.choice(LANDLINE_PREFIXES)}{rng.randrange(10_000):04d}"
