"""Phone numbers: the ways people type them, and clear refusals."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamdesk.domain.customers.phone import PhoneExpectation, PhoneKind, parse_phone
from kamdesk.errors import KamdeskError


@pytest.mark.parametrize(
    "typed",
    [
        "13800138000",
        "138-0013-8000",
        "138 0013 8000",
        "+86 138 0013 8000",
        "0086 13800138000",
        "１３８００１３８０００",
        "(+86)13800138000",
    ],
)
def test_mobile_numbers_in_every_usual_spelling(typed: str):
    phone = parse_phone(typed)
    assert phone.e164 == "+8613800138000"
    assert phone.display == "138 0013 8000"
    assert phone.kind is PhoneKind.MOBILE
    assert phone.extension is None


@pytest.mark.parametrize(
    ("typed", "e164", "display"),
    [
        ("0571-87654321", "+8657187654321", "0571 8765 4321"),
        ("(0571)87654321", "+8657187654321", "0571 8765 4321"),
        ("0571 8765 4321", "+8657187654321", "0571 8765 4321"),
        ("010-12345678", "+861012345678", "010 1234 5678"),
        ("021-87654321", "+862187654321", "021 8765 4321"),
    ],
)
def test_landlines_with_area_code(typed: str, e164: str, display: str):
    phone = parse_phone(typed, expect=PhoneExpectation.LANDLINE)
    assert (phone.e164, phone.display, phone.kind) == (e164, display, PhoneKind.LANDLINE)


@pytest.mark.parametrize(
    "typed",
    [
        "0571-87654321-8001",
        "0571-87654321转8001",
        "0571-87654321 分机 8001",
        "0571-87654321 ext. 8001",
        "0571-87654321#8001",
    ],
)
def test_extensions_are_kept_apart(typed: str):
    phone = parse_phone(typed)
    assert phone.e164 == "+8657187654321"
    assert phone.extension == "8001"
    assert phone.display_with_extension == "0571 8765 4321-8001"


def test_service_and_foreign_numbers():
    assert parse_phone("400-820-8820").kind is PhoneKind.SERVICE
    hk = parse_phone("+852 9123 4567")
    assert (hk.e164, hk.region, hk.display) == ("+85291234567", "HK", "+852 9123 4567")


@pytest.mark.parametrize(
    ("typed", "code", "params"),
    [
        ("", "phone.empty", {}),
        ("1380013800a", "phone.characters", {"text": "1380013800a"}),
        ("1380013800", "phone.mobile_length", {"text": "1380013800", "count": 10}),
        ("138001380001", "phone.mobile_length", {"text": "138001380001", "count": 12}),
        ("87654321", "phone.area_code_missing", {"text": "87654321"}),
        ("12345678901", "phone.invalid", {"text": "12345678901"}),
        ("0571-8765432", "phone.invalid", {"text": "0571-8765432"}),
    ],
)
def test_bad_numbers_are_refused_with_their_reason(
    typed: str, code: str, params: dict[str, object]
):
    with pytest.raises(KamdeskError) as caught:
        parse_phone(typed)
    assert (caught.value.code, caught.value.params) == (code, params)


def test_expectation_of_kind():
    with pytest.raises(KamdeskError) as caught:
        parse_phone("0571-87654321", expect=PhoneExpectation.MOBILE)
    assert caught.value.code == "phone.not_mobile"
    with pytest.raises(KamdeskError) as caught:
        parse_phone("13800138000", expect=PhoneExpectation.LANDLINE)
    assert caught.value.code == "phone.not_landline"
    assert parse_phone("13800138000", expect=PhoneExpectation.MOBILE).kind is PhoneKind.MOBILE


@given(
    st.sampled_from(["130", "135", "138", "150", "166", "177", "186", "199"]),
    st.from_regex(r"\A[0-9]{8}\Z"),
    st.sampled_from(["{p}{r}", "{p}-{a}-{b}", "+86 {p} {a} {b}", "{p} {a}{b}"]),
)
def test_any_spelling_of_a_mobile_gives_one_e164(prefix: str, rest: str, spelling: str):
    typed = spelling.format(p=prefix, r=rest, a=rest[:4], b=rest[4:])
    phone = parse_phone(typed, expect=PhoneExpectation.MOBILE)
    assert phone.e164 == f"+86{prefix}{rest}"
    assert parse_phone(phone.e164) == phone
