"""Keep the translation catalog in step with the source.

    python tools/i18n.py update    extract strings, merge them into every .po, compile .mo
    python tools/i18n.py compile   compile .po → .mo only

Strings are found by the markers of ``kamdesk.i18n`` (``tr``, ``N_``, ``ntr``). New
entries arrive with an empty translation; the translation test fails until someone
fills them in. Entries no longer in the source are dropped.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "kamdesk"
LOCALE_DIR = SOURCE / "locale"
KEYWORDS = {"tr": None, "N_": None, "ntr": (1, 2)}
LANGUAGES = ["zh_CN"]


def extract() -> Catalog:
    """Every marked string under kamdesk/, as a template catalog."""
    template = Catalog(project="kamdesk", charset="utf-8")
    for filename, lineno, message, _comments, _context in extract_from_dir(
        SOURCE,
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
        comment_tags=("TRANSLATORS:",),
    ):
        template.add(message, locations=[(f"kamdesk/{filename}", lineno)])
    return template


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / "kamdesk.po"


def read_catalog(language: str) -> Catalog:
    path = po_path(language)
    if not path.exists():
        return Catalog(locale=language, project="kamdesk", charset="utf-8")
    with path.open("rb") as fh:
        return read_po(fh, locale=language)


def compile_catalog(language: str) -> None:
    catalog = read_catalog(language)
    with po_path(language).with_suffix(".mo").open("wb") as fh:
        write_mo(fh, catalog, use_fuzzy=False)


def update() -> None:
    template = extract()
    for language in LANGUAGES:
        catalog = read_catalog(language)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        po_path(language).parent.mkdir(parents=True, exist_ok=True)
        with po_path(language).open("wb") as fh:
            write_po(fh, catalog, width=100, sort_output=True, include_lineno=False)
        compile_catalog(language)
        missing = [m.id for m in catalog if m.id and not m.string]
        print(f"{language}: {len(catalog)} entries, {len(missing)} without translation")


def main(argv: list[str]) -> int:
    if argv[:1] == ["update"]:
        update()
    elif argv[:1] == ["compile"]:
        for language in LANGUAGES:
            compile_catalog(language)
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
