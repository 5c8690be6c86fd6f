"""The report's charts: data read from the figures snapshot (never computed apart), drawn locally with matplotlib.

Four charts (issue 16, "charts where they help"): 信访量 by month against the same month of last year, 信访形式,
the five 问题分类 and 责任单位 with most petitions, and for the Art 41 report the 镇街 (属地). Each chart names the
figure keys it plots, so the 核对 page and the Excel table list its numbers like a sentence's, and each point is
the figure with the same key.

Drawing uses the Agg backend through matplotlib's object API (no pyplot: no global figure state, safe in the
server's threads) and a Chinese font found by fontconfig (`fc-match "Noto Sans CJK SC"`, which the setup installs
with fonts-noto-cjk). Without any CJK font the chart is still drawn, with a warning in the log: the numbers stay
readable, the labels may not be.
"""

import logging
import shutil
import subprocess
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

from xinfang.petitions.models import Channel

logger = logging.getLogger(__name__)
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
                "WenQuanYi Micro Hei", "Droid Sans Fallback")


@dataclass(frozen=True)
class ChartData:
    slug: str
    title: str
    kind: str  # "line" (months), "bar" (categories along x), "barh" (ranked groups)
    labels: tuple[str, ...]
    series: tuple[tuple[str, tuple[Decimal, ...]], ...]  # (legend, one value per label)
    keys: tuple[str, ...]  # the snapshot figures plotted, one per label (the first series)


def _number(value: Any) -> Decimal:
    return Decimal(str(value)) if value is not None else Decimal(0)


def _ranked(figures: dict[str, dict[str, Any]], prefix: str) -> list[str]:
    return sorted((key for key in figures if key.startswith(prefix)), key=lambda key: figures[key]["rank"])


def _trend(figures):
    keys = _ranked(figures, "registered_month_")
    if len(keys) < 2:
        return None
    return ChartData("trend", "信访量月度走势（件）", "line", tuple(figures[key]["group"] for key in keys),
                     (("本期", tuple(_number(figures[key]["value"]) for key in keys)),
                      ("上年同期", tuple(_number(figures[key]["last_year"]) for key in keys))), tuple(keys))


def _channels(figures):
    keys = [f"channel_{value}" for value in Channel.values
            if f"channel_{value}" in figures and _number(figures[f"channel_{value}"]["value"])]
    if not keys:
        return None
    labels = tuple(Channel(key.removeprefix("channel_")).label for key in keys)
    return ChartData("channels", "信访形式分布（件）", "bar", labels,
                     (("本期", tuple(_number(figures[key]["value"]) for key in keys)),), tuple(keys))


def _groups(slug: str, title: str, prefix: str):
    def build(figures):
        keys = _ranked(figures, prefix)
        if not keys:
            return None
        return ChartData(slug, title, "barh", tuple(figures[key]["group"] for key in keys),
                         (("本期", tuple(_number(figures[key]["value"]) for key in keys)),), tuple(keys))
    return build


CHARTS = {
    "trend": _trend,
    "channels": _channels,
    "categories": _groups("categories", "反映问题较多的分类（件）", "registered_category_"),
    "units": _groups("units", "转送交办较多的责任单位（件）", "registered_unit_"),
    "areas": _groups("areas", "按属地统计（件）", "registered_area_"),
}


def chart_data(slug: str, figures: dict[str, dict[str, Any]]) -> ChartData | None:
    """The chart's data from the snapshot, or None when it has nothing to show (no petition in any group)."""
    return CHARTS[slug](figures)


@lru_cache(maxsize=1)
def cjk_font() -> Any:
    """FontProperties of a Chinese font (Noto Sans CJK SC first), or None when the machine has none."""
    from matplotlib import font_manager

    path = _fc_match("Noto Sans CJK SC")
    if path is not None:
        font_manager.fontManager.addfont(path)  # a font installed after matplotlib built its cache
    names = {entry.name for entry in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in names:
            return font_manager.FontProperties(family=family)
    logger.warning("No CJK font found (install fonts-noto-cjk): report charts are drawn without Chinese glyphs")
    return None


def _fc_match(family: str) -> str | None:
    if shutil.which("fc-match") is None:
        return None
    try:
        found = subprocess.run(["fc-match", "-f", "%{family}|%{file}", family], capture_output=True, text=True,
                               timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    names, _, path = found.partition("|")
    # fc-match always answers; only a CJK face will do (its fallback is usually DejaVu).
    return path if "CJK" in names and Path(path).is_file() else None


COLOURS = ("#c0392b", "#7f8c8d")


def render_png(chart: ChartData) -> bytes:
    """The chart as a PNG (150 dpi, 16 × 9 cm: the width of the text block in the Word template)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    font = cjk_font()
    text = {"fontproperties": font} if font is not None else {}
    figure = Figure(figsize=(6.3, 3.5), dpi=150)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = list(range(len(chart.labels)))
    if chart.kind == "line":
        for (name, values), colour in zip(chart.series, COLOURS):
            axes.plot(positions, [float(value) for value in values], marker="o", color=colour, label=name,
                      linestyle="-" if colour == COLOURS[0] else "--")
        axes.set_xticks(positions, chart.labels, **text)
        # Below the axes: inside, it hides the points of some month whatever corner it takes.
        axes.legend(prop=font, frameon=False, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2)
        axes.set_ylim(bottom=0)
    elif chart.kind == "bar":
        bars = axes.bar(positions, [float(value) for value in chart.series[0][1]], color=COLOURS[0])
        axes.bar_label(bars, labels=[_label(value) for value in chart.series[0][1]])
        axes.set_xticks(positions, chart.labels, **text)
    else:  # ranked groups, the first on top
        bars = axes.barh(positions, [float(value) for value in chart.series[0][1]], height=0.6, color=COLOURS[0])
        axes.bar_label(bars, labels=[_label(value) for value in chart.series[0][1]], padding=3)
        axes.set_yticks(positions, chart.labels, **text)
        # Five slots whatever the number of groups (one group is not one fat bar); the first on top.
        axes.set_ylim(max(len(positions), 5) - 0.5, -0.5)
    # Counts: whole-number ticks only (AutoLocator is a MaxNLocator).
    (axes.xaxis if chart.kind == "barh" else axes.yaxis).get_major_locator().set_params(integer=True)
    # No title in the picture: the draft and the .docx caption it ("图：…").
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    figure.tight_layout()
    buffer = BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})  # no version stamp: same data, same bytes
    return buffer.getvalue()


def _label(value: Decimal) -> str:
    return str(int(value)) if value == value.to_integral_value() else f"{value:.2f}"
