"""Hostile input to every `hlm` command: one line on stderr, exit status 2, nothing written.

The commands come from the parser itself, so a new one is covered too. Files in the wrong
encoding, fields over the csv module's limit, Unicode digits, huge numbers, far-off years, an
output folder that is not there, and one person listed twice are each refused in one line.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

import click
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.cli.main import cli, main
from seed.sync import SEED_DIR
from tests.conftest import BACKENDS
from workflows.store.db import Base, make_engine
from workflows.store.revision import current_token

EXAMPLE = SEED_DIR / "owners.example.yaml"
HEADER = "target,institution,role,name,email,slack_user_id,tz\n"
# Commands that serve or loop until stopped: fed only arguments their parser refuses.
LONG_RUNNING = {"run", "serve", "scheduler", "demo", "console"}

pytestmark = pytest.mark.parametrize("database_url", BACKENDS, indirect=True)

Run = Callable[..., tuple[int, str, str]]


def commands() -> list[list[str]]:
    """List every `hlm` command as the words that name it (`db upgrade`, `status`, ...)."""
    found: list[list[str]] = []
    for name, command in cli.commands.items():
        actions = command.commands if isinstance(command, click.Group) else {}
        found += [[name, action] for action in actions] if actions else [[name]]
    return found


@pytest.fixture
def hlm(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Run:
    """Run `hlm` in-process on a migrated, seeded database with the example owners."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        try:
            code = main(list(args))
        except SystemExit as exc:  # the parser refusing the arguments
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return code, out.out, out.err

    for args in (("db", "upgrade"), ("seed",), ("people", "import", str(EXAMPLE))):
        assert run(*args)[0] == 0
    return run


@pytest.fixture
def fingerprint(database_url: str) -> Iterator[Callable[[], tuple[object, ...]]]:
    """Return a function giving the data's token and the row count of every table."""
    engine = make_engine(database_url)

    def take() -> tuple[object, ...]:
        with engine.connect() as connection:
            counts = tuple(
                connection.scalar(select(func.count()).select_from(table))
                for table in Base.metadata.sorted_tables
            )
        from sqlalchemy.orm import Session

        with Session(engine) as session:
            return current_token(session), counts

    yield take
    engine.dispose()


def refused_in_one_line(code: int, out: str, err: str) -> str:
    """Assert a refusal as the CLI gives one; return its line."""
    assert "Traceback" not in out + err
    assert code == 2, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("hlm: ")
    return lines[0]


def write(path: Path, data: str | bytes) -> Path:
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def owners_csv(*rows: str) -> str:
    return HEADER + "".join(row + "\n" for row in rows)


def owners_yaml(*people: str) -> str:
    entries = "".join(
        f"  - {{name: P{i}, email: {email}, institution: ilo{', slack_user_id: ' + slack if slack else ''}}}\n"
        for i, (email, slack) in enumerate(p.split("|") for p in people)
    )
    return "people:\n" + entries


FILES: list[object] = [
    pytest.param(
        lambda d: ["people", "import", str(write(d / "o.csv", owners_csv("gender,ilo,owner,Zoë Ä,z@ilo.example,,").encode("latin-1")))],
        "not UTF-8", id="latin-1-owners-csv",
    ),
    pytest.param(
        lambda d: ["people", "import", str(write(d / "o.yaml", "people:\n  - name: Zoë\n".encode("latin-1")))],
        "not UTF-8", id="latin-1-owners-yaml",
    ),
    pytest.param(
        lambda d: ["seed", str(write(d / "hlm99.yaml", "number: 99\ntitle: Réunion\n".encode("latin-1")))],
        "not UTF-8", id="latin-1-seed",
    ),
    pytest.param(
        lambda d: ["people", "import", str(write(d / "o.csv", owners_csv("gender,ilo,owner," + "x" * (csv.field_size_limit() + 1) + ",z@ilo.example,,")))],
        "CSV", id="csv-field-over-the-limit",
    ),
    pytest.param(
        lambda d: ["people", "import", str(write(d / "o.csv", owners_csv("gender,ilo,owner,Zoe,Zoe@ilo.example,,", "osh,ilo,owner,Zoe,zoe@ilo.example,,")))],
        "rows 2 and 3", id="csv-same-email-in-another-case",
    ),
    pytest.param(
        lambda d: ["people", "import", str(write(d / "o.csv", owners_csv("gender,ilo,owner,A,a@ilo.example,U0SAME,", "osh,ilo,owner,B,b@ilo.example,U0SAME,")))],
        "rows 2 and 3", id="csv-one-slack-id-two-emails",
    ),
    pytest.param(
        lambda d: ["people", "import", str(write(d / "o.yaml", owners_yaml("a@ilo.example|", "A@ILO.example|")))],
        "people 1 and 2", id="yaml-same-email-in-another-case",
    ),
    pytest.param(
        lambda d: ["people", "import", str(write(d / "o.yaml", owners_yaml("a@ilo.example|U0SAME", "b@ilo.example|U0SAME")))],
        "people 1 and 2", id="yaml-one-slack-id-two-people",
    ),
    pytest.param(lambda d: ["export", "commitments", "-o", str(d / "missing" / "out.json")], "Cannot write", id="export-into-a-missing-folder"),
    pytest.param(lambda d: ["export", "commitments", "-o", str(d)], "Cannot write", id="export-onto-a-folder"),
    pytest.param(lambda d: ["meeting", "ics", "-o", str(d / "missing" / "m.ics")], "Cannot write", id="ics-into-a-missing-folder"),
    pytest.param(lambda d: ["cadence", "--area", "gender", "²"], "not a number of days", id="cadence-unicode-digit"),
    pytest.param(lambda d: ["cadence", "--area", "gender", "9" * 5000], "not a number of days", id="cadence-5000-digits"),
    pytest.param(lambda d: ["cadence", "--area", "gender", "99999"], "not a number of days", id="cadence-huge"),
    pytest.param(lambda d: ["status", "²"], "No area", id="status-unicode-digit"),
    pytest.param(lambda d: ["status", "#99999999999999999999"], "No area", id="status-huge-number"),
    pytest.param(lambda d: ["meeting", "remove", "²"], "meeting", id="meeting-remove-unicode-digit"),
    pytest.param(lambda d: ["meeting", "remove", "99999999999999999999"], "meeting", id="meeting-remove-huge"),
    pytest.param(lambda d: ["meeting", "add", "9999-12-31", "Far"], "too far", id="meeting-add-year-9999"),
    pytest.param(lambda d: ["meeting", "add", "0001-01-01", "Long ago"], "too far", id="meeting-add-year-1"),
    pytest.param(lambda d: ["digest", "preview", "--meeting", "99999999999999999999"], "meeting", id="digest-huge-meeting"),
    pytest.param(lambda d: ["assign", "hlm99999999999999999999/gender-1", "chidi.okafor@ilo.example"], "No commitment", id="assign-huge-meeting"),
]  # fmt: skip


