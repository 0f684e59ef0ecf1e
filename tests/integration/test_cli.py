"""The `hlm` command line, run as a newcomer would: migrate, seed, import owners, look, export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bot.cli.main import main
from seed.sync import SEED_DIR, default_seed_files, load_seed
from tests.conftest import BACKENDS

EXAMPLE = SEED_DIR / "owners.example.yaml"


@pytest.fixture
def hlm(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):  # type: ignore[no-untyped-def]
    """Run `hlm` in-process against a fresh database; return (exit code, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    monkeypatch.setenv("DATABASE_URL", database_url)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


@pytest.fixture
def ready(hlm):  # type: ignore[no-untyped-def]
    """A database migrated, seeded and with the example owners."""
    for args in (("db", "upgrade"), ("seed",), ("people", "import", str(EXAMPLE))):
        code, _, err = hlm(*args)
        assert code == 0, err
    return hlm


pytestmark = pytest.mark.parametrize("database_url", BACKENDS, indirect=True)


def test_seed_twice_reports_no_change_the_second_time(hlm) -> None:  # type: ignore[no-untyped-def]
    hlm("db", "upgrade")
    code, first, _ = hlm("seed")
    assert code == 0
    assert "added" in first
    code, second, _ = hlm("seed")
    assert code == 0
    assert "up to date" in second


def test_status_of_gender_lists_its_commitments_with_owners(ready) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = ready("status", "Gender")
    gender = next(a for a in load_seed(default_seed_files()[-1]).areas if a.slug == "gender")
    assert code == 0
    for item in gender.commitments:
        assert item.id in out
    assert "Chidi Okafor" in out
    assert "Frans de Vries" in out
    assert f"{len(gender.commitments)} commitments" in out


def test_status_without_area_gives_the_overview(ready) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = ready("status")
    assert code == 0
    assert "All areas" in out
    for area in load_seed(default_seed_files()[-1]).areas:
        assert area.title[:30] in out


def test_export_json_lists_every_commitment_with_actors_and_numbers(ready) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = ready("export", "commitments", "--format", "json")
    assert code == 0
    rows = {row["id"]: row for row in json.loads(out)}
    seed = load_seed(default_seed_files()[-1])
    assert len(rows) == len(seed.commitments)
    for item in seed.commitments:
        row = rows[item.id]
        assert row["number"] == item.number
        assert row["actors"] == [a.value for a in item.actors]
        assert row["text"] == item.text
        assert set(row) >= {"id", "area", "number", "actors", "text", "owners", "status"}


@pytest.mark.parametrize("fmt", ["csv", "md"])
def test_export_in_other_formats_names_every_commitment(ready, fmt: str) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = ready("export", "commitments", "--format", fmt)
    assert code == 0
    for item in load_seed(default_seed_files()[-1]).commitments:
        assert item.id in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(("status", "gendre-equalityy-zz"), "No area matches", id="unknown-area"),
        pytest.param(
            ("assign", "gender-99", "chidi.okafor@ilo.example"),
            "gender-99",
            id="unknown-commitment",
        ),
        pytest.param(
            ("assign", "gender", "nobody@nowhere.example"), "don't know", id="unknown-person"
        ),
        pytest.param(
            ("assign", "gender", "chidi.okafor@ilo.example", "--institution", "unicef"),
            "not an institution",
            id="bad-institution",
        ),
        pytest.param(("people", "import", "missing.yaml"), "Cannot read", id="missing-file"),
    ],
)
def test_errors_are_one_clear_line_and_exit_code_2(
    ready, args: tuple[str, ...], message: str
) -> None:  # type: ignore[no-untyped-def]
    code, _out, err = ready(*args)
    assert code == 2
    assert message in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_a_command_before_the_database_exists_says_what_to_run(hlm) -> None:  # type: ignore[no-untyped-def]
    code, _, err = hlm("status", "gender")
    assert code == 2
    assert "hlm db upgrade" in err


def test_a_database_behind_the_code_says_to_upgrade_it(ready) -> None:  # type: ignore[no-untyped-def]
    code, _, _ = ready("db", "downgrade", "0014")
    assert code == 0
    code, _, err = ready("status", "gender")
    assert code == 2
    assert "older than this version of the bot: run `hlm db upgrade`" in err
    assert ready("db", "upgrade")[0] == 0
    assert ready("status", "gender")[0] == 0


def test_a_failing_import_leaves_the_database_as_it_was(ready, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, before, _ = ready("export", "commitments", "--format", "json")
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "people:\n  - {name: Zed, email: zed@ilo.example, institution: ilo}\n"
        "assignments:\n  - {target: gender, person: zed@ilo.example}\n  - {target: nowhere-zz, person: zed@ilo.example}\n",
        encoding="utf-8",
    )
    code, _, _ = ready("people", "import", str(bad))
    _, after, _ = ready("export", "commitments", "--format", "json")
    assert code == 2
    assert after == before


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        pytest.param({}, "SLACK_BOT_TOKEN is not set", id="missing-token"),
        pytest.param(
            {"SLACK_BOT_TOKEN": "nope", "SLACK_SIGNING_SECRET": "s"},
            "SLACK_BOT_TOKEN is not valid",
            id="malformed-token",
        ),
        pytest.param(
            {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s", "DATABASE_URL": "mysql://x"},
            "DATABASE_URL is not valid",
            id="bad-database-url",
        ),
        pytest.param(
            {
                "SLACK_BOT_TOKEN": "xoxb-1",
                "SLACK_SIGNING_SECRET": "s",
                "HLM_DIGEST_CHANNEL": "C0DIG,T0EC:C1",
            },
            "HLM_DIGEST_CHANNEL is not valid",
            id="digest-channel-mixing-one-channel-and-pairs",
        ),
    ],
)
def test_missing_or_malformed_settings_are_named_in_one_line(
    hlm, monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], named: str
) -> None:  # type: ignore[no-untyped-def]
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    code, _, err = hlm("serve", "--port", "0")
    assert code == 2
    assert named in err
    assert len(err.strip().splitlines()) == 1


