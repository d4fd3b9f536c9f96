"""``kamdesk report evaluation``: the month's sheets of every AM, or of one person, as
PDF and Excel files with the hand-computed amounts."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from kamdesk.cli import main
from tests.services.evaluation_fixture import build_evaluation


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("evaluation-cli") / "kpi.sqlite"
    build_evaluation(path).engine.dispose()
    yield path


pytestmark = pytest.mark.usefixtures("english")


def test_every_am_as_pdf_and_excel(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    out = tmp_path / "sheets"
    code = main(["--db", str(db), "report", "evaluation", "--month", "2026-10", "--out", str(out)])
    printed = capsys.readouterr().out.split()
    assert code == 0
    assert printed == [str(out / "evaluation-2026-10.pdf"), str(out / "evaluation-2026-10.xlsx")]
    text = subprocess.run(
        ["pdftotext", "-layout", printed[0], "-"], capture_output=True, text=True, check=True
    ).stdout
    for amount in ("¥34.00", "¥62.50", "¥3,600.00"):
        assert amount in text
    book = openpyxl.load_workbook(printed[1], read_only=True)
    logins = [row[1] for row in book["Overview"].iter_rows(min_row=7, values_only=True)]
    book.close()
    assert sorted(logins) == ["am1", "am2", "am3", "am4", "am5"]


def test_one_person_in_one_format(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    code = main(["--db", str(db), "report", "evaluation", "--month", "2026-10", "--person",
                 "am4", "--format", "xlsx", "--out", str(tmp_path)])  # fmt: skip
    assert code == 0
    [written] = capsys.readouterr().out.split()
    assert written == str(tmp_path / "evaluation-2026-10-am4.xlsx")
    assert [p.name for p in tmp_path.iterdir()] == ["evaluation-2026-10-am4.xlsx"]


def test_a_quarter_is_refused_with_a_message(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    code = main(["--db", str(db), "report", "evaluation", "--month", "2026-Q4",
                 "--out", str(tmp_path)])  # fmt: skip
    assert code != 0
    assert "Evaluation sheets are monthly" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
