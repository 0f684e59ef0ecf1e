"""`hlm export current|history` and `hlm search`, run as a coordinator at a terminal would."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli.main import main
from seed.sync import SEED_DIR
from tests.conftest import BACKENDS

Run = Callable[..., tuple[int, str, str]]
pytestmark = pytest.mark.parametrize("database_url", BACKENDS, indirect=True)


@pytest.fixture
def hlm(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsysbinary: pytest.CaptureFixture[bytes],
) -> Run:  # fmt: skip
    """Run `hlm` in-process against a migrated, seeded database with the example owners."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url)

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out = capsysbinary.readouterr()
        return code, out.out.decode("utf-8-sig"), out.err.decode()

    for args in (
        ("db", "upgrade"),
        ("seed",),
        ("people", "import", str(SEED_DIR / "owners.example.yaml")),
    ):
        assert run(*args)[0] == 0
    return run


def test_the_history_export_has_its_columns_even_before_any_update(hlm: Run) -> None:
    code, out, err = hlm("export", "history", "--area", "gender", "--format", "csv")
    assert code == 0, err
    assert next(csv.reader(io.StringIO(out)))[:3] == ["Date (UTC)", "Commitment", "Area"]


def test_the_current_status_export_has_a_row_per_commitment_and_institution(hlm: Run) -> None:
    code, out, err = hlm("export", "current", "--area", "osh", "--format", "csv")
    assert code == 0, err
    rows = list(csv.reader(io.StringIO(out)))[1:]
    assert {(r[0], r[3]) for r in rows} >= {("osh-1", "ILO"), ("osh-1", "Commission")}
    assert all(";" not in r[4] for r in rows)


def test_a_workbook_is_written_to_a_file(hlm: Run, tmp_path: Path) -> None:
    target = tmp_path / "status.xlsx"
    code, _, err = hlm("export", "current", "--format", "xlsx", "-o", str(target))
    assert code == 0, err
    assert load_workbook(target).sheetnames == ["Current status", "History"]


def test_an_export_into_a_missing_folder_is_one_line_of_refusal(hlm: Run, tmp_path: Path) -> None:
    code, _, err = hlm("export", "history", "-o", str(tmp_path / "nowhere" / "x.xlsx"))
    assert code == 2
    assert err.startswith("hlm: Cannot write")


def test_the_commitments_export_refuses_a_workbook_format(hlm: Run) -> None:
    code, _, err = hlm("export", "commitments", "--format", "xlsx")
    assert code == 2
    assert "--format" in err


def test_search_prints_hits_with_the_matched_words_marked(hlm: Run) -> None:
    code, out, err = hlm("search", "social", "dialogue")
    assert code == 0, err
    assert "social-dialogue-1" in out
    assert "**social dialogue**" in out


def test_search_for_nothing_says_nothing_was_found(hlm: Run) -> None:
    code, out, _ = hlm("search", '"', "*")
    assert code == 0
    assert out.startswith("Nothing found")
