"""Coordinators and owners use /hlm through the real app, signed as Slack signs requests."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from bot.commands.base import Subcommand
from bot.commands.registry import REGISTRY, SUBCOMMANDS
from seed.sync import default_seed_files, load_seed
from tests.e2e.conftest import CHIDI, COORDINATOR, FRANS, Harness
from workflows.store.db import session_scope
from workflows.store.models import Assignment, Update
from workflows.types import Status


def text_of(replies: list[dict[str, object]]) -> str:
    return json.dumps(replies, ensure_ascii=False)


def test_status_gender_returns_the_eight_commitments_with_owners_and_statuses(
    harness: Harness,
) -> None:
    replies = harness.slash(COORDINATOR, "status gender")
    gender = next(a for a in load_seed(default_seed_files()[-1]).areas if a.slug == "gender")
    body = text_of(replies)
    assert len(gender.commitments) == 8
    for item in gender.commitments:
        assert f"*{item.id}*" in body
    assert "Chidi Okafor" in body
    assert "Frans de Vries" in body
    assert "8 commitments" in body
    assert all(r.get("response_type") == "ephemeral" for r in replies)
    assert all(len(r["blocks"]) <= 50 for r in replies)


@pytest.mark.parametrize("query", ["Gender", "gendr", "5", "gender equality"])
def test_areas_are_matched_forgivingly(harness: Harness, query: str) -> None:
    assert "*gender-1*" in text_of(harness.slash(COORDINATOR, f"status {query}"))


def test_an_unknown_area_answers_with_choices_not_an_error(harness: Harness) -> None:
    body = text_of(harness.slash(COORDINATOR, "status zzqx"))
    assert "No area matches" in body


def test_status_alone_gives_the_overview_of_all_areas(harness: Harness) -> None:
    body = text_of(harness.slash(COORDINATOR, "status"))
    assert "All areas" in body
    assert "Gender Equality in the World of Work" in body


@pytest.mark.parametrize("text", ["", "help", "frobnicate", "stauts gender"])
def test_empty_or_unknown_commands_get_help(harness: Harness, text: str) -> None:
    body = text_of(harness.slash(CHIDI, text))
    assert "/hlm status [area]" in body
    assert "Traceback" not in body


@pytest.mark.parametrize(
    ("text", "usage"),
    [
        pytest.param("update gender-3", "/hlm update &lt;id&gt; &lt;status&gt;", id="update"),
        pytest.param("show", "/hlm show &lt;id&gt;", id="show"),
        pytest.param("show gender 7 soon", "/hlm show &lt;id&gt;", id="show-extra-word"),
        pytest.param("away", "/hlm away &lt;from&gt; to &lt;until&gt;", id="away"),
    ],
)
def test_a_malformed_command_gets_its_own_usage_not_the_whole_help(
    harness: Harness, text: str, usage: str
) -> None:
    body = text_of(harness.slash(CHIDI, text))
    assert usage in body
    assert "For example" in body
    assert "/hlm status [area]" not in body
    assert "Did you mean" not in body


@pytest.mark.parametrize("entry", [pytest.param(e, id=e.name) for e in REGISTRY])
def test_every_subcommand_answers_help_with_its_usage(harness: Harness, entry: Subcommand) -> None:
    body = text_of(harness.slash(CHIDI, f"{entry.name} help"))
    assert f"/hlm {entry.usage[0].split()[0]}" in body
    assert "Traceback" not in body


@pytest.mark.parametrize("subcommand", SUBCOMMANDS)
def test_every_subcommand_answers_something_readable(harness: Harness, subcommand: str) -> None:
    replies = harness.slash(COORDINATOR, subcommand)
    assert replies
    assert all(r.get("text") for r in replies)


def test_an_owner_updates_what_they_own_and_the_status_shows_it(harness: Harness) -> None:
    reply = text_of(
        harness.slash(FRANS, "update gender-7 at risk Waiting for the pay transparency vote")
    )
    assert "Recorded gender-7" in reply
    body = text_of(harness.slash(COORDINATOR, "status gender"))
    assert "At risk" in body
    show = text_of(harness.slash(COORDINATOR, "show gender-7"))
    assert "Waiting for the pay transparency vote" in show
    assert "Frans de Vries" in show


def test_an_owner_cannot_update_what_they_do_not_own(harness: Harness) -> None:
    reply = text_of(harness.slash(CHIDI, "update gender-7 completed"))
    assert "not an owner of gender-7" in reply
    with session_scope(harness.sessions) as session:
        assert session.scalar(select(func.count()).select_from(Update)) == 0


def test_the_same_command_delivered_twice_records_one_update(harness: Harness) -> None:
    built = harness.requests.slash_command(
        FRANS,
        "update gender-7 on-track",
        response_url=harness.fake.response_url("twice"),
        trigger_id="trigger.same",
    )
    first, second = harness.post(built), harness.post(built)
    assert (first[0], second[0]) == (200, 200)
    assert "Recorded gender-7" in first[1]
    assert "already recorded" in second[1]
    with session_scope(harness.sessions) as session:
        assert session.scalar(select(func.count()).select_from(Update)) == 1


def test_only_coordinators_assign_and_the_refusal_says_why(harness: Harness) -> None:
    refused = text_of(harness.slash(CHIDI, f"assign gender-7 <@{CHIDI}> ec"))
    assert "Only coordinators can assign" in refused
    done = text_of(harness.slash(COORDINATOR, "assign osh <@U0NEWCOMER> ilo"))
    assert "now ILO owner" in done or "Nothing to assign" not in done


def test_a_coordinator_assigns_someone_slack_knows_and_unassigns(harness: Harness) -> None:
    harness.fake.add_user(
        "U0NEWBIE", name="newbie", real_name="Nora Newbie", email="nora@ilo.org", tz="Europe/Zurich"
    )
    body = text_of(harness.slash(COORDINATOR, "assign gender-6 <@U0NEWBIE>"))
    assert "Nora Newbie is now ILO owner of gender-6" in body
    assert "replacing Chidi Okafor" in body
    assert "Removed the owner of gender-6" in text_of(
        harness.slash(COORDINATOR, "unassign gender-6 ilo")
    )
    with session_scope(harness.sessions) as session:
        owners = session.scalars(
            select(Assignment).join(Assignment.person).where(Assignment.role == "owner")
        ).all()
        assert all(a.person.name != "Nora Newbie" for a in owners)


def test_unassign_without_an_institution_frees_the_only_one_there(harness: Harness) -> None:
    assert "Removed the owner of gender-7" in text_of(
        harness.slash(COORDINATOR, "unassign gender-7")
    )
    assert "gender-7" not in text_of(harness.slash(FRANS, "mine"))


def test_unassign_without_an_institution_asks_whose_part_when_several_hold_it(
    harness: Harness,
) -> None:
    body = text_of(harness.slash(COORDINATOR, "unassign gender-6"))
    assert "The ILO and the Commission each have an owner there" in body
    assert "ilo or ec" in body
    assert "gender-6" in text_of(harness.slash(CHIDI, "mine"))
    assert "gender-6" in text_of(harness.slash(FRANS, "mine"))


def test_mine_lists_what_i_own(harness: Harness) -> None:
    body = text_of(harness.slash(FRANS, "mine"))
    assert "gender-7" in body
    assert "You own" in body


def test_away_pauses_checkins_until_a_day(harness: Harness) -> None:
    body = text_of(harness.slash(CHIDI, "away 2026-12-31 Annual leave"))
    assert "away from today to Thursday 31 December 2026 (Annual leave)" in body
    assert "1. from today to Thursday 31 December 2026" in text_of(
        harness.slash(CHIDI, "away list")
    )
    assert "Welcome back" in text_of(harness.slash(CHIDI, "away off"))
    assert "no away days booked" in text_of(harness.slash(CHIDI, "away list"))


def test_hostile_text_is_escaped_in_replies(harness: Harness) -> None:
    harness.slash(
        FRANS,
        "update gender-7 on-track <!channel> see <https://evil.example|the minutes> <@U0ILOCOORD>",
    )
    body = text_of(harness.slash(COORDINATOR, "show gender-7"))
    assert "<!channel>" not in body
    assert "&lt;!channel&gt;" in body
    assert "<https://evil.example|" not in body


def test_an_oversized_update_is_refused_with_the_limit(harness: Harness) -> None:
    body = text_of(harness.slash(FRANS, "update gender-7 on-track " + "x" * 3500))
    assert "keep it under 3000" in body


def test_a_reply_can_be_shared_in_the_channel(harness: Harness) -> None:
    replies = harness.slash(COORDINATOR, "status osh")
    share = next(
        e
        for r in replies
        for b in r["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "hlm_share"
    )
    url = harness.fake.response_url("share")
    harness.post(
        harness.requests.block_action(
            COORDINATOR, "hlm_share", value=share["value"], response_url=url
        )
    )
    shared = harness.responses("share")
    assert any(r.get("response_type") == "in_channel" and "osh-1" in json.dumps(r) for r in shared)


def test_update_status_values_are_the_coordinators_scale(harness: Harness) -> None:
    for status in Status:
        assert status.value.replace("_", "-") in text_of(harness.slash(CHIDI, "help"))


def test_coordinators_manage_meetings_and_preview_the_digest(harness: Harness) -> None:
    added = text_of(
        harness.slash(
            COORDINATOR, "meeting add 2026-12-03 Technical meeting on OSH areas: osh, gender"
        )
    )
    assert "Meeting 1 added: Thursday 03 December 2026" in added or "Meeting 1 added" in added
    assert "osh-" not in added
    listed = text_of(harness.slash(CHIDI, "meeting"))
    assert "Technical meeting on OSH" in listed
    refused = text_of(harness.slash(CHIDI, "digest"))
    assert "Only coordinators" in refused
    preview = text_of(harness.slash(COORDINATOR, "digest 1", timeout=60))
    assert "Safety and health" in preview
    assert "Gender equality" in preview


@pytest.mark.parametrize(
    "text", ["status payload", "show payload", "payload", "update gender-7 on-track payload=late"]
)
def test_a_command_that_mentions_payload_is_answered_as_typed(harness: Harness, text: str) -> None:
    # Bolt takes any form holding the letters "payload" for an interaction; the edge spells
    # the word out so that the command reaches its listener whole.
    replies = json.dumps(harness.slash(FRANS, text))
    assert "only answers in its own Slack workspace" not in replies
    assert "payload" in replies or "Recorded" in replies
