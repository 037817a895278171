import datetime

import pytest

from wenming.source.yamlsource import FrontMatterError, parse_yaml, split_front_matter


def test_every_key_and_list_item_knows_its_line():
    text = "---\ntitle: 标题\ndate: 2022-05-12\npublications:\n  - outlet: 西乡融媒\n  - outlet: 汉中日报\n    level: 市级\n---\n正文\n"
    parsed = split_front_matter(text)
    assert parsed.meta.data["date"] == datetime.date(2022, 5, 12)
    assert parsed.meta.line_of(("title",)) == 2
    assert parsed.meta.line_of(("publications", 1, "level")) == 7
    assert parsed.meta.line_of(("publications", 1, "missing")) == 6
    assert parsed.body == "正文\n"
    assert parsed.body_first_line == 9


def test_yes_and_no_stay_text_but_true_is_boolean():
    data = parse_yaml("a: yes\nb: no\nc: true\n").data
    assert data == {"a": "yes", "b": "no", "c": True}


def test_broken_yaml_reports_the_file_line_not_a_traceback():
    with pytest.raises(FrontMatterError) as info:
        split_front_matter("---\ntitle: 标题\nunits: [城北街道\ndate: 2022-05-12\n---\n")
    assert info.value.line == 4
    assert str(info.value).startswith("YAML syntax error")


@pytest.mark.parametrize("text, message", [
    ("title: x\n", "must start with a front matter block"),
    ("---\ntitle: x\n", "front matter is not closed"),
    ("---\n- a\n- b\n---\n", "must be YAML 'key: value' lines"),
])
def test_front_matter_shape_errors(text, message):
    with pytest.raises(FrontMatterError) as info:
        split_front_matter(text)
    assert message in str(info.value)
