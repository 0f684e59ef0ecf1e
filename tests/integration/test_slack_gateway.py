"""The Slack side of sending, against the stand-in Slack Web API on loopback: what is called."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import date

import pytest

from bot.fake_slack import FakeSlack
from bot.slack_gateway import DIRECTORY_PAGE, SharedRateLimits, SlackNotifier, make_client
from workflows.ports import CheckinItem, CheckinPrompt, DeliveryFailed, RecipientGone
from workflows.types import Institution


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as running:
        yield running


def notifier(fake: FakeSlack) -> SlackNotifier:
    return SlackNotifier(make_client("xoxb-test", fake.base_url, max_retries=1))


def prompt(slack_id: str) -> CheckinPrompt:
    item = CheckinItem(key="hlm15.gender.1", code="GEN-1", area="Gender equality", number="1",
                       text="Promote pay transparency.", institution=Institution.ILO, status=None,
                       recorded=None)  # fmt: skip
    return CheckinPrompt(prompt_id=1, slack_user_id=slack_id, name="Dana", cycle="2026-11-23",
                         closes_on=date(2026, 11, 27), items=(item,))  # fmt: skip


def test_a_check_in_is_one_call_to_slack_and_lands_in_the_dm(fake: FakeSlack) -> None:
    fake.add_user("U0ILODANA", real_name="Dana Kowalski")
    sent = notifier(fake).send_checkin(prompt("U0ILODANA"), key="checkin:1")
    assert [c.method for c in fake.calls()] == ["chat.postMessage"]
    assert sent.channel.startswith("D")
    assert fake.message(sent.channel, sent.ts) is not None


def test_an_interrupted_check_in_is_found_by_its_key_in_the_dm(fake: FakeSlack) -> None:
    fake.add_user("U0ILODANA")
    slack = notifier(fake)
    sent = slack.send_checkin(prompt("U0ILODANA"), key="checkin:7")
    assert notifier(fake).find_sent("checkin:7", recipient="U0ILODANA") == sent
    assert notifier(fake).find_sent("checkin:8", recipient="U0ILODANA") is None


def test_the_directory_is_read_page_by_page_with_departures_flagged(fake: FakeSlack) -> None:
    count = DIRECTORY_PAGE * 2 + 50
    for n in range(count):
        fake.add_user(f"U{n:08d}", tz="Europe/Rome" if n % 2 else "Europe/Lisbon", deleted=n == 3)
    profiles = list(notifier(fake).profiles())
    pages = fake.calls("users.list")
    assert len(profiles) == count
    assert len({p.slack_user_id for p in profiles}) == count
    assert [p.slack_user_id for p in profiles if p.deleted] == ["U00000003"]
    assert {p.tz for p in profiles} == {"Europe/Rome", "Europe/Lisbon"}
    assert len(pages) == 3
    assert all(int(c.params["limit"]) == DIRECTORY_PAGE for c in pages)


def test_a_directory_that_cannot_be_read_fails_plainly(fake: FakeSlack) -> None:
    fake.error_for("users.list", "ratelimited")
    with pytest.raises(DeliveryFailed, match="ratelimited"):
        list(notifier(fake).profiles())


def test_a_recipient_slack_does_not_know_is_gone_but_our_own_inactive_token_is_not(
    fake: FakeSlack,
) -> None:
    fake.error_for("chat.postMessage", "user_not_found")
    with pytest.raises(RecipientGone):
        notifier(fake).send_checkin(prompt("U0NOBODY"), key="checkin:2")
    fake.error_for("chat.postMessage", "account_inactive")
    with pytest.raises(DeliveryFailed, match="account_inactive"):
        notifier(fake).send_checkin(prompt("U0ILODANA"), key="checkin:3")


def test_a_rate_limit_told_to_one_sender_holds_the_others_as_long(fake: FakeSlack) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=1)
    slack = notifier(fake)
    first = threading.Thread(target=slack.send_checkin, args=(prompt("U0ILODANA"),))
    first.start()
    limits = next(h for h in slack.client.retry_handlers if isinstance(h, SharedRateLimits))
    while not limits.held("chat.postMessage"):  # until the first sender is told to wait
        time.sleep(0.01)
    told = fake.calls("chat.postMessage")
    second = slack.send_checkin(prompt("U0ILOCHIDI"))
    first.join()
    calls = fake.calls("chat.postMessage")
    later = [c for c in calls if c.ok and c.params["channel"] == "U0ILOCHIDI"]
    assert told[0].status == 429
    assert [c.status for c in calls].count(200) == 2
    assert second.ts == fake.messages(second.channel)[-1]["ts"]
    assert later[0].at >= told[0].at + 1.0  # held for Slack's Retry-After, though never told itself


def test_a_server_error_is_retried_no_sooner_than_a_rate_limit_told_to_others(
    fake: FakeSlack,
) -> None:
    fake.fail_next("chat.postMessage", status=500)
    client = make_client("xoxb-test", fake.base_url, max_retries=1)
    limits = next(h for h in client.retry_handlers if isinstance(h, SharedRateLimits))
    limits.hold("chat.postMessage", 1.0)  # as if another sender had just been told to wait
    client.chat_postMessage(channel="U0ILODANA", text="Your check-in")
    failed, retried = fake.calls("chat.postMessage")
    assert (failed.status, retried.status) == (500, 200)
    assert retried.at >= failed.at + 0.9  # not after the 5xx back-off alone (about 0.25 s)
