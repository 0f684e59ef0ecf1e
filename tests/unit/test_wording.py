"""The edge words every refusal the domain can raise, in the sentences people have always read."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from bot.wording import (
    COMPOSED,
    ERRORS,
    UNDELIVERED_CHARS,
    UNDELIVERED_SHOWN,
    escalation_lines,
    given_up_line,
    given_up_lines,
    say,
)
from workflows import errors
from workflows.errors import (
    BadFile,
    HlmError,
    InvalidDate,
    InvalidInput,
    NotAllowed,
    UnknownArea,
    UnknownAuthor,
    UnknownCommitment,
)
from workflows.ports import (
    Escalation,
    MessageGivenUp,
    OwnerDeparted,
    OwnerSilent,
    OwnerUnreachable,
)
from workflows.types import Institution, OutboxKind, Trouble

ROOT = Path(__file__).resolve().parents[2]
DOMAIN_ERRORS = {
    name
    for name, value in vars(errors).items()
    if isinstance(value, type) and issubclass(value, HlmError)
}


def raised_codes() -> set[str]:
    """Find every code the domain and the seed raise an error with."""
    codes = set()
    for path in [*ROOT.joinpath("workflows").rglob("*.py"), *ROOT.joinpath("seed").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            call = node.exc if isinstance(node, ast.Raise) else None
            if isinstance(call, ast.Call) and getattr(call.func, "id", "") in DOMAIN_ERRORS:
                first = call.args[0] if call.args else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    codes.add(first.value)
    return codes


def test_every_code_the_domain_raises_has_words() -> None:
    codes = raised_codes()
    assert {"empty_update", "unknown_meeting", "file_unreadable"} <= codes
    assert [c for c in codes if not c.isidentifier()] == []  # no sentence raised in the domain
    assert sorted(codes - set(ERRORS) - set(COMPOSED)) == []


@pytest.mark.parametrize(
    ("error", "sentence"),
    [
        pytest.param(
            UnknownArea("gendr", ["gender", "green"]),
            "No area matches “gendr”. Did you mean “gender” or “green”?",
            id="area-with-choices",
        ),
        pytest.param(
            UnknownCommitment("gender-99"),
            "No commitment has the id “gender-99”. Ids look like gender-7.",
            id="commitment-without-choices",
        ),
        pytest.param(
            UnknownAuthor("U0STRANGER"),
            "I don't know you yet, so I can't record this. Ask a coordinator to add you as an owner.",
            id="unknown-author",
        ),
        pytest.param(
            NotAllowed("not_an_owner", code="gender-7", institution=Institution.COMMISSION),
            "You are not an owner of gender-7 for the Commission, so you cannot update "
            "it. Ask a coordinator to assign you.",
            id="not-an-owner",
        ),
        pytest.param(
            InvalidInput("text_too_long", field="next_step", length=3001, limit=3000),
            "The next step is 3001 characters long; keep it under 3000.",
            id="next-step-too-long",
        ),
        pytest.param(
            InvalidDate("day_in_past", day=date(2026, 1, 2)),
            "02 January 2026 is in the past. Give a day from today on.",
            id="day-in-past",
        ),
        pytest.param(
            BadFile("assignment_refused", number=2, target="gender", cause=UnknownAuthor("U1")),
            "assignments.2 (gender): I don't know you yet, so I can't record this. "
            "Ask a coordinator to add you as an owner.",
            id="nested-cause",
        ),
        pytest.param(
            NotAllowed("Only coordinators can do that."),
            "Only coordinators can do that.",
            id="worded-at-the-edge",
        ),
    ],
)
def test_errors_are_worded_from_their_code_and_values(error: HlmError, sentence: str) -> None:
    assert say(error) == sentence


def test_a_domain_error_carries_its_code_and_values_not_a_sentence() -> None:
    error = InvalidInput("not_a_link", link="ftp://x")
    assert (error.code, error.values, error.worded) == ("not_a_link", {"link": "ftp://x"}, "")


def given_up(kind: OutboxKind, cause: str, **more: object) -> MessageGivenUp:
    return MessageGivenUp(kind=kind, attempts=5, cause=cause, **more)  # type: ignore[arg-type]


def test_a_long_list_of_messages_given_up_on_is_cut_short_with_a_count() -> None:
    few = given_up_lines([given_up(OutboxKind.CHECKIN, "x")] * 40)
    many = given_up_lines([given_up(OutboxKind.REMINDER, "y" * 100)] * 40)
    assert len(few) == UNDELIVERED_SHOWN + 1
    assert (
        few[0]
        == "A check-in could not be sent after 5 attempts (x). The owner will be asked again next cycle."
    )
    assert few[-1] == f"… and {40 - UNDELIVERED_SHOWN} more messages given up on (see the log)."
    [line] = given_up_lines([given_up(OutboxKind.DIGEST, "x", trouble=Trouble.PERMISSION)])
    assert line.endswith(
        "(x). Reinstall the app from manifest.yml: it lacks a permission it needs."
    )
    assert len(many) < len(few)
    assert sum(map(len, many[:-1])) <= UNDELIVERED_CHARS
    assert many[-1] == f"… and {40 - len(many) + 1} more messages given up on (see the log)."


@pytest.mark.parametrize(
    ("entry", "line"),
    [
        pytest.param(
            given_up(OutboxKind.CHECKIN, "x", person="Ann"),
            "A check-in to Ann could not be sent after 5 attempts (x). They will be asked again "
            "next cycle.",
            id="check-in-to-someone",
        ),
        pytest.param(
            given_up(OutboxKind.DIGEST, "channel_not_found", trouble=Trouble.CHANNEL),
            "The weekly digest could not be posted after 5 attempts (channel_not_found). Check "
            "HLM_DIGEST_CHANNEL and that the bot is a member of that channel.",
            id="weekly-digest-channel",
        ),
        pytest.param(
            given_up(OutboxKind.DIGEST, "x", meeting_id=4),
            "The digest for a meeting since removed could not be posted after 5 attempts (x).",
            id="removed-meeting",
        ),
        pytest.param(
            given_up(
                OutboxKind.DIGEST,
                "x",
                meeting_id=4,
                meeting_on=date(2026, 12, 3),
                meeting_title="OSH",
            ),
            "The digest for the meeting of 3 December (OSH) could not be posted after 5 attempts "
            "(x). `/hlm digest 4` shows what it says.",
            id="meeting-digest",
        ),
    ],
)
def test_a_message_given_up_on_says_what_it_was_and_what_to_do(
    entry: MessageGivenUp, line: str
) -> None:
    assert given_up_line(entry) == line


def test_owners_are_worded_for_the_coordinators() -> None:
    escalation = Escalation(
        coordinators=("U0C",),
        entries=(
            OwnerSilent("Ann", 2, ("gender-1", "osh-2")),
            OwnerDeparted("Bob", "deactivated", ()),
            OwnerSilent("Cy", 1, ()),
            OwnerUnreachable(),
        ),
        at=datetime(2026, 11, 23, tzinfo=UTC),
    )
    assert escalation_lines(escalation) == (
        "Ann has not answered the last 2 check-ins. Still open: gender-1, osh-2.",
        "Bob is no longer in Slack (deactivated). Their commitments need a new owner: none.",
        "Cy has not answered the last check-in. Still open: none.",
        "An owner could not be reached.",
    )
