"""The digest's picture, as a PNG: one bar per area, counting its commitments by overall status.

Made to be read where Slack shows it: a channel previews an image 360–480 px wide, so the PNG is
1200 px wide (a 2× picture of 600 points) with 13-point labels that stay about 12 px tall once
scaled down to 420 px, one 44 px row per area, one unit throughout (commitments, named in the title), the
areas' short names in full (a long one wraps, it is never cut) and the Okabe–Ito palette, which
readers with any common colour-vision deficiency tell apart, with a legend and the counts written
on the bars.

Drawn with matplotlib's object API on the Agg canvas (no pyplot, no global state, no display), so
it is safe in a scheduler thread and on a headless server. Every text on the picture goes through
`_label`: characters the font lacks become "?" and `$` cannot start mathtext, so no seed or user
text can make matplotlib warn or fail.
"""

from __future__ import annotations

import io
import textwrap
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Protocol

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.ft2font import FT2Font
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from workflows.types import Status
from workflows.updates.status import NO_UPDATE, REPORT_ORDER
from workflows.words import counted

# Best news first, so bars read left to right from done to worrying, then the unknown.
ORDER = REPORT_ORDER
# Okabe & Ito's colour-blind-safe palette (blues for progress, orange and vermillion for trouble),
# with greys for what is closed without being done and for no report.
COLOURS = {
    Status.COMPLETED.label: "#0072B2",
    Status.ON_TRACK.label: "#56B4E9",
    Status.NOT_STARTED.label: "#F0E442",
    Status.AT_RISK.label: "#E69F00",
    Status.BLOCKED.label: "#D55E00",
    Status.SUPERSEDED.label: "#CC79A7",
    Status.DROPPED.label: "#666666",
    NO_UPDATE: "#DDDDDD",
}
DARK = frozenset({Status.COMPLETED.label, Status.BLOCKED.label, Status.DROPPED.label})
WIDTH_PX = 1200
DPI = 200  # 1200 px = 6 inches: a 2× picture of 600 points
ROW_PX = 44
LINE_PX = 48  # more for each row when a long name takes more lines
BASE_PX = 60  # the axis below the bars
TOP_PX = 80  # the title
LEGEND_ROW_PX = 44
LEGEND_COLUMNS = 4
MAX_ROWS = 30
NAME_WIDTH = 26  # characters on one line of an area's name before it wraps
TITLE_SIZE, LABEL_SIZE, LEGEND_SIZE, TICK_SIZE, COUNT_SIZE = 14, 13, 12, 11, 11
MIN_SHARE_FOR_COUNT = 0.05  # a segment narrower than this share of the axis has no number
TITLE = "{commitments} by overall status · {day.day} {day:%b %Y}"
MORE_ROWS = " (first {shown} of {total} areas)"
NOTHING = "No commitments in this digest"


class ChartArea(Protocol):
    """One bar: an area's short name and its commitments counted by overall status label."""

    @property
    def name(self) -> str: ...
    @property
    def counts(self) -> Counter[str]: ...
    @property
    def total(self) -> int: ...


class Chart(Protocol):
    """What the chart draws: its bars, and the day it is of (a `Digest` is one)."""

    @property
    def areas(self) -> Sequence[ChartArea]: ...
    @property
    def until(self) -> date: ...


@dataclass(frozen=True)
class Bar:
    """A bar of a chart drawn from something other than a digest (the review)."""

    name: str
    counts: Counter[str]

    @property
    def total(self) -> int:
        """Count the area's commitments."""
        return sum(self.counts.values())


@dataclass(frozen=True)
class Bars:
    """A chart drawn from something other than a digest: its bars and its day."""

    areas: tuple[Bar, ...]
    until: date


