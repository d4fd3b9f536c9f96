"""Phone numbers of key persons and accounts, checked with phonenumbers (region CN).

:func:`parse_phone` accepts what people type — ``13800138000``, ``138-0013-8000``,
``+86 138 0013 8000``, ``0571-87654321``, ``(0571)87654321``, full-width digits, an
extension after 转/分机/ext/#/x or as a last short group (``0571-87654321-8001``) —
and returns a :class:`Phone` with its E.164 form (store and compare this) and its
display form. A number written with ``+`` or ``00`` may be foreign; any other is read
as Chinese.

Refusals are :class:`~kamdesk.errors.KamdeskError` with codes ``phone.empty``,
``.characters``, ``.mobile_length``, ``.area_code_missing``, ``.invalid``,
``.not_mobile``, ``.not_landline``, each with the typed ``text`` as parameter.
Hazard: validity comes from phonenumbers' metadata; a newly opened mobile prefix is
refused until the library is upgraded.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from kamdesk.errors import KamdeskError, define
from kamdesk.i18n import N_

REGION = "CN"

define(
    {
        "phone.empty": N_("Please enter a phone number"),
        "phone.characters": N_("'{text}' contains characters that do not belong in a phone number"),
        "phone.mobile_length": N_("A mobile number has 11 digits; '{text}' has {count}"),
        "phone.area_code_missing": N_(
            "'{text}' has no area code; write a landline with its area code, " "e.g. 0571-87654321"
        ),
        "phone.invalid": N_(
            "'{text}' is not a valid phone number; write a mobile number like 13800138000 "
            "or a landline with its area code like 0571-87654321"
        ),
        "phone.not_mobile": N_("'{text}' is not a mobile number; a mobile number is needed here"),
        "phone.not_landline": N_("'{text}' is not a landline; a landline is needed here"),
    }
)


class PhoneKind(StrEnum):
    MOBILE = "mobile"
    LANDLINE = "landline"
    SERVICE = "service"  # 400/800 and other shared-cost or toll-free numbers
    OTHER = "other"


class PhoneExpectation(StrEnum):
    ANY = "any"
    MOBILE = "mobile"
    LANDLINE = "landline"


@dataclass(frozen=True)
class Phone:
    """A checked number. ``e164`` identifies it; ``display`` is for people."""

    e164: str
    display: str
    kind: PhoneKind
    region: str
    extension: str | None = None

    @property
    def display_with_extension(self) -> str:
        return f"{self.display}-{self.extension}" if self.extension else self.display


_EXTENSION = re.compile(
    r"^(?P<main>.*?)\s*(?:转|轉|分机|分機|ext\.?|x|#)\s*(?P<ext>\d{1,6})$", re.IGNORECASE
)
_ALLOWED = re.compile(r"^[0-9+\-() .]+$")
_TRAILING_GROUP = re.compile(r"^(?P<main>.+\d)-(?P<ext>\d{1,6})$")
_KINDS = {
    PhoneNumberType.MOBILE: PhoneKind.MOBILE,
    PhoneNumberType.FIXED_LINE: PhoneKind.LANDLINE,
    PhoneNumberType.TOLL_FREE: PhoneKind.SERVICE,
    PhoneNumberType.SHARED_COST: PhoneKind.SERVICE,
    PhoneNumberType.UAN: PhoneKind.SERVICE,
}


def _parse(main: str) -> phonenumbers.PhoneNumber | None:
    try:
        number = phonenumbers.parse(main, REGION)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def _refuse(text: str, main: str) -> KamdeskError:
    digits = re.sub(r"\D", "", main)
    international = main.lstrip().startswith(("+", "00"))
    if not international and digits.startswith("1") and len(digits) != 11:
        return KamdeskError("phone.mobile_length", text=text, count=len(digits))
    if not international and digits[:1] not in ("0", "1") and 7 <= len(digits) <= 8:
        return KamdeskError("phone.area_code_missing", text=text)
    return KamdeskError("phone.invalid", text=text)


def parse_phone(text: str, *, expect: PhoneExpectation = PhoneExpectation.ANY) -> Phone:
    """The checked number, or ``KamdeskError`` naming what is wrong with ``text``."""
    typed = text.strip()
    cleaned = unicodedata.normalize("NFKC", typed).strip()
    if not cleaned:
        raise KamdeskError("phone.empty")
    extension: str | None = None
    if match := _EXTENSION.match(cleaned):
        cleaned, extension = match["main"], match["ext"]
    if not _ALLOWED.match(cleaned) or not re.search(r"\d", cleaned):
        raise KamdeskError("phone.characters", text=typed)
    number = _parse(cleaned)
    if number is None and extension is None and (match := _TRAILING_GROUP.match(cleaned)):
        candidate = _parse(match["main"])
        if candidate is not None and phonenumbers.number_type(candidate) in (
            PhoneNumberType.FIXED_LINE,
            PhoneNumberType.FIXED_LINE_OR_MOBILE,
        ):
            number, extension = candidate, match["ext"]
    if number is None:
        raise _refuse(typed, cleaned)
    region = phonenumbers.region_code_for_number(number) or REGION
    kind = _KINDS.get(phonenumbers.number_type(number), PhoneKind.OTHER)
    if expect is PhoneExpectation.MOBILE and kind is not PhoneKind.MOBILE:
        raise KamdeskError("phone.not_mobile", text=typed)
    if expect is PhoneExpectation.LANDLINE and kind is not PhoneKind.LANDLINE:
        raise KamdeskError("phone.not_landline", text=typed)
    style = PhoneNumberFormat.NATIONAL if region == REGION else PhoneNumberFormat.INTERNATIONAL
    extension = extension or number.extension or None
    number.extension = None
    return Phone(
        e164=phonenumbers.format_number(number, PhoneNumberFormat.E164),
        display=phonenumbers.format_number(number, style),
        kind=kind,
        region=region,
        extension=extension,
    )
