"""The Slack side of sending, against the stand-in Slack Web API on loopback: what is called."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from typing import Any
from urllib.error import URLError

import pytest
from slack_sdk.http_retry import HttpRequest, RetryState
from slack_sdk.models.blocks import SectionBlock

from bot.slack_gateway import (
    CHART_FILE,
    DIRECTORY_PAGE,
    ConnectionRetries,
    SharedRateLimits,
    SlackNotifier,
    SlackUnavailable,
    make_client,
)
from bot.views import Reply
from bot.views.checkin import build_checkin
from bot.views.digest import build_digest
from fake_slack import FakeSlack
from tests.factories import make_digest
from workflows.ports import (
    CheckinItem,
    CheckinPrompt,
    CheckinReminder,
    Delivery,
    DeliveryFailed,
    Escalation,
    OwnerSilent,
    RecipientGone,
)
from workflows.types import Institution, Trouble


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack() as running:
        yield running


def notifier(fake: FakeSlack, *, digest_channel: str | None = None) -> SlackNotifier:
    client = make_client("xoxb-test", fake.base_url, max_retries=1)
    return SlackNotifier(client, digest_channel=digest_channel)


def prompt(slack_id: str, items: int = 1) -> CheckinPrompt:
    listed = tuple(
        CheckinItem(
            key=f"hlm15.gender.{n}",
            code=f"GEN-{n}",
            area="Gender equality",
            number=str(n),
            text="Promote pay transparency.",
            institution=Institution.ILO,
            status=None,
            recorded=None,
        )
        for n in range(1, items + 1)
    )
    return CheckinPrompt(prompt_id=1, slack_user_id=slack_id, name="Dana", cycle="2026-11-23",
                         closes_on=date(2026, 11, 27), items=listed)  # fmt: skip


def fail_from(n: int) -> Callable[[dict[str, Any]], bool]:
    """Match the calls of a method from the n-th on (1 is the first)."""
    calls = itertools.count(1)
    return lambda params: next(calls) >= n


def escalation_to(fake: FakeSlack, *coordinators: str, gone: tuple[str, ...] = ()) -> Escalation:
    """Add the coordinators to Slack's directory (`gone`: deactivated); escalate to them all."""
    for coordinator in coordinators:
        fake.add_user(coordinator, deleted=coordinator in gone)
    return Escalation(coordinators=coordinators, entries=(OwnerSilent("Dana", 1, ()),),
                      at=datetime(2026, 11, 25, 10, tzinfo=UTC))  # fmt: skip


