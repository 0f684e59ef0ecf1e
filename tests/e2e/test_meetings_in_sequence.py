"""The next meeting's conclusions loaded beside the 15th's, through the real app over HTTP, on
both databases: the current meeting is switched; `/hlm status`, `/hlm show`, exports, digests,
the review and App Home show it by default and an earlier meeting by name; owners are asked
about the current meeting and the earlier items still open and not carried over; a carry-over
shows on both sides."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from docx import Document

from bot.views import ids
from seed.sync import sync_seed
from tests.e2e.conftest import CHIDI, COORDINATOR, Harness
from tests.e2e.test_export_search import said
from tests.e2e.test_time import checkins, tick
from tests.e2e.test_words import under, write
from tests.integration.test_meetings_in_sequence import next_meeting


def switch_to_the_16th(harness: Harness) -> None:
    """Load the 16th meeting's conclusions (its osh-1 continues hlm15/osh-3); a coordinator
    makes it current."""
    with harness.deps.unit_of_work() as session:
        sync_seed(session, next_meeting(), now=harness.clock.now)
    said_now = said(harness.slash(COORDINATOR, "conclusions current hlm16"))
    assert "HLM 16 is now the current meeting (it was HLM 15)." in said_now


@pytest.fixture
def two_meetings(harness: Harness) -> Harness:
    harness.slash(CHIDI, "update gender-3 blocked The donor cancelled the tender")
    harness.slash(CHIDI, "update osh-3 ilo on-track Inspectors trained in two provinces")
    switch_to_the_16th(harness)
    return harness


def test_status_shows_the_current_meeting_and_an_earlier_one_by_name(two_meetings: Harness) -> None:
    overview = said(two_meetings.slash(COORDINATOR, "status"))
    assert "HLM 16 commitments: all areas" in overview
    assert "Care economy" in overview
    assert "Gender Equality" not in overview
    assert "/hlm status hlm15" in overview  # the way to the earlier conclusions

    for typed in ("status gender --meeting hlm15", "status gender hlm15", "status hlm 15 gender"):
        earlier = said(two_meetings.slash(COORDINATOR, typed))
        assert "HLM 15 · Gender Equality" in earlier, typed
        assert "not the current ones" in earlier
        assert "hlm15/gender-3" in earlier  # the id that `/hlm show` reads
        assert "The donor cancelled the tender" in earlier

    moved = said(two_meetings.slash(COORDINATOR, "status gender"))
    assert "an area of the HLM 15 conclusions, not of the current ones" in moved
    assert "/hlm status gender hlm15" in moved

    unknown = said(two_meetings.slash(COORDINATOR, "status gender hlm14"))
    assert "No High Level Meeting is called “hlm14”" in unknown
    assert "hlm16 (current), hlm15" in unknown


def test_a_carry_over_shows_on_both_sides_with_the_earlier_history(two_meetings: Harness) -> None:
    later = said(two_meetings.slash(COORDINATOR, "show osh-1"))
    assert "Continues `hlm15/osh-3`" in later
    assert "Inspectors trained in two provinces" in later  # recorded on the earlier item
    assert "on hlm15/osh-3" in later

    for typed in ("show hlm15/osh-3", "show osh-3 hlm15", "show osh-3 --meeting=15"):
        earlier = said(two_meetings.slash(COORDINATOR, typed))
        assert "Carried over to `hlm16/osh-1`" in earlier, typed
        assert "Inspectors trained in two provinces" in earlier


def test_an_earlier_meetings_export_review_and_digest_stay_available(two_meetings: Harness) -> None:
    text = said(two_meetings.slash(COORDINATOR, "export gender csv hlm15"))
    assert "hlm15-gender-" in text
    files = {f["filename"]: f["content"].decode() for f in two_meetings.fake.uploaded_files()}
    [history] = [content for name, content in files.items() if name.endswith("-history.csv")]
    rows = list(csv.DictReader(io.StringIO(history)))
    assert any("The donor cancelled the tender" in " ".join(r.values()) for r in rows)

    said(two_meetings.slash(COORDINATOR, "report hlm15", timeout=60))
    [review] = [f for f in two_meetings.fake.uploaded_files() if f["filename"].endswith(".docx")]
    document = Document(io.BytesIO(review["content"]))
    assert len([p for p in document.paragraphs if p.style.name == "Heading 3"]) == 93

    two_meetings.clock.advance(hours=1)
    current = said(two_meetings.slash(COORDINATOR, "digest", timeout=60))
    assert "Weekly HLM digest" in current
    earlier = said(two_meetings.slash(COORDINATOR, "digest hlm15", timeout=60))
    assert "Weekly digest of the HLM 15 conclusions" in earlier
    assert "The donor cancelled the tender" in earlier  # the week's words, joined to their item


def test_owners_are_asked_about_earlier_items_still_open_until_the_follow_up_is_closed(
    two_meetings: Harness,
) -> None:
    tick(two_meetings, datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    [first] = [json.dumps(m["blocks"], ensure_ascii=False) for m in checkins(two_meetings, CHIDI)]
    assert "HLM 15 · Gender Equality" in first  # the area, with its meeting
    assert "`gender-3`" in first  # still open, not carried over: asked (its id is this check-in's)
    assert "osh-3" not in first  # carried over to hlm16/osh-1: no longer asked
    closed = said(two_meetings.slash(COORDINATOR, "conclusions close hlm15"))
    assert "Closed the follow-up of HLM 15" in closed
    tick(two_meetings, datetime(2026, 12, 9, 10, 0, tzinfo=UTC))
    assert len(checkins(two_meetings, CHIDI)) == 1  # nothing of the 16th is Chidi's yet


def _view(view: Any) -> dict[str, Any]:
    return json.loads(view) if isinstance(view, str) else dict(view)


def home_views(harness: Harness, user: str) -> list[dict[str, Any]]:
    calls = harness.fake.ok_calls("views.publish")
    return [_view(c.params["view"]) for c in calls if c.params.get("user_id") == user]


def test_app_home_lets_a_coordinator_pick_whose_conclusions_it_shows(two_meetings: Harness) -> None:
    harness = two_meetings
    status, _ = harness.post(harness.requests.event(harness.requests.app_home_opened(COORDINATOR)))
    assert status == 200
    harness.fake.wait_for("views.publish")
    view = home_views(harness, COORDINATOR)[-1]
    assert "All areas · HLM 16" in json.dumps(view, ensure_ascii=False)
    [picker] = [
        e for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]
        if e["action_id"] == ids.HOME_MEETING_ACTION
    ]  # fmt: skip
    assert [o["value"] for o in picker["options"]] == ["hlm16", "hlm15"]
    published = len(harness.fake.ok_calls("views.publish"))
    option = next(o for o in picker["options"] if o["value"] == "hlm15")
    status, _ = harness.post(
        harness.requests.block_action(
            COORDINATOR,
            ids.HOME_MEETING_ACTION,
            selected_option=option,
            view=view | {"id": "V0HOME"},
        )
    )
    assert status == 200
    harness.fake.wait_for("views.publish", published + 1)
    shown = json.dumps(home_views(harness, COORDINATOR)[-1], ensure_ascii=False)
    assert "All areas · HLM 15" in shown
    assert "Gender Equality" in shown


def test_coordinators_list_the_conclusions_and_carry_a_commitment_with_its_owners(
    two_meetings: Harness,
) -> None:
    listed = said(two_meetings.slash(CHIDI, "conclusions"))
    assert "*HLM 16* · held 15 Jun 2026 · 3 commitments · current" in listed
    assert "*HLM 15*" in listed
    assert "owners still asked" in listed
    refused = said(two_meetings.slash(CHIDI, "conclusions carry osh-2 hlm15/osh-1"))
    assert "coordinator" in refused.lower()

    carried = said(
        two_meetings.slash(COORDINATOR, "conclusions carry osh-2 hlm15/osh-1 with-owners")
    )
    assert "hlm16/osh-2 continues hlm15/osh-1, with 2 owner assignments carried along." in carried
    shown = said(two_meetings.slash(COORDINATOR, "show osh-2"))
    assert "Chidi Okafor" in shown  # the earlier owners came along
    assert "Continues `hlm15/osh-1`" in shown
    backwards = said(two_meetings.slash(COORDINATOR, "conclusions carry hlm15/osh-1 osh-2"))
    assert "can only continue a commitment of an earlier meeting" in backwards
    undone = said(two_meetings.slash(COORDINATOR, "conclusions carry osh-2 hlm15/osh-1 undo"))
    assert "hlm16/osh-2 no longer continues hlm15/osh-1." in undone


def test_an_owner_answers_an_earlier_meetings_item_by_the_id_the_checkin_shows(
    two_meetings: Harness,
) -> None:
    tick(two_meetings, datetime(2026, 11, 25, 10, 0, tzinfo=UTC))
    channel = write(
        two_meetings, "hlm15/gender-3 at risk: the survey slipped", ts="1800000000.000100"
    )
    [answer] = under(two_meetings, channel, "1800000000.000100")
    assert answer["text"] == "✓ Recorded At risk for hlm15/gender-3"
    assert "the survey slipped" in said(two_meetings.slash(COORDINATOR, "show hlm15/gender-3"))
    # The short id the check-in shows reads the same item (the check-in's, not the current
    # meeting's, whose areas have no gender-3).
    channel = write(two_meetings, "gender-3 on track: survey back on", ts="1800000000.000300")
    [answer] = under(two_meetings, channel, "1800000000.000300")
    assert answer["text"] == "✓ Recorded On track for hlm15/gender-3"


def test_a_short_id_answers_the_checkin_it_was_asked_in_after_the_current_meeting_changed(
    harness: Harness,
) -> None:
    tick(harness, datetime(2026, 11, 25, 10, 0, tzinfo=UTC))  # asked while the 15th is current
    [checkin] = checkins(harness, CHIDI)
    assert "osh-1" in json.dumps(checkin["blocks"])
    switch_to_the_16th(harness)  # whose osh-1 is another commitment, owned by nobody
    channel = write(harness, "osh-1 on track: inspectors hired", ts="1800000000.000200",
                    thread_ts=checkin["ts"])  # fmt: skip
    [answer] = under(harness, channel, checkin["ts"], saying="Recorded")
    assert answer["text"] == "✓ Recorded On track for hlm15/osh-1"
    assert "inspectors hired" in said(harness.slash(COORDINATOR, "show hlm15/osh-1"))
    assert "inspectors hired" not in said(harness.slash(COORDINATOR, "show osh-1"))


def test_an_earlier_meetings_export_names_each_item_alike_in_both_sheets(
    two_meetings: Harness,
) -> None:
    said(two_meetings.slash(COORDINATOR, "export gender csv hlm15"))
    files = {f["filename"]: f["content"].decode() for f in two_meetings.fake.uploaded_files()}
    sheets = {
        name.rsplit("-", 1)[1]: list(csv.reader(io.StringIO(text))) for name, text in files.items()
    }
    current_ids = {row[0] for row in sheets["current.csv"][1:]}
    history_ids = {
        row[sheets["history.csv"][0].index("Commitment")] for row in sheets["history.csv"][1:]
    }
    assert "gender-3" in current_ids
    assert history_ids <= current_ids
    assert "gender-3" in history_ids
