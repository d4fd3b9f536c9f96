"""Company names: one key for the ways a name is typed; near duplicates; pinyin keys."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kamdesk.domain.customers.names import (
    find_near_duplicates,
    name_similarity,
    normalize_name,
)
from kamdesk.domain.customers.pinyin_keys import pinyin_keys


@pytest.mark.parametrize(
    "variant",
    [
        "阿里巴巴（中国）网络技术有限公司",
        "阿里巴巴(中国)网络技术有限公司",
        "阿里巴巴 (中国) 网络技术 有限公司",
        "阿里巴巴【中国】网络技术有限责任公司",
        "阿里巴巴[中国]网络技术股份有限公司",
        "阿里巴巴中国网络技术公司",
        "阿里巴巴中国网络技术",
    ],
)
def test_spellings_of_one_company_share_a_key(variant: str):
    assert normalize_name(variant) == "阿里巴巴中国网络技术"


def test_group_and_company_fold_but_branches_stay_apart():
    assert normalize_name("杭州娃哈哈集团有限公司") == normalize_name("杭州娃哈哈有限公司")
    branch = normalize_name("中国电信股份有限公司杭州分公司")
    assert branch == "中国电信杭州分公司"
    assert branch != normalize_name("中国电信股份有限公司")
    assert normalize_name("中国工商银行股份有限公司杭州分行") == "中国工商银行杭州分行"


def test_full_width_latin_and_english_legal_forms():
    assert normalize_name("ＩＢＭ（中国）有限公司") == normalize_name("IBM 中国")
    assert normalize_name("Hangzhou ABC Co., Ltd.") == "hangzhouabc"


def test_a_name_that_is_only_a_legal_form_is_kept():
    assert normalize_name("有限公司") == "有限公司"
    assert normalize_name("集团") == "集团"


@given(st.text(max_size=40))
def test_normalisation_is_idempotent(name: str):
    key = normalize_name(name)
    assert normalize_name(key) == key


@given(st.text(alphabet="中国电信杭州分公司有限集团股份（）() 【】ＡBc1", max_size=30))
def test_normalisation_is_idempotent_on_company_like_text(name: str):
    key = normalize_name(name)
    assert normalize_name(key) == key


def test_similarity_scores():
    assert name_similarity("中国电信股份有限公司", "中国电信集团有限公司") == 100.0
    # one wrong character in eight: flagged at the default threshold of 85
    assert name_similarity("阿里巴巴网络技术有限公司", "阿里巴巴网络枝术有限公司") == 87.5
    # two cities' branches of one company: 7 of 9 characters shared → 2·7/18
    assert name_similarity("中国电信杭州分公司", "中国电信宁波分公司") == pytest.approx(77.78, 0.01)
    assert name_similarity("", "中国电信") == 0.0


def test_find_near_duplicates_best_first_above_threshold():
    candidates = [
        ("a1", "腾讯科技（深圳）有限公司"),
        ("a2", "阿里巴巴网络技术有限公司"),
        ("a3", "阿里巴巴(中国)网络技术有限公司"),
        ("a4", "中国电信股份有限公司宁波分公司"),
    ]
    found = find_near_duplicates("阿里巴巴（中国）网络技术有限责任公司", candidates)
    assert [d.candidate_id for d in found] == ["a3", "a2"]
    assert found[0].score == 100.0
    assert found[0].name == "阿里巴巴(中国)网络技术有限公司"
    assert 85 <= found[1].score < 100
    assert find_near_duplicates("中国电信杭州分公司", candidates) == []
    assert len(find_near_duplicates("阿里巴巴中国网络技术", candidates, limit=1)) == 1
    assert find_near_duplicates("（）", candidates) == []


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("中国电信", "zhongguodianxin", "zgdx"),
        ("中国银行", "zhongguoyinhang", "zgyh"),
        ("重庆银行", "chongqingyinhang", "cqyh"),
        ("绿城集团", "lvchengjituan", "lcjt"),
        ("IBM中国（杭州）", "ibmzhongguohangzhou", "ibmzghz"),
        ("第1中学", "di1zhongxue", "d1zx"),
        ("Ａｂｃ 电信", "abcdianxin", "abcdx"),
    ],
)
def test_pinyin_keys(name: str, full: str, initials: str):
    keys = pinyin_keys(name)
    assert (keys.full, keys.initials) == (full, initials)


def test_typing_initials_finds_the_company():
    keys = pinyin_keys("中国电信股份有限公司杭州分公司")
    assert keys.initials.startswith("zgdx")
    assert "hangzhou" in keys.full
