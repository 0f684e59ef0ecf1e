"""`SlackNotifier.upload_to_dm` shares a file in a person's DM with the bot, against the
stand-in for Slack: the DM is opened first (files are shared into a conversation, not to a
user id), and a refusal becomes the gateway's usual error."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.slack_gateway import SlackNotifier, make_client
from fake_slack import FakeSlack
from workflows.ports import DeliveryFailed, RecipientGone


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as running:
        running.add_user(
            "U0COORD",
            name="coord",
            real_name="Coordinator",
            email="c@ilo.example",
            tz="Europe/Brussels",
        )
        yield running


def notifier(fake: FakeSlack) -> SlackNotifier:
    return SlackNotifier(make_client("xoxb-test", fake.base_url, max_retries=1))


def test_a_file_lands_in_the_dm_with_its_title_and_comment(fake: FakeSlack) -> None:
    notifier(fake).upload_to_dm(
        "U0COORD", "status.xlsx", b"PK\x03\x04bytes", "Status", "Here it is"
    )
    [shared] = fake.uploaded_files()
    assert (shared["filename"], shared["title"], shared["content"]) == (
        "status.xlsx",
        "Status",
        b"PK\x03\x04bytes",
    )
    assert shared["initial_comment"] == "Here it is"
    [opened] = fake.ok_calls("conversations.open")
    assert opened.params["users"] == "U0COORD"
    assert shared["channel"] not in ("U0COORD", None)


def test_a_refused_upload_is_a_delivery_failure(fake: FakeSlack) -> None:
    fake.error_for("files.getUploadURLExternal", "missing_scope")
    with pytest.raises(DeliveryFailed):
        notifier(fake).upload_to_dm("U0COORD", "a.csv", b"x", "A", "")
    assert fake.uploaded_files() == []


def test_a_deactivated_person_is_gone(fake: FakeSlack) -> None:
    fake.add_user(
        "U0LEFT", name="left", real_name="Left", email="l@ilo.example", tz="UTC", deleted=True
    )
    with pytest.raises(RecipientGone):
        notifier(fake).upload_to_dm("U0LEFT", "a.csv", b"x", "A", "")
