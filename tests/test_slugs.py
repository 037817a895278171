import json
import subprocess
import sys
from pathlib import Path

import pytest
from sitekit import make_site, news

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


def test_a_build_keeps_the_pinyin_it_read_and_the_next_build_does_not_import_pypinyin(tmp_path):
    """The second build of the same code reads every registry name's pinyin from the cache (pypinyin's
    dictionary takes 0.3-0.5 s to import) and still gives the same slugs."""
    content = make_site(tmp_path, {"a.md": news(slug="a")})
    script = (
        "import json, sys; from pathlib import Path; from wenming.build.pipeline import build\n"
        "result = build(Path(sys.argv[1]), Path(sys.argv[2]), force=True)\n"
        "print(json.dumps({'pypinyin': 'pypinyin' in sys.modules,\n"
        "                  'slugs': sorted(u.slug for u in result.model.registry.units)}))\n")
    root = Path(__file__).resolve().parent.parent
    runs = [json.loads(subprocess.run([sys.executable, "-c", script, str(content), str(tmp_path / "out")],
                                      capture_output=True, text=True, check=True, cwd=root).stdout.splitlines()[-1])
            for _ in range(2)]
    assert runs[0]["pypinyin"] and not runs[1]["pypinyin"]
    assert runs[0]["slugs"] == runs[1]["slugs"] and "chengbei-jiedao" in runs[0]["slugs"]
