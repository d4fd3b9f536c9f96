"""The shipped Simplified Chinese catalog is complete and safe to format."""

from __future__ import annotations

import gettext
import string
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import i18n as catalog_tool  # noqa: E402

from kamdesk import i18n  # noqa: E402


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.fixture(scope="module")
def source_ids() -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog_tool.extract() if m.id}


@pytest.fixture(scope="module")
def zh() -> dict[str, str]:
    cat = catalog_tool.read_catalog("zh_CN")
    return {m.id: m.string for m in cat if m.id and isinstance(m.id, str)}


def test_every_source_string_has_a_chinese_translation(source_ids: set[str], zh: dict[str, str]):
    missing = sorted(s for s in source_ids if not zh.get(s))
    assert not missing, "untranslated (run tools/i18n.py update, then translate):\n" + "\n".join(
        missing
    )


def test_translations_keep_the_same_format_fields(zh: dict[str, str]):
    bad = {s: t for s, t in zh.items() if t and _fields(s) != _fields(t)}
    assert not bad, f"format fields differ: {bad}"


def test_compiled_catalog_matches_the_po_file(zh: dict[str, str]):
    mo = catalog_tool.po_path("zh_CN").with_suffix(".mo")
    with mo.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = [s for s, t in zh.items() if t and compiled.gettext(s) != t]
    assert not stale, f"kamdesk.mo is stale; run tools/i18n.py compile: {stale[:5]}"


def test_switching_language_switches_every_layer():
    from kamdesk.domain.progress import Cancelled

    i18n.set_language("en")
    try:
        assert Cancelled().message().startswith("The operation was cancelled")
    finally:
        i18n.set_language("zh_CN")
    assert "取消" in Cancelled().message()


def test_a_broken_translation_falls_back_to_the_source(monkeypatch: pytest.MonkeyPatch):
    class Broken(gettext.NullTranslations):
        def gettext(self, message: str) -> str:
            return "{wrong}"

    monkeypatch.setattr(i18n, "_catalog", Broken())
    assert i18n.tr("Hello {name}", name="王") == "Hello 王"
