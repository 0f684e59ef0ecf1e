"""The offline main job and console: the real app and the stand-in for Slack, on SQLite."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.bootstrap import build
from bot.cli.main import main
from bot.console.session import run_console
from bot.settings import Settings


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_the_demo_runs_a_scripted_session_and_can_run_again(
    in_tmp: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for _ in range(2):
        assert main(["demo"]) == 0
        out = capsys.readouterr().out
        assert "93 added" in out
        assert "7 check-ins sent" in out
        assert "✓ Recorded At risk for gender-7" in out  # words in the DM, outside any thread
        assert (
            "✓ Recorded On track for supply-chains-1 · ✓ Recorded Blocked for supply-chains-2"
            in out
        )
        assert "[ Nothing changed ]  [ Update… ]  [ Skip this cycle… ]  [ I'm away… ]" in out
        assert "✓ All answered, thank you Chidi!" in out
        assert "Which commitment is this about?" in out
        assert "<!date^" not in out
        assert "8 commitments: 1 at risk" in out
        assert "Did you mean `/hlm status`?" in out
    assert (in_tmp / "var" / "demo.sqlite3").exists()


def test_the_console_acts_as_people_would_in_slack(in_tmp: Path) -> None:
    lines: list[str] = []
    script = iter(
        [
            "/hlm status osh",
            "checkin",
            "as frans",
            "update gender-7 at_risk Tender delayed",
            "say gender-8 on track: plan adopted",
            "/hlm mine",
            "as nobody",
            "quit",
        ]
    )
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    deps = build(settings)
    try:
        assert run_console(deps, out=lines.append, read=lambda prompt: next(script)) == 0
    finally:
        deps.close()
    text = "\n".join(lines)
    assert "osh-1" in text
    assert "check-ins sent" in text
    assert "✓ Recorded On track for gender-8" in text
    assert "1 answered" in text or "2 answered" in text
    assert "No one called" in text
