"""The digest's chart: one bar per area counting commitments, readable where Slack shows it,
drawn headless, whatever the digest holds."""

from __future__ import annotations

import dataclasses
import itertools
import os
import struct
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

from tests.factories import make_digest as digest
from workflows.reports.charts import (
    COLOURS,
    DPI,
    MAX_ROWS,
    ROW_PX,
    WIDTH_PX,
    draw_status_chart,
    render_status_chart,
)
from workflows.reports.digests import Digest

PNG = b"\x89PNG\r\n\x1a\n"
MAX_BYTES = 400_000  # a 2× picture; Slack takes files of up to 1 GB
HLM15 = [
    "General", "Future of work", "Trade and labour", "Safety and health", "Gender equality",
    "Development cooperation", "Supply chains", "Decent work in Asia", "Maritime and fishing",
    "Social dialogue", "Decent work in Africa", "Skills and TVET", "Just transition",
    "Key events",
]  # fmt: skip
LONG = "Promoting skills development and TVET (Technical and Vocational Education and Training)"


def size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def named(chart: Digest, names: list[str]) -> Digest:
    areas = tuple(dataclasses.replace(a, name=n) for a, n in zip(chart.areas, names, strict=True))
    return dataclasses.replace(chart, areas=areas)


@pytest.mark.parametrize(
    "chart",
    [
        pytest.param(digest(5), id="normal"),
        pytest.param(digest(0), id="empty"),
        pytest.param(digest(1, per_area=1), id="one-commitment"),
        pytest.param(digest(3, updated=False), id="quiet"),
    ],
)
def test_the_chart_is_a_png_for_any_digest(chart: Digest) -> None:
    png = render_status_chart(chart)
    assert png.startswith(PNG)
    assert len(png) < MAX_BYTES


def test_the_chart_is_1200_px_wide_and_about_40_px_a_row_for_the_hlm_areas() -> None:
    width, height = size(render_status_chart(named(digest(14), HLM15)))
    assert width == WIDTH_PX == 1200
    assert 60 + ROW_PX * 14 <= height <= 60 + ROW_PX * 14 + 260  # title, axis and legend
    assert DPI == 200  # a 2× picture: 12-point labels stay about 11 px tall at 400 px wide


def test_every_area_name_is_drawn_whole_inside_the_picture() -> None:
    names = [*HLM15[:4], LONG]
    figure = draw_status_chart(named(digest(5), names))
    canvas = figure.canvas
    assert isinstance(canvas, FigureCanvasAgg)
    renderer = canvas.get_renderer()
    figure.draw(renderer)
    [axes] = figure.axes
    labels = axes.get_yticklabels()
    assert [" ".join(t.get_text().split("\n")) for t in labels] == names
    for text in labels:
        box = text.get_window_extent(renderer)
        assert box.x0 >= 0
        assert box.y0 >= 0
        assert box.y1 <= figure.bbox.height
    assert "…" not in "".join(t.get_text() for t in labels)


def test_the_legend_and_title_fit_inside_the_picture_with_every_status_shown() -> None:
    chart = named(digest(14), HLM15)
    every = Counter({label: 1 + n for n, label in enumerate(COLOURS)})  # "No update" included
    chart = dataclasses.replace(
        chart, areas=tuple(dataclasses.replace(a, counts=every) for a in chart.areas)
    )
    figure = draw_status_chart(chart)
    canvas = figure.canvas
    assert isinstance(canvas, FigureCanvasAgg)
    renderer = canvas.get_renderer()
    figure.draw(renderer)
    [legend] = figure.legends
    assert len(legend.get_texts()) == len(COLOURS)
    for artist in [legend, figure._suptitle]:
        assert artist is not None
        box = artist.get_window_extent(renderer)
        assert box.x0 >= 0
        assert box.x1 <= figure.bbox.width


def test_a_long_name_wraps_and_its_rows_grow_rather_than_overlap() -> None:
    figure = draw_status_chart(named(digest(3), [LONG, LONG, LONG]))
    canvas = figure.canvas
    assert isinstance(canvas, FigureCanvasAgg)
    renderer = canvas.get_renderer()
    figure.draw(renderer)
    boxes = [t.get_window_extent(renderer) for t in figure.axes[0].get_yticklabels()]
    for upper, lower in itertools.pairwise(boxes):
        assert not upper.overlaps(lower)


def test_the_chart_counts_commitments_in_one_unit_with_a_legend_of_the_statuses_shown() -> None:
    chart = digest(2)
    figure = draw_status_chart(chart)
    assert figure.get_suptitle().startswith("24 commitments by overall status")
    [legend] = figure.legends
    shown = {t.get_text() for t in legend.get_texts()}
    present = {label for area in chart.areas for label, n in area.counts.items() if n}
    assert shown == present
    assert shown <= set(COLOURS)
    totals = [t.get_text() for t in figure.axes[0].texts if t.get_text() == "12"]
    assert len(totals) == 2  # each bar's total, at its end


def test_a_chart_of_many_areas_shows_the_first_and_says_so() -> None:
    png = render_status_chart(digest(60))
    width, height = size(png)
    assert len(png) < MAX_BYTES
    assert width == WIDTH_PX
    assert height <= 60 + ROW_PX * MAX_ROWS + 300
    figure = draw_status_chart(digest(60))
    assert f"(first {MAX_ROWS} of 60 areas)" in figure.get_suptitle()


@pytest.mark.parametrize(
    "title",
    [
        pytest.param("Costs in $ and $ again", id="dollars-are-not-mathtext"),
        pytest.param("Gender 😀 平等 \u200b equality", id="glyphs-the-font-lacks"),
        pytest.param(r"Under_scores ^carets \backslash {braces}", id="tex-characters"),
    ],
)
def test_any_text_draws_without_warnings(title: str) -> None:
    # pytest turns every warning into an error here: a missing glyph would fail the test.
    chart = digest(2)
    assert render_status_chart(named(chart, [title, title])).startswith(PNG)


@pytest.mark.slow
def test_drawing_needs_neither_pyplot_nor_a_display(repo_root: Path) -> None:
    script = (
        "import sys; from tests.unit.test_charts import digest; "
        "from workflows.reports.charts import render_status_chart; render_status_chart(digest(1)); "
        "assert 'matplotlib.pyplot' not in sys.modules, 'pyplot was imported'"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "MPLBACKEND"}}
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", script],
        cwd=repo_root, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


@pytest.mark.slow
def test_the_review_and_the_exports_load_matplotlib_and_openpyxl_only_when_drawing_or_writing(
    repo_root: Path,
) -> None:
    script = (
        "import sys, workflows.reports.review, workflows.reports.export; "
        "print(sorted(m for m in ('matplotlib', 'openpyxl') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=repo_root, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert (done.returncode, done.stdout.strip()) == (0, "[]"), done.stderr
