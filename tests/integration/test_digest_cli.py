"""`hlm digest chart`: the chart a digest would post, written to a file to look at first."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from tests.conftest import BACKENDS
from tests.integration.test_cli import hlm, ready  # noqa: F401 (fixtures)

pytestmark = pytest.mark.parametrize("database_url", BACKENDS, indirect=True)


def test_the_digest_chart_is_written_as_a_png_of_the_areas(ready, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    out = tmp_path / "chart.png"
    code, said, err = ready("digest", "chart", "-o", str(out), "--since", "2026-11-01")
    assert code == 0, err
    png = out.read_bytes()
    assert png.startswith(b"\x89PNG")
    width, height = struct.unpack(">II", png[16:24])
    assert said.strip() == f"Wrote {out} ({width}×{height} px): 14 areas, 93 commitments."
    assert width == 1200


def test_a_chart_without_a_file_to_write_to_is_refused_in_one_line(ready, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    code, _, err = ready("digest", "chart", "-o", str(tmp_path / "missing" / "chart.png"))
    assert code == 2
    assert err.strip().startswith("hlm: Cannot write")
    code, _, err = ready("digest", "chart", "-o", "x.png", "--since", "last week")
    assert code == 2
    assert "last week" in err
