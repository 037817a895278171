import pytest

from wenming.source.slugs import is_valid_slug, pinyin_slug


@pytest.mark.parametrize("name, slug", [
    ("城北街道", "chengbei-jiedao"),
    ("白龙塘镇", "bailongtang-zhen"),
    ("两河口镇", "lianghekou-zhen"),
    ("骆家坝镇", "luojiaba-zhen"),
    ("茶镇", "cha-zhen"),
    ("长安社区", "changan-shequ"),      # 长 read as chang, not zhang
    ("重庆村", "chongqing-cun"),        # 重 read as chong, not zhong
    ("五知五行·知行合一", "wuzhiwuxing-zhixingheyi"),
    ("理论宣讲", "lilunxuanjiang"),
])
def test_registry_names_get_readable_pinyin_slugs(name, slug):
    assert pinyin_slug(name) == slug
    assert is_valid_slug(slug)


def test_slugs_are_ascii_only():
    assert pinyin_slug("2022年“茶乡微讲堂”") .isascii()
    assert not is_valid_slug("城北")
    assert not is_valid_slug("Chengbei")
