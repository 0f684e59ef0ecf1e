"""The digest's chart is a modest PNG, drawn headless, whatever the digest holds."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import make_digest as digest
from workflows.reports.charts import render_status_chart
from workflows.reports.digests import Digest

PNG = b"\x89PNG\r\n\x1a\n"
MAX_BYTES = 200_000


def size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])
    return width, height


@pytest.mark.parametrize(
    "chart",
    [
        pytest.param(digest(5), id="normal"),
        pytest.param(digest(0, weeks=0), id="empty"),
        pytest.param(digest(0), id="progress-only"),
        pytest.param(digest(3, weeks=0), id="no-history"),
        pytest.param(digest(3, weeks=1), id="one-week"),
    ],
)
def test_the_chart_is_a_png_for_any_digest(chart: Digest) -> None:
    png = render_status_chart(chart)
    assert png.startswith(PNG)
    assert len(png) < MAX_BYTES


def test_a_chart_of_many_areas_stays_modest_in_size_and_pixels() -> None:
    png = render_status_chart(digest(60))
    width, height = size(png)
    assert len(png) < MAX_BYTES
    assert width <= 1000
    assert height <= 1200


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
    assert render_status_chart(digest(2, title=title)).startswith(PNG)


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
