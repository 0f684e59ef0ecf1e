"""The `/hlm` parser turns text into commands, and anything malformed into help."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.commands.parse import (
    SUBCOMMANDS,
    Assign,
    Away,
    Back,
    DigestPreview,
    Export,
    Help,
    Hours,
    Meetings,
    Mine,
    Owners,
    ShowCommitment,
    Snooze,
    StatusQuery,
    Unassign,
    UpdateCommitment,
    parse_hlm_command,
)
from workflows.types import Institution, Status


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("status gender", StatusQuery("gender"), id="status-area"),
        pytest.param("status", StatusQuery(None), id="status-overview"),
        pytest.param("STATUS child labour", StatusQuery("child labour"), id="upper-case-and-words"),
        pytest.param("st osh share", StatusQuery("osh", share=True), id="alias-and-share"),
        pytest.param("show gender-7", ShowCommitment("gender-7"), id="show"),
        pytest.param(
            "status gender hlm15", StatusQuery("gender", meeting="hlm15"), id="status-of-hlm15"
        ),
        pytest.param(
            "status --meeting hlm15", StatusQuery(None, meeting="hlm15"), id="status-flag"
        ),
        pytest.param(
            "status --meeting=15 osh", StatusQuery("osh", meeting="15"), id="status-flag-equals"
        ),
        pytest.param(
            "status HLM 15 child labour",
            StatusQuery("child labour", meeting="hlm15"),
            id="status-hlm-space",
        ),
        pytest.param(
            "status gender --meeting", StatusQuery("gender", meeting=""), id="status-flag-alone"
        ),
        pytest.param(
            "show gender-7 hlm15", ShowCommitment("gender-7", meeting="hlm15"), id="show-of-hlm15"
        ),
        pytest.param("show hlm15/gender-7", ShowCommitment("hlm15/gender-7"), id="show-qualified"),
        pytest.param(
            "export gender csv hlm15", Export("gender", "csv", "hlm15"), id="export-of-hlm15"
        ),
        pytest.param("export hlm-15", Export(None, "xlsx", "hlm-15"), id="export-all-of-hlm15"),
        pytest.param("digest hlm15", DigestPreview("hlm15"), id="digest-of-hlm15"),
        pytest.param("digest --meeting HLM-16", DigestPreview("hlm16"), id="digest-of-hlm16"),
        pytest.param("digest 3", DigestPreview("3"), id="digest-technical-meeting"),
        pytest.param("digest --meeting 3", DigestPreview("3"), id="digest-flag-technical"),
        pytest.param(
            "digest --meeting=2026-12-03", DigestPreview("2026-12-03"), id="digest-flag-date"
        ),
        pytest.param(
            "status gender share hlm15",
            StatusQuery("gender", share=True, meeting="hlm15"),
            id="share-then-meeting",
        ),
        pytest.param(
            "show 5.4 hlm15", ShowCommitment("5.4", meeting="hlm15"), id="show-numbers-of-hlm15"
        ),
        pytest.param("mine", Mine(), id="mine"),
        pytest.param(
            "update gender-7 on track Workshop held",
            UpdateCommitment("gender-7", Status.ON_TRACK, "Workshop held"),
            id="update-two-word-status",
        ),
        pytest.param(
            "update gender-6 ec at-risk",
            UpdateCommitment("gender-6", Status.AT_RISK, "", Institution.COMMISSION),
            id="update-for-an-institution",
        ),
        pytest.param("update osh-5 done", UpdateCommitment("osh-5", Status.COMPLETED), id="done"),
        pytest.param(
            "assign gender <@U123|ann> ilo",
            Assign("gender", "<@U123|ann>", Institution.ILO),
            id="assign-area",
        ),
        pytest.param(
            "assign gender-7 <@U123> backup",
            Assign("gender-7", "<@U123>", None, backup=True),
            id="assign-backup",
        ),
        pytest.param(
            "unassign gender-7 ec", Unassign("gender-7", Institution.COMMISSION), id="unassign"
        ),
        pytest.param("owners", Owners(None), id="owners-all"),
        pytest.param("owners supply chains", Owners("supply chains"), id="owners-area"),
        pytest.param(
            "away 2026-12-31 Holidays", Away("book", text="2026-12-31 Holidays"), id="away"
        ),
        pytest.param("away list", Away("list"), id="away-list"),
        pytest.param("away cancel 2", Away("cancel", number=2), id="away-cancel"),
        pytest.param("away cancel #2", Away("cancel", number=2), id="away-cancel-hash"),
        pytest.param("away off", Back(), id="away-off"),
        pytest.param("back", Back(), id="back"),
        pytest.param("snooze 3 days", Snooze("3 days"), id="snooze"),
        pytest.param("snooze off", Snooze(None), id="snooze-off"),
        pytest.param("hours", Hours(None), id="hours-shown"),
        pytest.param("hours 08:00-16:00", Hours("08:00-16:00"), id="hours-set"),
    ],
)
def test_text_is_parsed_into_the_command_it_names(text: str, expected: object) -> None:
    assert parse_hlm_command(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "help", "HELP", "?", "--help"])
def test_empty_input_and_help_give_help(text: str) -> None:
    assert parse_hlm_command(text) == Help()


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        pytest.param("stauts gender", "status", id="typo-status"),
        pytest.param("updte gender-7 done", "update", id="typo-update"),
        pytest.param("asign gender <@U1>", "assign", id="typo-assign"),
    ],
)
def test_a_mistyped_subcommand_gets_help_with_a_suggestion(text: str, suggestion: str) -> None:
    parsed = parse_hlm_command(text)
    assert isinstance(parsed, Help)
    assert parsed.suggestion == suggestion
    assert parsed.problem is not None


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("update gender-7", id="update-without-status"),
        pytest.param("update gender-3", id="update-without-status-again"),
        pytest.param("update gender-7 splendid", id="update-with-unknown-status"),
        pytest.param("show", id="show-without-id"),
        pytest.param("show gender 7 now", id="show-with-a-word-after-the-id"),
        pytest.param("assign gender", id="assign-without-person"),
        pytest.param("assign <@U1>", id="assign-without-target"),
        pytest.param("unassign", id="unassign-without-target"),
        pytest.param("away", id="away-without-day"),
        pytest.param("meeting add 2026-12-03", id="meeting-add-without-title"),
        pytest.param("digest 3 hlm15", id="digest-of-two-meetings"),
        pytest.param("conclusions current", id="conclusions-current-without-meeting"),
        pytest.param("conclusions carry hlm16/osh-1", id="conclusions-carry-one-id"),
    ],
)
def test_a_malformed_subcommand_gets_its_usage_saying_what_is_missing(text: str) -> None:
    parsed = parse_hlm_command(text)
    assert isinstance(parsed, Help)
    assert parsed.problem
    assert parsed.subcommand == text.split()[0]
    assert parsed.suggestion is None  # no "Did you mean" the very word that was typed


def test_a_status_outside_the_scale_is_named_in_the_problem() -> None:
    parsed = parse_hlm_command("update gender-7 splendid")
    assert isinstance(parsed, Help)
    assert parsed.problem == "“splendid” is not a status."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("meeting", Meetings(), id="list-by-default"),
        pytest.param("meeting remove 3", Meetings("remove", ref="3"), id="remove"),
        pytest.param(
            "meeting add 2026-12-03 Technical meeting areas: osh, gender",
            Meetings("add", day="2026-12-03", title="Technical meeting", areas=("osh", "gender")),
            id="add-with-areas",
        ),
        pytest.param("digest", DigestPreview(None), id="digest-weekly"),
        pytest.param("preview 3", DigestPreview("3"), id="digest-of-a-meeting"),
        pytest.param("unassign gender-7", Unassign("gender-7"), id="unassign-any-institution"),
    ],
)
def test_meetings_digests_and_unassign_are_parsed(text: str, expected: object) -> None:
    assert parse_hlm_command(text) == expected


@pytest.mark.parametrize("name", SUBCOMMANDS)
def test_every_subcommand_is_known_to_the_parser(name: str) -> None:
    parsed = parse_hlm_command(name)
    assert not (isinstance(parsed, Help) and parsed.problem and "don't know" in parsed.problem)


@given(st.text(max_size=300))
def test_any_text_parses_without_raising(text: str) -> None:
    parsed = parse_hlm_command(text)
    assert parsed is not None