def test_a_cadence_can_be_set_for_an_area_or_a_person_and_cleared(ready) -> None:  # type: ignore[no-untyped-def]
    assert (
        ready("cadence", "--area", "gender", "7")[1].strip()
        == "Gender Equality in the World of Work: check-ins every 7 days."
    )
    assert "every 28 days" in ready("cadence", "--person", "chidi.okafor@ilo.example", "28")[1]
    assert "back to the deployment's cadence" in ready("cadence", "--area", "gender", "default")[1]
    code, _, err = ready("cadence", "--area", "gender", "0")
    assert code == 2
    assert "from 1 to 366" in err


def test_assign_and_unassign_follow_the_rules_of_the_slash_commands(ready) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = ready("assign", "gender-7", "chidi.okafor@ilo.example", "--institution", "ec")
    assert code == 0
    assert out.strip() == (
        "Chidi Okafor is now Commission owner of gender-7; replacing Frans de Vries on gender-7."
    )
    assert ready("unassign", "gender-7")[1].strip() == "Freed gender-7."
    assert ready("unassign", "gender-7")[1].strip() == "Nobody was assigned there."


def test_unassign_asks_whose_part_when_several_institutions_hold_it(ready) -> None:  # type: ignore[no-untyped-def]
    _, before, _ = ready("export", "commitments", "--format", "json")
    code, out, err = ready("unassign", "gender-6")
    _, after, _ = ready("export", "commitments", "--format", "json")
    assert code == 2
    assert out == ""
    assert err.strip() == (
        "hlm: The ILO and the Commission each have an owner there: say whose part to free (ilo or ec)."
    )
    assert after == before
    assert ready("unassign", "gender-6", "--institution", "ilo")[1].strip() == "Freed gender-6."


def test_meetings_are_added_listed_and_removed_in_the_slash_commands_words(ready) -> None:  # type: ignore[no-untyped-def]
    assert "No technical meetings yet" in ready("meeting", "list")[1]
    added = ready("meeting", "add", "2026-12-03", "Technical one", "--area", "osh")[1]
    assert added.strip() == "Meeting 1 added: Thursday 03 December 2026, Technical one (osh)."
    listed = ready("meeting", "list")[1]
    assert listed.strip() == "1  2026-12-03  Technical one  [osh]"
    preview = ready("digest", "preview", "--meeting", "1")[1]
    assert preview.startswith("# Before the technical meeting of 3 December 2026: Technical one")
    removed = ready("meeting", "remove", "1")[1]
    assert removed.strip() == "Removed meeting 1: 03 December 2026, Technical one."


def test_the_weekly_digest_preview_is_markdown_or_slack_json(ready) -> None:  # type: ignore[no-untyped-def]
    code, markdown, _ = ready("digest", "preview")
    assert code == 0
    assert markdown.startswith("# Weekly HLM digest")
    code, slack, _ = ready("digest", "preview", "--format", "slack")
    assert code == 0
    assert set(json.loads(slack)) == {"parent", "thread"}


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("export", "things"), id="unknown-choice"),
        pytest.param(("frobnicate",), id="unknown-command"),
        pytest.param(("cadence", "7"), id="cadence-without-area-or-person"),
        pytest.param(("checkin", "send"), id="checkin-without-owners"),
    ],
)
def test_a_usage_mistake_exits_with_status_2_and_says_so(hlm, args: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    code, out, err = hlm(*args)
    assert code == 2
    assert out == ""
    assert "Usage: hlm" in err
    assert "Traceback" not in err


def test_help_needs_neither_settings_nor_a_database(hlm, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DATABASE_URL", "mysql://nowhere")
    code, out, _ = hlm("--help")
    assert code == 0
    assert "assign" in out
    code, out, _ = hlm("unassign", "--help")
    assert code == 0
    assert "--institution" in out


def test_an_earlier_meetings_status_export_and_digest_are_named_with_meeting(  # type: ignore[no-untyped-def]
    ready, tmp_path: Path
) -> None:
    from tests.integration.test_meetings_in_sequence import next_meeting

    later = tmp_path / "hlm16.yaml"
    later.write_text(yaml.safe_dump(next_meeting().model_dump(mode="json")), encoding="utf-8")
    code, _, err = ready("seed", str(SEED_DIR / "hlm15.yaml"), str(later))
    assert code == 0, err
    assert ready("conclusions", "current", "hlm16")[0] == 0

    code, now, _ = ready("status")
    assert code == 0
    assert "Care economy" in now
    assert "Gender" not in now
    code, earlier, _ = ready("status", "gender", "--meeting", "hlm15")
    assert code == 0
    assert "gender-3" in earlier
    code, _, err = ready("status", "--meeting", "hlm14")
    assert code != 0
    assert "hlm16 (current), hlm15" in err

    code, rows, _ = ready("export", "current", "--meeting", "hlm15", "--format", "csv")
    assert code == 0
    assert "gender-3" in rows  # each item by its id within its meeting, in every file
    assert "hlm15/gender-3" not in rows
    code, digest, _ = ready("digest", "preview", "--meeting", "hlm15")
    assert code == 0
    assert "Weekly digest of the HLM 15 conclusions" in digest
