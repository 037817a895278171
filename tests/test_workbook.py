"""Workbooks written in another process (wenming.publish.workbook) are those written here, with their tables'
CSV files."""

import csv
import datetime
import io
import tempfile
import time

import openpyxl
import pytest

from wenming.publish import workbook
from wenming.publish.workbook import Table, Workbook


def sample() -> Workbook:
    rows = [["单位", "状态", "数量"], ["城北街道", "达标", 3], ["=HYPERLINK(\"x\")", "落后", 0.5]]
    return Workbook(name="book.xlsx", created=datetime.datetime(2022, 7, 1), fills={"达标": "C6EFCE"},
                    tables=[Table("矩阵", rows, fill_columns=frozenset({1}), csv_name="matrix.csv"),
                            Table("说明", [["年度", 2022]], header=False)])


def test_a_workbook_made_in_another_process_has_the_same_bytes(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the tables are handed over
    made_here = workbook.xlsx_bytes(sample())
    wait = workbook.start(sample())
    files = wait()
    assert files == {"book.xlsx": made_here, "matrix.csv": workbook.csv_bytes(sample().tables[0].rows)}
    assert wait() is files  # asked again (one wait per file written)
    rows = list(csv.reader(io.StringIO(files["matrix.csv"].decode("utf-8-sig"))))
    assert rows[2] == ["'=HYPERLINK(\"x\")", "落后", "0.5"]  # text that looks like a formula stays text
    assert list(tmp_path.glob("workbook-*")) == []  # the tables' file is gone once the bytes are in
    book = openpyxl.load_workbook(io.BytesIO(made_here))
    matrix = book["矩阵"]
    assert [cell.value for cell in matrix[3]] == ['=HYPERLINK("x")', "落后", 0.5]
    assert matrix["A3"].data_type == "s"  # text, never a formula
    assert matrix["B2"].fill.fgColor.rgb.endswith("C6EFCE") and matrix.freeze_panes == "B2"
    assert [cell.value for cell in book["说明"][1]] == ["年度", 2022]


def test_a_failure_in_the_other_process_is_raised_with_its_message():
    unwritable = Workbook(name="book.xlsx", created=datetime.datetime(2022, 7, 1), tables=[Table("表", [[object()]])])
    wait = workbook.start(unwritable)
    for _ in range(2):  # the same error each time it is asked for
        with pytest.raises(RuntimeError, match=r"writing workbook failed \(exit code 1\)"):
            wait()


def test_a_workbook_nobody_waits_for_is_finished_and_its_tables_file_deleted(tmp_path, monkeypatch):
    """A build that keeps last build's workbook (its key unchanged) never waits for the one it started."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    workbook.start(sample())
    assert len(list(tmp_path.glob("workbook-*.pickle"))) == 1
    deadline = time.monotonic() + 60
    while list(tmp_path.glob("workbook-*.pickle")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(tmp_path.glob("workbook-*.pickle")) == []
