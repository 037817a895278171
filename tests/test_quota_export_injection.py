"""Spreadsheet injection: text from content that starts like a formula stays text in the quota CSV and XLSX."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from sitekit import QUOTA_2022, make_site, news, write_quota

from wenming.build.pipeline import build
from wenming.publish.workbook import csv_bytes, csv_text

TITLES = ['=HYPERLINK("http://evil.test","点击")', "+1+2", "-3+4", "@SUM(1)", "#N/A"]
SOURCE = "=1+1"


@pytest.fixture(scope="module")
def quota_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("injection")
    reports = {f"r{index}.md": news(slug=f"r{index}", title=f"'{title}'", publications="\n  - outlet: 西乡融媒")
               for index, title in enumerate(TITLES)}
    content = make_site(root, reports)
    write_quota(content, QUOTA_2022.replace("source: 西实践发〔2022〕3号", f'source: "{SOURCE}"'))
    return build(content, root / "output").site_dir / "quota/2022"


def test_xlsx_text_cells_are_strings_not_formulas(quota_dir):
    workbook = openpyxl.load_workbook(quota_dir / "quota-2022.xlsx")
    sheet = workbook["计入报道"]
    header = [cell.value for cell in sheet[1]]
    title_column = header.index("报道标题")
    cells = {row[title_column].value: row[title_column] for row in sheet.iter_rows(min_row=2)}
    assert set(cells) == set(TITLES)
    for value, cell in cells.items():
        assert cell.data_type == "s", value
    source = {row[0].value: row[1] for row in workbook["说明"].iter_rows()}["依据"]
    assert (source.value, source.data_type) == (SOURCE, "s")
    numbers = workbook["指标矩阵"]
    assert numbers.cell(row=2, column=3).data_type == "n"  # counts stay numbers


def test_csv_cells_that_start_like_a_formula_get_an_apostrophe(quota_dir):
    text = (quota_dir / "quota-2022-reports.csv").read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    titles = {row[2] for row in rows[1:]}
    assert titles == {"'=HYPERLINK(\"http://evil.test\",\"点击\")", "'+1+2", "'-3+4", "'@SUM(1)", "#N/A"}
    assert all(row[3][:1].isdigit() and row[4].startswith("/news/") for row in rows[1:])  # dates, URLs untouched


@pytest.mark.parametrize("value, expected", [
    ("=1+2", "'=1+2"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("城北街道", "城北街道"), ("2022-05-12", "2022-05-12"), ("", ""), (-1, -1), (0.25, 0.25),
])
def test_csv_text(value, expected):
    assert csv_text(value) == expected


def test_csv_keeps_numbers_and_quotes_text_cells():
    data = csv_bytes([["单位", "标题", "实际"], ["城北街道", "=cmd|' /C calc'!A0", 3]])
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))[1] == ["城北街道", "'=cmd|' /C calc'!A0", "3"]
