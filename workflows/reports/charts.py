"""The digest's picture, as a PNG: status by area and institution, and progress week by week.

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
from datetime import date
from functools import cache

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.ft2font import FT2Font
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from workflows.reports.digests import Digest
from workflows.types import Status
from workflows.updates.status import NO_UPDATE

# Best news first, so bars read left to right from done to worrying, then the unknown.
ORDER = (
    Status.COMPLETED.label,
    Status.ON_TRACK.label,
    Status.NOT_STARTED.label,
    Status.AT_RISK.label,
    Status.BLOCKED.label,
    Status.SUPERSEDED.label,
    Status.DROPPED.label,
    NO_UPDATE,
)
COLOURS = {
    Status.COMPLETED.label: "#2e7d32",
    Status.ON_TRACK.label: "#81c784",
    Status.NOT_STARTED.label: "#90caf9",
    Status.AT_RISK.label: "#ffa726",
    Status.BLOCKED.label: "#e53935",
    Status.SUPERSEDED.label: "#9575cd",
    Status.DROPPED.label: "#6d4c41",
    NO_UPDATE: "#bdbdbd",
}
MAX_ROWS = 40
AREA_LABEL = 34
TITLE_LABEL = 110
DPI = 80
LEFT_TITLE = "Where each area stands, by institution"
RIGHT_TITLE = "All commitments, week by week"
NOTHING = "No commitments in this digest"
NO_HISTORY = "No history yet"
MORE_ROWS = "(first {shown} of {total} rows)"
COUNT_AXIS = "Commitments"
PART_AXIS = "Commitment parts"


def render_status_chart(digest: Digest) -> bytes:
    """Draw status by area and institution (left) and progress over time (right) as a PNG."""
    rows = _rows(digest)
    shown = rows[:MAX_ROWS]
    figure = Figure(figsize=(12, max(4.5, 0.3 * len(shown) + 2.2)), dpi=DPI, layout="constrained")
    left, right = figure.subplots(1, 2, width_ratios=[3, 2])
    used = _draw_status(left, shown) | _draw_progress(right, digest.progress)
    more = (
        f" {MORE_ROWS.format(shown=len(shown), total=len(rows))}" if len(rows) > len(shown) else ""
    )
    figure.suptitle(
        _label(textwrap.shorten(digest.title, TITLE_LABEL, placeholder="…") + more), fontsize=13
    )
    if used:
        handles = [Patch(color=COLOURS[s], label=s) for s in ORDER if s in used]
        figure.legend(handles=handles, loc="outside lower center", ncols=len(handles))
    FigureCanvasAgg(figure)  # attaches itself: the figure is drawn by Agg, never by a GUI
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _rows(digest: Digest) -> list[tuple[str, Counter[str]]]:
    return [
        (
            f"{textwrap.shorten(area.title, AREA_LABEL, placeholder='…')} · {institution.label}",
            counts,
        )
        for area in digest.areas
        for institution, counts in area.counts.items()
    ]


def _draw_status(axes: Axes, rows: Sequence[tuple[str, Counter[str]]]) -> set[str]:
    """Stack each row's part counts as a horizontal bar; return the statuses drawn."""
    axes.set_title(LEFT_TITLE, fontsize=11)
    if not rows:
        _say(axes, NOTHING)
        return set()
    labels = [_label(label) for label, _ in rows]
    lefts = [0] * len(rows)
    used = set()
    for status in ORDER:
        widths = [counts.get(status, 0) for _, counts in rows]
        if any(widths):
            axes.barh(labels, widths, left=lefts, color=COLOURS[status], height=0.7)
            lefts = [a + b for a, b in zip(lefts, widths, strict=True)]
            used.add(status)
    axes.invert_yaxis()  # first area at the top, as in the document
    axes.tick_params(axis="y", labelsize=8)
    axes.set_xlabel(PART_AXIS)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    return used


def _draw_progress(axes: Axes, progress: Sequence[tuple[date, Counter[str]]]) -> set[str]:
    """Stack the overall status counts at each weekly point; return the statuses drawn."""
    axes.set_title(RIGHT_TITLE, fontsize=11)
    present = [s for s in ORDER if any(counts.get(s, 0) for _, counts in progress)]
    if not present:
        _say(axes, NO_HISTORY)
        return set()
    x = list(range(len(progress)))
    series = [[counts.get(s, 0) for _, counts in progress] for s in present]
    axes.stackplot(x, *series, colors=[COLOURS[s] for s in present])
    axes.set_xticks(x, [_label(f"{day:%d %b}") for day, _ in progress])
    axes.tick_params(axis="x", labelsize=8, rotation=30)
    axes.set_ylabel(COUNT_AXIS)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_xlim(0, max(len(x) - 1, 1))
    axes.set_ylim(0, max(sum(counts.values()) for _, counts in progress) or 1)
    return set(present)


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
