"""Unified social credit code: real codes pass, one wrong character fails, demo codes are valid."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc

from kamdesk.domain.customers.credit_code import (
    ALPHABET,
    is_valid_credit_code,
    make_credit_code,
    normalize_credit_code,
    organisation_check_char,
    organisation_check_matches,
    validate_credit_code,
)
from kamdesk.errors import KamdeskError

REAL_CODES = ["91350100M000100Y43", "91110000600037341L"]


def _code_of(text: str) -> KamdeskError:
    with pytest.raises(KamdeskError) as caught:
        validate_credit_code(text)
    return caught.value


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_are_accepted(code: str):
    assert validate_credit_code(code) == code
    assert organisation_check_matches(code)


def test_typed_variants_are_normalised_to_one_code():
    for typed in [
        " 91350100M000100Y43 ",
        "91350100m000100y43",
        "９１３５０１００Ｍ０００１００Ｙ４３",
        "9135 0100 M000 100Y 43",
        "91350100-M000100Y4-3",
    ]:
        assert validate_credit_code(typed) == "91350100M000100Y43"


def test_changing_one_character_is_refused(english: None):
    error = _code_of("91350100M000100Y44")
    assert error.code == "credit_code.check_digit"
    assert error.message() == (
        "The 18th character of the unified social credit code is not the correct check "
        "digit; please check the code"
    )
    assert _code_of("91350100M000200Y43").code == "credit_code.check_digit"


def test_wrong_length_says_how_many_were_typed():
    error = _code_of("91350100M000100Y4")
    assert (error.code, error.params) == ("credit_code.length", {"length": 17})
    assert _code_of("91350100M000100Y433").params == {"length": 19}


def test_bad_character_names_its_position():
    error = _code_of("91350100M0001O0Y43")  # letter O is not in the alphabet
    assert (error.code, error.params) == ("credit_code.character", {"position": 14, "char": "O"})
    assert _code_of("9135010*M000100Y43").params == {"position": 8, "char": "*"}


def test_region_code_must_be_digits():
    error = _code_of("9135A100M000100Y43")
    assert (error.code, error.params) == ("credit_code.region", {"position": 5, "char": "A"})


def test_empty_input_is_its_own_error():
    assert _code_of("  ").code == "credit_code.empty"


def test_chinese_message_for_the_check_digit():
    assert _code_of("91350100M000100Y44").message() == "统一社会信用代码第18位校验码不正确，请核对"


def test_letter_authorities_of_gb32100_are_accepted_although_stdnum_refuses_them():
    first17 = "N2330102MA2B3C4D" + organisation_check_char("MA2B3C4D")
    code = first17 + uscc.calc_check_digit(first17)
    assert is_valid_credit_code(code)
    assert not uscc.is_valid(code)


@given(st.text(alphabet=ALPHABET + "ａＢ１２ -\u3000", max_size=30))
def test_normalisation_is_idempotent(text: str):
    once = normalize_credit_code(text)
    assert normalize_credit_code(once) == once


@given(
    st.integers(min_value=0, max_value=16),
    st.sampled_from(ALPHABET),
    st.sampled_from(REAL_CODES),
)
def test_any_single_substitution_is_refused(position: int, char: str, code: str):
    if code[position] == char:
        return
    changed = code[:position] + char + code[position + 1 :]
    assert not is_valid_credit_code(changed)


def test_ten_thousand_generated_codes_are_valid_for_stdnum():
    rng = random.Random(20261122)
    regions = ["330100", "330106", "350100", "110000", "440300"]
    codes = [make_credit_code(rng, rng.choice(regions)) for _ in range(10_000)]
    assert all(uscc.is_valid(code) for code in codes)
    assert all(organisation_check_matches(code) for code in codes)
    assert all(code[2:8] in regions for code in codes)
    assert len(set(codes)) == len(codes)
    assert any(code[8:10] == "MA" for code in codes)


@given(st.integers(min_value=0, max_value=2**32), st.from_regex(r"\A[0-9]{6}\Z"))
def test_generator_is_deterministic_and_always_valid(seed: int, region: str):
    first = make_credit_code(random.Random(seed), region, authority="5", entity_type="2")
    again = make_credit_code(random.Random(seed), region, authority="5", entity_type="2")
    assert first == again
    assert first.startswith("52" + region)
    assert is_valid_credit_code(first) and uscc.is_valid(first)


def test_generator_refuses_a_bad_region():
    with pytest.raises(ValueError):
        make_credit_code(random.Random(1), "33010")
