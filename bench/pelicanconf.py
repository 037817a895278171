# Plain Pelican reference build: default theme, default settings, same Markdown bodies.
SITENAME = "Benchmark"
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh"
ARTICLE_PATHS = ["news"]
DEFAULT_PAGINATION = 12
FEED_ALL_ATOM = "feeds/all.atom.xml"
