"""The near-name index finds exactly what comparing with every name finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kamdesk.domain.customers.names import find_near_duplicates
from kamdesk.domain.customers.near_names import NearNameIndex

# A small alphabet so that near names are common and the filter is really tested.
NAMES = st.text(alphabet="杭州鑫瑞华新达科技贸易ab", min_size=1, max_size=14)


@settings(max_examples=150, deadline=None)
@given(stored=st.lists(NAMES, min_size=1, max_size=40), typed=NAMES)
def test_the_filter_never_drops_a_match(stored: list[str], typed: str) -> None:
    index = NearNameIndex()
    for i, name in enumerate(stored):
        index.add(str(i), name)
    everyone = find_near_duplicates(typed, [(str(i), n) for i, n in enumerate(stored)], limit=0)
    found = index.find(typed, limit=len(stored))
    assert {(d.candidate_id, d.score) for d in found} == {
        (d.candidate_id, d.score) for d in everyone
    }


def test_best_first_with_the_stored_name() -> None:
    index = NearNameIndex()
    index.add("a", "杭州鑫瑞科技发展有限公司")
    index.add("b", "宁波港集团有限公司")
    index.add("c", "杭州鑫瑞科技发展股份有限公司")  # the same key as "a": 100
    found = index.find("杭州鑫端科技发展有限公司")
    assert [d.candidate_id for d in found] == ["a", "c"]
    assert found[0].name == "杭州鑫瑞科技发展有限公司" and 85 <= found[0].score < 100
    assert index.find("宁波舟山港集团") == []
