"""Registration codes type easily and tokens never rest in clear."""

from __future__ import annotations

import pytest

from kamdesk.errors import KamdeskError
from kamdesk.hq.credentials import (
    CROCKFORD,
    hash_code,
    hash_token,
    new_registration_code,
    new_token,
    normalize_code,
)


def test_codes_are_four_groups_of_four_unambiguous_characters_and_never_repeat():
    codes = {new_registration_code() for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        groups = code.split("-")
        assert [len(g) for g in groups] == [4, 4, 4, 4]
        assert set("".join(groups)) <= set(CROCKFORD)
        assert not set(code) & set("ILOU")


def test_typed_codes_match_however_they_were_typed():
    code = "7K3M-Q9TZ-B2XR-HN0W"
    assert hash_code(" 7k3m q9tz b2xr hnow ") == hash_code(code)
    assert normalize_code("1IL0-O000-0000-0000") == "1110000000000000"


@pytest.mark.parametrize(
    "typed", ["", "7K3M-Q9TZ-B2XR", "7K3M-Q9TZ-B2XR-HN0WX", "UUUU-0000-0000-0000"]
)
def test_impossible_codes_are_refused_before_any_lookup(typed: str):
    with pytest.raises(KamdeskError) as caught:
        hash_code(typed)
    assert caught.value.code == "register.malformed_code"


def test_a_token_is_32_random_bytes_and_only_its_hash_is_kept():
    token, digest = new_token()
    assert token.startswith("kdt_")
    assert len(token) == 4 + 43
    assert digest == hash_token(token)
    assert len(digest) == 64
    assert token not in digest
    assert new_token()[0] != token