def in_dm(fake: FakeSlack, delivery: Delivery) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Return the messages of a DM or channel: those on their own, and those in the thread."""
    messages = fake.messages(delivery.channel)
    return (
        [m for m in messages if "thread_ts" not in m],
        [m for m in messages if m.get("thread_ts") == delivery.ts],
    )


def test_a_check_in_is_one_call_to_slack_and_lands_in_the_dm(fake: FakeSlack) -> None:
    fake.add_user("U0ILODANA", real_name="Dana Kowalski")
    sent = notifier(fake).send_checkin(prompt("U0ILODANA"), key="checkin:1")
    assert [c.method for c in fake.calls()] == ["chat.postMessage"]
    assert sent.channel.startswith("D")
    assert fake.message(sent.channel, sent.ts) is not None


def test_a_check_in_already_in_the_dm_is_found_by_its_key_not_another(fake: FakeSlack) -> None:
    fake.add_user("U0ILODANA")
    sent = notifier(fake).send_checkin(prompt("U0ILODANA"), key="checkin:7")
    assert notifier(fake).send_checkin(prompt("U0ILODANA"), key="checkin:7", resume=True) == sent
    other = notifier(fake).send_checkin(prompt("U0ILODANA"), key="checkin:8", resume=True)
    assert other != sent
    assert [m["ts"] for m in fake.messages(sent.channel)] == [sent.ts, other.ts]
    assert not fake.calls("conversations.replies")  # one part: no thread to read


def test_a_check_in_of_60_commitments_is_one_message_and_is_not_sent_again_when_resumed(
    fake: FakeSlack,
) -> None:
    fake.add_user("U0ILODANA")
    long = prompt("U0ILODANA", items=60)
    sent = notifier(fake).send_checkin(long, key="checkin:10")
    alone, thread = in_dm(fake, sent)
    assert ([m["ts"] for m in alone], thread) == ([sent.ts], [])
    assert alone[0]["blocks"] == build_checkin(long).block_dicts()
    mark = len(fake.calls())
    assert notifier(fake).send_checkin(long, key="checkin:10", resume=True) == sent
    assert {c.method for c in fake.calls()[mark:]} == {
        "conversations.open", "conversations.history"
    }  # fmt: skip
    assert len(fake.messages(sent.channel)) == 1


def reminder_of(long: CheckinPrompt, where: Delivery | None) -> CheckinReminder:
    return CheckinReminder(long, where)


def test_a_reminder_is_one_line_under_the_checkin_which_is_refreshed(fake: FakeSlack) -> None:
    fake.add_user("U0ILODANA")
    long = prompt("U0ILODANA", items=60)
    sent = notifier(fake).send_checkin(long, key="checkin:r")
    line = notifier(fake).send_reminder(reminder_of(long, sent), key="reminder:r:1")
    alone, thread = in_dm(fake, sent)
    assert [m["ts"] for m in alone] == [sent.ts]
    assert [m["ts"] for m in thread] == [line.ts]
    assert (
        thread[0]["text"] == "Your 60 commitments have no answer yet — reply by Friday 27 November."
    )
    assert thread[0]["metadata"]["event_payload"] == {"key": "reminder:r:1"}
    [update] = fake.calls("chat.update")
    assert update.params["ts"] == sent.ts
    again = notifier(fake).send_reminder(reminder_of(long, sent), key="reminder:r:1", resume=True)
    assert again == line
    assert len(in_dm(fake, sent)[1]) == 1  # found in the thread, not posted again


def test_a_reminder_whose_checkin_is_gone_is_one_line_in_the_dm(fake: FakeSlack) -> None:
    fake.add_user("U0ILODANA")
    long = prompt("U0ILODANA", items=60)
    gone = Delivery("DU0ILODANA", "1700000000.000001")
    line = notifier(fake).send_reminder(reminder_of(long, gone), key="reminder:g:1")
    [message] = fake.messages(line.channel)
    assert message["text"].startswith("Your 60 commitments have no answer yet")
    assert len(message["blocks"]) == 1
    assert "thread_ts" not in message
    lost = notifier(fake).send_reminder(reminder_of(long, None), key="reminder:g:2")
    assert len(fake.messages(lost.channel)) == 2


def test_a_message_is_found_pages_back_in_a_busy_channel(fake: FakeSlack) -> None:
    channel = "C0DIGEST"
    digest = make_digest(1)
    sent = notifier(fake, digest_channel=channel).post_digest(digest, None, key="digest:busy")
    for n in range(700):
        notifier(fake, digest_channel=channel).post_digest(digest, None, key=f"digest:{n}")
    mark = len(fake.calls("chat.postMessage"))
    again = notifier(fake, digest_channel=channel).post_digest(
        digest, None, key="digest:busy", resume=True
    )
    assert (again, len(fake.calls("chat.postMessage"))) == (sent, mark)
    assert len(fake.calls("conversations.history")) == 4


def test_a_digest_cut_short_before_its_chart_is_completed_once(fake: FakeSlack) -> None:
    digest = make_digest(4)
    channel = "C0DIGEST"
    fake.error_for("files.getUploadURLExternal", "internal_error")
    with pytest.raises(DeliveryFailed):
        notifier(fake, digest_channel=channel).post_digest(digest, b"PNG", key="digest:w")
    fake.heal()
    sent = notifier(fake, digest_channel=channel).post_digest(
        digest, b"PNG", key="digest:w", resume=True
    )
    alone, thread = in_dm(fake, sent)
    assert alone[0]["ts"] == sent.ts
    [chart] = fake.uploaded_files()
    assert (chart["content"], chart["channel"], chart["thread_ts"]) == (b"PNG", channel, None)
    assert [m["files"][0]["name"] for m in alone[1:]] == ["digest-w.png"]  # in the channel
    _, details = build_digest(digest)
    assert [m["blocks"] for m in thread] == [r.block_dicts() for r in details]
    mark = len(fake.calls())
    notifier(fake, digest_channel=channel).post_digest(digest, b"PNG", key="digest:w", resume=True)
    assert not [c for c in fake.calls()[mark:] if not c.method.startswith("conversations.")]


def test_a_quiet_week_is_one_message_without_thread_or_chart(fake: FakeSlack) -> None:
    digest = make_digest(4, updated=False)
    sent = notifier(fake, digest_channel="C0DIGEST").post_digest(digest, b"PNG", key="digest:q")
    alone, thread = in_dm(fake, sent)
    assert ([m["ts"] for m in alone], thread) == ([sent.ts], [])
    assert "no update since" in alone[0]["text"]
    assert fake.uploaded_files() == []


def test_a_digest_preview_chart_goes_to_the_persons_dm(fake: FakeSlack) -> None:
    fake.add_user("U0COORD", real_name="Cora")
    notifier(fake).upload_to_dm("U0COORD", CHART_FILE, b"PNG", "Weekly", "Preview")
    [chart] = fake.uploaded_files()
    assert (chart["content"], chart["channel"], chart["initial_comment"]) == (
        b"PNG", "DU0COORD", "Preview",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("error", "trouble"),
    [("not_in_channel", Trouble.CHANNEL), ("is_archived", Trouble.CHANNEL),
     ("missing_scope", Trouble.PERMISSION), ("restricted_action", None)],
)  # fmt: skip
def test_a_refusal_someone_can_fix_says_what_it_is_about(
    fake: FakeSlack, error: str, trouble: Trouble | None
) -> None:
    fake.error_for("chat.postMessage", error)
    with pytest.raises(DeliveryFailed) as raised:
        notifier(fake, digest_channel="C0DIGEST").post_digest(make_digest(1), None, key="d")
    assert (str(raised.value), raised.value.trouble) == (f"chat_postMessage: {error}", trouble)


def test_a_chart_slack_refuses_is_left_out_and_the_digest_says_so(fake: FakeSlack) -> None:
    digest = make_digest(4)
    slack = notifier(fake, digest_channel="C0DIGEST")
    fake.error_for("files.getUploadURLExternal", "missing_scope")
    sent = slack.post_digest(digest, b"PNG", key="digest:w")
    alone, thread = in_dm(fake, sent)
    _, details = build_digest(digest)
    assert [m["ts"] for m in alone] == [sent.ts]
    assert [m["blocks"] for m in thread[:-1]] == [r.block_dicts() for r in details]
    assert thread[-1]["text"] == (
        "The status chart could not be attached this time (files_upload_v2: missing_scope)."
    )
    assert fake.uploaded_files() == []
    mark = len(fake.calls())
    assert slack.post_digest(digest, b"PNG", key="digest:w", resume=True) == sent
    assert not [c for c in fake.calls()[mark:] if not c.method.startswith("conversations.")]


def test_slack_unavailable_for_one_coordinator_is_not_tried_on_the_others(
    fake: FakeSlack,
) -> None:
    escalation = escalation_to(fake, "U0C1", "U0C2")
    fake.error_for("chat.postMessage", "service_unavailable")
    with pytest.raises(SlackUnavailable):
        notifier(fake).send_escalation(escalation, key="escalation:5")
    assert {c.params["channel"] for c in fake.calls("chat.postMessage")} == {"DU0C1"}
    fake.heal()
    notifier(fake).send_escalation(escalation, key="escalation:5", resume=True)
    assert [len(fake.messages(dm)) for dm in ("DU0C1", "DU0C2")] == [1, 1]


def test_an_escalation_by_dm_tells_each_coordinator_once_across_attempts(
    fake: FakeSlack,
) -> None:
    escalation = escalation_to(fake, "U0C1", "U0C2", "U0C3")
    fake.error_for("chat.postMessage", "internal_error", when=fail_from(2))
    with pytest.raises(DeliveryFailed):
        notifier(fake).send_escalation(escalation, key="escalation:1")
    fake.heal()
    notifier(fake).send_escalation(escalation, key="escalation:1", resume=True)
    assert [len(fake.messages("D" + c)) for c in ("U0C1", "U0C2", "U0C3")] == [1, 1, 1]


def test_a_coordinator_who_cannot_be_told_now_does_not_keep_the_others_waiting(
    fake: FakeSlack,
) -> None:
    escalation = escalation_to(fake, "U0C1", "U0C2")
    fake.error_for("chat.postMessage", "restricted_action", when=lambda p: p["channel"] == "DU0C1")
    with pytest.raises(DeliveryFailed, match="restricted_action"):
        notifier(fake).send_escalation(escalation, key="escalation:4")
    assert [len(fake.messages(dm)) for dm in ("DU0C1", "DU0C2")] == [0, 1]
    fake.heal()
    notifier(fake).send_escalation(escalation, key="escalation:4", resume=True)
    assert [len(fake.messages(dm)) for dm in ("DU0C1", "DU0C2")] == [1, 1]


def test_a_coordinator_who_left_does_not_keep_the_others_from_being_told(
    fake: FakeSlack,
) -> None:
    escalation = escalation_to(fake, "U0C1", "U0C2", gone=("U0C1",))
    sent = notifier(fake).send_escalation(escalation, key="escalation:2")
    assert sent.channel == "DU0C2"
    assert len(fake.messages("DU0C2")) == 1
    only = Escalation(coordinators=("U0C1",), entries=escalation.entries, at=escalation.at)
    with pytest.raises(RecipientGone):
        notifier(fake).send_escalation(only, key="escalation:3")


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
    client = make_client("xoxb-test", fake.base_url, max_retries=1)
    slack = SlackNotifier(client)
    first = threading.Thread(target=slack.send_checkin, args=(prompt("U0ILODANA"),))
    first.start()
    limits = next(h for h in client.retry_handlers if isinstance(h, SharedRateLimits))
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
    fake.add_user("U0ILODANA")
    fake.fail_next("users.info", status=500)
    client = make_client("xoxb-test", fake.base_url, max_retries=1)
    limits = next(h for h in client.retry_handlers if isinstance(h, SharedRateLimits))
    limits.hold("users.info", 1.0)  # as if another sender had just been told to wait
    client.users_info(user="U0ILODANA")
    failed, retried = fake.calls("users.info")
    assert (failed.status, retried.status) == (500, 200)
    assert retried.at >= failed.at + 0.9  # not after the 5xx back-off alone (about 0.25 s)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_check_in_slack_stored_before_failing_is_found_by_the_next_attempt_not_posted_again(
    fake: FakeSlack, status: int
) -> None:
    fake.add_user("U0ILODANA")
    long = prompt("U0ILODANA", items=60)
    fake.lose_answer("chat.postMessage", status=status)
    with pytest.raises(SlackUnavailable):
        notifier(fake).send_checkin(long, key="checkin:lost")
    assert len(fake.calls("chat.postMessage")) == 1  # the lost post was not repeated
    sent = notifier(fake).send_checkin(long, key="checkin:lost", resume=True)
    alone, thread = in_dm(fake, sent)
    assert ([m["ts"] for m in alone], thread) == ([sent.ts], [])
    assert len(fake.calls("chat.postMessage")) == 1  # posted once in all


def test_a_digest_and_an_escalation_slack_stored_before_failing_are_posted_once(
    fake: FakeSlack,
) -> None:
    gateway = SlackNotifier(
        make_client("xoxb-test", fake.base_url, max_retries=1),
        digest_channel="C0DIGEST",
        coordinators_channel="C0COORD",
    )
    escalation = escalation_to(fake, "U0COORD")
    fake.lose_answer("chat.postMessage", times=2)
    with pytest.raises(SlackUnavailable):
        gateway.post_digest(make_digest(1), None, key="digest:lost")
    with pytest.raises(SlackUnavailable):
        gateway.send_escalation(escalation, key="escalation:lost")
    digest = gateway.post_digest(make_digest(1), None, key="digest:lost", resume=True)
    told = gateway.send_escalation(escalation, key="escalation:lost", resume=True)
    assert [m["ts"] for m in fake.messages("C0DIGEST") if "thread_ts" not in m] == [digest.ts]
    assert [m["ts"] for m in fake.messages("C0COORD")] == [told.ts]


@pytest.mark.parametrize(
    ("method", "error", "retried"),
    [
        pytest.param("chat.postMessage", ConnectionResetError(), False, id="post-reset"),
        pytest.param(
            "chat.postMessage", URLError(ConnectionRefusedError()), True, id="post-refused"
        ),
        pytest.param("chat.update", ConnectionResetError(), True, id="update-reset"),
        pytest.param(
            "files.completeUploadExternal", ConnectionResetError(), False, id="share-reset"
        ),
        pytest.param("users.info", URLError("timed out"), True, id="read-timeout"),
    ],
)
def test_a_dropped_connection_is_retried_only_when_nothing_could_have_been_stored(
    method: str, error: Exception, retried: bool
) -> None:
    handler = ConnectionRetries(max_retry_count=2)
    request = HttpRequest(method="POST", url=f"https://slack.com/api/{method}", headers={})
    assert handler.can_retry(state=RetryState(), request=request, error=error) is retried


def test_a_check_in_is_refreshed_whole_in_place(fake: FakeSlack) -> None:
    fake.add_user("U0ILODANA")
    long = prompt("U0ILODANA", items=60)
    sent = notifier(fake).send_checkin(long, key="checkin:refresh")
    notifier(fake).refresh_checkin(long, sent)
    [update] = fake.calls("chat.update")
    assert update.params["ts"] == sent.ts
    assert sent_blocks(update.params["blocks"]) == build_checkin(long).block_dicts()


def sent_blocks(value: Any) -> Any:
    """Return blocks as sent: slack_sdk sends them as JSON text or as objects."""
    return json.loads(value) if isinstance(value, str) else value


def test_each_coordinators_escalation_of_a_day_is_one_message_in_their_shared_channel(
    fake: FakeSlack,
) -> None:
    gateway = SlackNotifier(
        make_client("xoxb-test", fake.base_url, max_retries=1), coordinators_channel="C0COORD"
    )
    first = gateway.send_escalation(escalation_to(fake, "U0C1"), key="escalation:U0C1:2026-12-22")
    second = gateway.send_escalation(escalation_to(fake, "U0C2"), key="escalation:U0C2:2026-12-22")
    next_day = gateway.send_escalation(
        escalation_to(fake, "U0C1"), key="escalation:U0C1:2026-12-23"
    )
    assert first == second
    assert [m["ts"] for m in fake.messages("C0COORD")] == [first.ts, next_day.ts]


def test_a_nudge_goes_under_the_owners_checkin_or_else_to_their_dm(fake: FakeSlack) -> None:
    fake.add_user("U0ILODANA", real_name="Dana Kowalski")
    gateway = notifier(fake)
    checkin = gateway.send_checkin(prompt("U0ILODANA"), key="checkin:1")
    words = "<@U0C> asks about your 1 open HLM commitment — reply by Friday"
    line = Reply(words, [SectionBlock(text=words)])
    gateway.nudge("U0ILODANA", line, thread=checkin)
    gateway.nudge("U0ILODANA", line, thread=None)
    alone, thread = in_dm(fake, checkin)
    assert [m["text"] for m in thread] == [line.text]
    assert [m["text"] for m in alone][1:] == [line.text]