@pytest.mark.parametrize(("argv", "said"), FILES)
def test_a_hostile_command_is_refused_in_one_line_and_writes_nothing(
    hlm: Run,
    fingerprint: Callable[[], tuple[object, ...]],
    tmp_path: Path,
    argv: Callable[[Path], list[str]],
    said: str,
) -> None:
    before = fingerprint()
    args = argv(tmp_path)
    files = sorted(tmp_path.rglob("*"))
    line = refused_in_one_line(*hlm(*args))
    assert said in line
    assert fingerprint() == before
    assert sorted(tmp_path.rglob("*")) == files  # no output file half-written


def test_the_calendar_still_exports_after_a_far_off_meeting_was_refused(hlm: Run) -> None:
    hlm("meeting", "add", "9999-12-31", "Far")
    assert hlm("meeting", "add", "2027-03-04", "Spring review")[0] == 0
    code, out, err = hlm("meeting", "ics")
    assert (code, err) == (0, "")
    assert "DTSTART;VALUE=DATE:20270304" in out


def test_rows_of_one_person_in_the_same_spelling_still_import(hlm: Run, tmp_path: Path) -> None:
    rows = (
        "gender,ilo,owner,Zoe,zoe@ilo.example,U0ZOE,",
        "osh,ilo,owner,Zoe,zoe@ilo.example,U0ZOE,",
    )
    code, out, err = hlm("people", "import", str(write(tmp_path / "o.csv", owners_csv(*rows))))
    assert code == 0, err
    assert "1 person" in out


NUMBERS = st.one_of(
    st.integers(min_value=-(2**80), max_value=2**80).map(str),
    st.sampled_from(["²", "٣", "①", "𝟗", "9" * 30, "-0", "1e400", "nan", "0x10"]),
)
WORDS = st.one_of(
    NUMBERS,
    st.sampled_from(["gender", "hlm15/gender-7", "<!channel>", "--", "-o", "\udcff", "", " "]),
    st.text(max_size=12),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(command=st.sampled_from(commands()), args=st.lists(WORDS, max_size=4))
def test_any_arguments_to_any_command_get_an_answer_not_a_traceback(
    hlm: Run,
    fingerprint: Callable[[], tuple[object, ...]],
    tmp_path: Path,
    command: list[str],
    args: list[str],
) -> None:
    if command[0] in LONG_RUNNING:
        args = [*args, "--not-an-option"]  # parsed and refused, never started
    if command == ["db", "downgrade"]:
        args = ["--not-an-option"]  # an empty database is not what this test is about
    before = fingerprint()
    code, out, err = hlm(*command, *args)
    assert "Traceback" not in out + err
    assert code in (0, 2), err
    if code == 2:
        assert err.startswith(("hlm: ", "Usage: hlm")), err  # ours, or the parser's usage
        assert fingerprint() == before


@pytest.mark.parametrize(
    "argv",
    [
        ["meeting", "ics", "-o"],
        ["status", "--meeting"],
        ["export", "current", "--area"],
        ["digest", "chart", "--output"],
    ],
)
def test_an_option_without_its_value_is_told_in_one_line_with_where_to_find_help(
    hlm: Run, argv: list[str]
) -> None:
    code, out, err = hlm(*argv)
    assert code == 2
    assert out == ""
    assert err.startswith(f"hlm: Option '{argv[-1]}' requires an argument.")
    assert f"`hlm {' '.join(argv[:-1])} --help`" in err
