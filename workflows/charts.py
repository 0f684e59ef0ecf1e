"""The digest's picture: status by area and institution, and overall progress over time (PNG)."""

from __future__ import annotations

import io
from collections import Counter

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from workflows.digests import Digest
from workflows.status import NO_UPDATE
from workflows.types import Status

ORDER = [
    s.label
    for s in (
        Status.COMPLETED,
        Status.ON_TRACK,
        Status.NOT_STARTED,
        Status.AT_RISK,
        Status.BLOCKED,
        Status.DROPPED,
        Status.SUPERSEDED,
    )
] + [NO_UPDATE]
COLOURS = {
    Status.COMPLETED.label: "#1a7f37",
    Status.ON_TRACK.label: "#4caf50",
    Status.NOT_STARTED.label: "#90a4ae",
    Status.AT_RISK.label: "#f9a825",
    Status.BLOCKED.label: "#d32f2f",
    Status.DROPPED.label: "#5d4037",
    Status.SUPERSEDED.label: "#7e57c2",
    NO_UPDATE: "#e0e0e0",
}
MAX_ROWS = 30


def render_status_chart(digest: Digest) -> bytes:
    """Draw status by area and institution (left) and progress over time (right) as a PNG."""
    rows = [
        (f"{a.title[:28]} · {inst.label}", counts)
        for a in digest.areas
        for inst, counts in a.counts.items()
    ][:MAX_ROWS]
    figure = Figure(figsize=(13, max(3.5, 0.32 * len(rows) + 1.5)), dpi=90)
    FigureCanvasAgg(figure)
    left, right = figure.subplots(1, 2, gridspec_kw={"width_ratios": [3, 2]})
    _bars(left, rows)
    _progress(right, digest)
    figure.suptitle(digest.title[:110], fontsize=11)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _bars(axes: Axes, rows: list[tuple[str, Counter[str]]]) -> None:
    labels = [label for label, _ in rows]
    left = [0] * len(rows)
    for status in ORDER:
        values = [counts.get(status, 0) for _, counts in rows]
        if any(values):
            axes.barh(labels, values, left=left, color=COLOURS[status], label=status)
            left = [a + b for a, b in zip(left, values, strict=True)]
    axes.invert_yaxis()
    axes.set_title("Status by area and institution", fontsize=10)
    axes.tick_params(axis="y", labelsize=7)
    if rows:
        axes.legend(fontsize=7, loc="lower right")


def _progress(axes: Axes, digest: Digest) -> None:
    days = [f"{day:%d %b}" for day, _ in digest.progress]
    x = list(range(len(days)))
    bottom = [0] * len(days)
    for status in ORDER:
        values = [counts.get(status, 0) for _, counts in digest.progress]
        if any(values):
            axes.fill_between(
                x,
                bottom,
                [a + b for a, b in zip(bottom, values, strict=True)],
                color=COLOURS[status],
                label=status,
            )
            bottom = [a + b for a, b in zip(bottom, values, strict=True)]
    axes.set_title("Commitments by overall status, week by week", fontsize=10)
    axes.set_xticks(x, days)
    axes.tick_params(axis="x", labelsize=7, rotation=30)
