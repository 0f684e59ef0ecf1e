"""The weekly digest as the channel sees it, and its preview as a coordinator sees it: the real
app, the stand-in Slack, both databases."""

from __future__ import annotations

import json
from typing import Any

from bot.views import ids
from bot.views.values import DetailsModal
from tests.e2e.conftest import COORDINATOR, FRANS, Harness
from workflows.ports import Delivery
from workflows.reports.charts import render_status_chart
from workflows.reports.digests import weekly_digest
from workflows.store.db import session_scope
from workflows.types import Institution

GENDER_7_EC = DetailsModal(key="hlm15/gender-7", institution=Institution.COMMISSION).encode()
CHANNEL = "C0DIGEST"


def report_with_details(harness: Harness, *, status: str, text: str, next_step: str) -> None:
    """Frans fills in the details modal for gender-7 and submits it."""
    r = harness.requests
    filled = {
        ids.B_STATUS: {ids.A_STATUS: r.select_value(status)},
        ids.B_TEXT: {ids.A_TEXT: r.text_value(text)},
        ids.B_LINK: {ids.A_LINK: r.url_value(None)},
        ids.B_NEXT: {ids.A_NEXT: r.text_value(next_step)},
    }
    built = r.view_submission(FRANS, ids.DETAILS_MODAL, filled, private_metadata=GENDER_7_EC)
    assert harness.post(built) == (200, "")


def post_weekly(harness: Harness, key: str) -> Delivery:
    with session_scope(harness.sessions) as session:
        digest = weekly_digest(session, now=harness.clock())
    return harness.deps.slack.post_digest(digest, render_status_chart(digest), key=key)


def split(harness: Harness, sent: Delivery) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    messages = harness.fake.messages(CHANNEL)
    return (
        [m for m in messages if "thread_ts" not in m],
        [m for m in messages if m.get("thread_ts") == sent.ts],
    )


def test_a_form_update_appears_once_in_the_thread_with_its_words_and_next_step(
    harness: Harness,
) -> None:
    report_with_details(
        harness, status="at_risk", text="tender delayed", next_step="relaunch in January"
    )
    harness.clock.advance(days=2)
    sent = post_weekly(harness, "digest:weekly:form")
    channel, thread = split(harness, sent)
    assert channel[0]["ts"] == sent.ts
    parent = json.dumps(channel[0]["blocks"], ensure_ascii=False)
    assert "*Gender equality* — " in parent
    assert "1 newly at risk" in parent
    [chart] = harness.fake.uploaded_files()
    assert (chart["channel"], chart["thread_ts"]) == (CHANNEL, None)  # in the channel
    assert [m["files"][0]["name"] for m in channel[1:]] == [chart["filename"]]
    detail = "\n".join(json.dumps(m["blocks"], ensure_ascii=False) for m in thread)
    name = harness.person(FRANS).name
    assert detail.count("*gender-7*") == 1
    assert "At risk: “tender delayed” _Next: relaunch in January_ — " + name in detail
    assert len(thread) == 1  # only the area that moved
    again = harness.deps.slack.post_digest(
        weekly_digest_at(harness), None, key="digest:weekly:form", resume=True
    )
    assert again == sent
    assert split(harness, sent) == (channel, thread)  # found whole: nothing posted again


def weekly_digest_at(harness: Harness) -> Any:
    with session_scope(harness.sessions) as session:
        return weekly_digest(session, now=harness.clock())


def test_a_quiet_week_posts_one_line_and_nothing_else(harness: Harness) -> None:
    sent = post_weekly(harness, "digest:weekly:quiet")
    channel, thread = split(harness, sent)
    assert len(channel) == 1
    assert thread == []
    assert harness.fake.uploaded_files() == []
    [block] = channel[0]["blocks"]
    assert "no update since" in block["text"]["text"]


def test_hlm_digest_previews_the_digest_privately_with_the_chart_in_the_dm(
    harness: Harness,
) -> None:
    report_with_details(harness, status="blocked", text="no budget", next_step="ask DG BUDG")
    harness.clock.advance(hours=3)
    replies = harness.slash(COORDINATOR, "digest", settle=1.0, timeout=60)
    text = json.dumps(replies, ensure_ascii=False)
    assert "Weekly HLM digest" in text
    assert "*gender-7*" in text
    assert "“no budget”" in text
    assert "The chart is in your DM with the bot." in text
    assert all(r.get("response_type", "ephemeral") == "ephemeral" for r in replies)
    assert len(replies) <= 6  # the acknowledgement and at most five answers
    [chart] = harness.fake.uploaded_files()
    assert chart["channel"] == "D" + COORDINATOR
    assert chart["content"].startswith(b"\x89PNG")
    assert harness.fake.messages(CHANNEL) == []  # nothing posted to the channel


def test_hlm_digest_says_the_chart_was_not_sent_when_slack_cannot_find_the_coordinator(
    harness: Harness,
) -> None:
    report_with_details(harness, status="blocked", text="no budget", next_step="ask DG BUDG")
    harness.clock.advance(hours=3)
    harness.fake.error_for("conversations.open", "user_not_found")
    replies = harness.slash(COORDINATOR, "digest", settle=1.0, timeout=60)
    text = json.dumps(replies, ensure_ascii=False)
    assert "Weekly HLM digest" in text  # the preview itself still arrives
    assert "The chart could not be sent to your DM" in text
    assert "user_not_found" in text
    assert harness.fake.uploaded_files() == []
