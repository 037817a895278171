"""Markdown tables in a body: header cells get scope="col", and a 表：… paragraph right before a table becomes
its caption (what screen readers announce); other paragraphs stay paragraphs."""

from __future__ import annotations

from bs4 import BeautifulSoup

from wenming.media.markup import render_markdown

TABLE = "| 镇（街道） | 人数 |\n| --- | --- |\n| 城北街道 | 30 |\n"


def soup(text: str) -> BeautifulSoup:
    return BeautifulSoup(render_markdown(text), "html.parser")


def test_a_table_named_with_biao_gets_it_as_caption():
    page = soup(f"活动情况如下。\n\n表：2022年志愿者人数\n\n{TABLE}")
    table = page.select_one("table")
    assert table.caption.get_text() == "2022年志愿者人数"
    assert [th["scope"] for th in table.select("th")] == ["col", "col"]
    assert [p.get_text() for p in page.select("p")] == ["活动情况如下。"]  # the 表： paragraph became the caption


def test_the_half_width_colon_works_too_and_other_paragraphs_stay():
    page = soup(f"表:各村人数\n\n{TABLE}\n\n表：后面没有表格的一段。\n")
    assert page.select_one("table caption").get_text() == "各村人数"
    assert [p.get_text() for p in page.select("p")] == ["表：后面没有表格的一段。"]


def test_a_table_without_a_caption_line_still_gets_header_scopes():
    page = soup(f"普通的一段。\n\n{TABLE}")
    assert page.select_one("table caption") is None
    assert [th["scope"] for th in page.select("th")] == ["col", "col"]
    assert [p.get_text() for p in page.select("p")] == ["普通的一段。"]


def test_each_table_scrolls_in_its_own_box():
    page = soup(f"{TABLE}\n\n一段。\n\n{TABLE}")
    assert [table.parent.get("class") for table in page.select("table")] == [["table-scroll"], ["table-scroll"]]
    assert [element.name for element in page.find_all(recursive=False) if element.name] == ["div", "p", "div"]
