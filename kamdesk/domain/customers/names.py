"""Company names reduced to a comparison key, and near-duplicate detection.

:func:`normalize_name` maps the ways one customer's name gets typed onto one key:
full-width → half-width (NFKC), case folded, spaces and punctuation removed, brackets
dropped but their content kept (``阿里巴巴（中国）`` = ``阿里巴巴(中国)`` =
``阿里巴巴中国``), and legal-form words removed (股份有限公司, 有限责任公司,
有限公司, 股份公司, a final 公司, Co., Ltd. and the like, then a final
集团/总公司). A branch keeps its
marker: ``中国电信股份有限公司杭州分公司`` → ``中国电信杭州分公司``, which is *not*
the key of the head office ``中国电信`` — branches are separate accounts.

Guarantee: the key is idempotent (``normalize_name(normalize_name(x)) ==
normalize_name(x)``) and never empty for a name with a letter, digit or ideograph.
Hazard: 集团 and the company are folded together on purpose (a warning, not a merge);
the person creating the account decides.

Similarity is rapidfuzz's normalised Indel ratio (0-100) on the keys. 100 means the
same key; at the default threshold of 85 one wrong character in an eight-character
core is flagged, while two cities' branches of one company (77.8) are not.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

DEFAULT_THRESHOLD = 85.0

_NOT_WORD = re.compile(r"[\W_]+")  # \W keeps ideographs, letters, digits
_LEGAL_FORMS = re.compile(r"股份有限公司|有限责任公司|有限公司|股份公司")
_TRAILING_COMPANY = re.compile(r"(?<!分)公司$")
_TRAILING_GROUP = re.compile(r"(?:集团|总公司)$")
_TRAILING_LATIN_FORM = re.compile(
    r"(?:companylimited|colimited|coltd|limited|ltd|incorporated|inc|corporation|corp|llc|plc)$"
)
_STEPS = (_LEGAL_FORMS, _TRAILING_COMPANY, _TRAILING_LATIN_FORM, _TRAILING_GROUP)


def spelling_key(name: str) -> str:
    """The name with only its spelling folded: width, case, spaces, punctuation and
    brackets — legal forms kept. Two names with the same spelling key are one name
    typed twice; :func:`normalize_name` goes further."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return _NOT_WORD.sub("", folded)


def normalize_name(name: str) -> str:
    """The comparison key of a company name (see the module docstring)."""
    key = spelling_key(name)
    while True:
        stripped = key
        for step in _STEPS:
            stripped = step.sub("", stripped)
        if not stripped or stripped == key:
            break
        key = stripped
    return key


def name_similarity(a: str, b: str) -> float:
    """0-100: how alike two names are once normalised (100 = same key)."""
    return _similarity_of_keys(normalize_name(a), normalize_name(b))


def _similarity_of_keys(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    return float(fuzz.ratio(a, b))


@dataclass(frozen=True)
class NearDuplicate:
    """A candidate that looks like the name: its id, its name as stored, the score."""

    candidate_id: str
    name: str
    score: float


def find_near_duplicates(
    name: str,
    candidates: Iterable[tuple[str, str]],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = 10,
) -> list[NearDuplicate]:
    """Candidates ``(id, name)`` whose similarity to ``name`` is at least ``threshold``.

    Best first; ties keep the candidates' order. Cost: every candidate is normalised,
    about a microsecond each, so narrow very large sets first (e.g. by a stored key).
    """
    key = normalize_name(name)
    if not key:
        return []
    pairs = list(candidates)
    keys = [normalize_name(candidate_name) for _, candidate_name in pairs]
    matches = process.extract(
        key, keys, scorer=fuzz.ratio, score_cutoff=threshold, limit=limit or None
    )
    found = [
        NearDuplicate(candidate_id=pairs[index][0], name=pairs[index][1], score=float(score))
        for _, score, index in matches
        if keys[index]
    ]
    found.sort(key=lambda d: -d.score)
    return found