def render_status_chart(digest: Chart) -> bytes:
    """Draw each area's commitments by overall status as a PNG."""
    figure = draw_status_chart(digest)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def draw_status_chart(digest: Chart) -> Figure:
    """Draw each area's commitments by overall status, one horizontal stacked bar per area."""
    areas = digest.areas[:MAX_ROWS]
    names = [area_label(a.name) for a in areas]
    used = [s for s in ORDER if any(a.counts.get(s, 0) for a in areas)]
    legend_rows = -(-len(used) // LEGEND_COLUMNS)
    row = ROW_PX + LINE_PX * max((n.count("\n") for n in names), default=0)
    height = TOP_PX + legend_rows * LEGEND_ROW_PX + BASE_PX + row * max(len(areas), 2)
    figure = Figure(figsize=(WIDTH_PX / DPI, height / DPI), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)  # attaches itself: the figure is drawn by Agg, never by a GUI
    axes = figure.subplots()
    total = sum(a.total for a in digest.areas)
    more = MORE_ROWS.format(shown=len(areas), total=len(digest.areas))
    title = TITLE.format(commitments=counted(total, "commitment").capitalize(), day=digest.until)
    figure.suptitle(
        _label(title + (more if len(digest.areas) > len(areas) else "")), fontsize=TITLE_SIZE
    )
    if not areas:
        _say(axes, NOTHING)
        return figure
    _draw_bars(axes, names, areas)
    handles = [Patch(facecolor=COLOURS[s], edgecolor="#888888", label=s) for s in used]
    figure.legend(
        handles=handles, loc="outside lower center", fontsize=LEGEND_SIZE,
        ncols=min(len(handles), LEGEND_COLUMNS), frameon=False, handlelength=1.2,
        handletextpad=0.4, columnspacing=1.0,
    )  # fmt: skip
    return figure


def area_label(name: str) -> str:
    """Write an area's name as the chart shows it: whole, on two lines if it is long."""
    return "\n".join(textwrap.wrap(_label(name), NAME_WIDTH)) or "?"


def _draw_bars(axes: Axes, names: list[str], areas: Sequence[ChartArea]) -> None:
    widest = max(a.total for a in areas) or 1
    positions = list(range(len(areas)))
    lefts = [0] * len(areas)
    for status in ORDER:
        widths = [a.counts.get(status, 0) for a in areas]
        if any(widths):
            axes.barh(positions, widths, left=lefts, color=COLOURS[status], height=0.72,
                      edgecolor="white", linewidth=0.6)  # fmt: skip
            _write_counts(axes, widths, lefts, status, widest)
            lefts = [a + b for a, b in zip(lefts, widths, strict=True)]
    for y, counts in enumerate(areas):
        axes.text(counts.total + widest * 0.01, y, str(counts.total), va="center",
                  fontsize=COUNT_SIZE, color="#333333")  # fmt: skip
    axes.set_yticks(positions, names, fontsize=LABEL_SIZE)
    axes.invert_yaxis()  # first area at the top, as in the document
    axes.set_xlim(0, widest * 1.08)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.tick_params(axis="x", labelsize=TICK_SIZE)
    axes.tick_params(axis="y", length=0)
    axes.grid(axis="x", color="#eeeeee")
    axes.set_axisbelow(True)
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)


def _write_counts(
    axes: Axes, widths: list[int], lefts: list[int], status: str, widest: int
) -> None:
    colour = "white" if status in DARK else "black"
    for y, (width, left) in enumerate(zip(widths, lefts, strict=True)):
        if width and width / widest >= MIN_SHARE_FOR_COUNT:
            axes.text(left + width / 2, y, str(width), ha="center", va="center",
                      fontsize=COUNT_SIZE, color=colour)  # fmt: skip


def _say(axes: Axes, text: str) -> None:
    axes.text(0.5, 0.5, text, ha="center", va="center", transform=axes.transAxes, color="#757575")
    axes.set_axis_off()


def _label(text: str) -> str:
    """Make text safe to draw: no mathtext, and only characters the font can show."""
    glyphs = _glyphs()
    safe = "".join(ch if ord(ch) in glyphs or ch.isspace() else "?" for ch in text)
    return safe.replace("$", r"\$")


@cache
def _glyphs() -> frozenset[int]:
    # The font matplotlib resolves for default text (DejaVu Sans, shipped with matplotlib).
    return frozenset(FT2Font(findfont(FontProperties())).get_charmap())
