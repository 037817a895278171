"""Build-time SVG charts (no JavaScript): horizontal bars against a target line."""

from __future__ import annotations

import dataclasses
from xml.sax.saxutils import escape


@dataclasses.dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: no data
    text: str  # the value as shown, e.g. "2/3" or "25%"
    status: str  # met | on_track | behind | no_data


ROW = 30
LABEL_WIDTH = 120
BAR_WIDTH = 380
TEXT_WIDTH = 140


def bar_chart(chart_id: str, title: str, description: str, bars: list[Bar], target: float,
              target_text: str) -> str:
    """An accessible SVG: <title> and <desc> name the chart; each bar's text is visible too."""
    scale_max = max([target, *[b.value for b in bars if b.value is not None]]) or 1
    height = ROW * len(bars) + 40
    width = LABEL_WIDTH + BAR_WIDTH + TEXT_WIDTH
    target_x = LABEL_WIDTH + BAR_WIDTH * target / scale_max
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for index, bar in enumerate(bars):
        y = 10 + index * ROW
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + 17}" text-anchor="end" class="chart-label">'
                     f'{escape(bar.label)}</text>')
        if bar.value is not None:
            length = max(BAR_WIDTH * bar.value / scale_max, 2 if bar.value == 0 else 0)
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y + 4}" width="{length:.1f}" height="{ROW - 10}" '
                         f'class="bar bar-{bar.status}"/>')
        parts.append(f'<text x="{LABEL_WIDTH + BAR_WIDTH + 8}" y="{y + 17}" class="chart-value">'
                     f'{escape(bar.text)}</text>')
    bottom = 10 + len(bars) * ROW
    parts.append(f'<line x1="{target_x:.1f}" y1="4" x2="{target_x:.1f}" y2="{bottom}" class="target-line"/>')
    parts.append(f'<text x="{target_x:.1f}" y="{bottom + 20}" text-anchor="middle" class="chart-target">'
                 f'目标 {escape(target_text)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
