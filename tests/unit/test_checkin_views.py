"""The short check-in: one message for any number of commitments, and a form paged by area."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest

from bot.listeners.view_submissions import form_entries, take_page
from bot.views.blocks import MAX_BLOCKS_VIEW, problems
from bot.views.checkin import build_checkin
from bot.views.checkin_form import (
    build_checkin_form,
    build_skip_modal,
    entry_key,
    pages_of,
)
from bot.views.values import CheckinButton, CheckinForm, Entry, ForeignValue
from seed.sync import default_seed_files, load_seed
from workflows.checkins.answering import FormEntry, changed_entries
from workflows.ports import CheckinItem, CheckinPrompt
from workflows.types import Institution, Status
from workflows.updates.status import Report

NOW = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
ILO = Institution.ILO


def seed_items(count: int = 41) -> list[CheckinItem]:
    """The first commitments of the real conclusions, as an ILO owner is asked about them."""
    meeting = load_seed(default_seed_files()[0])
    items = [
        CheckinItem(
            key=f"hlm15/{c.id}",
            code=c.id,
            area=area.title,
            number=str(c.number or "–"),
            text=c.text,
            institution=ILO,
            status=Status.ON_TRACK if n % 3 else None,
            joint=len(c.actors) > 1,
        )
        for area in meeting.areas
        for n, c in enumerate(area.commitments)
    ]
    assert len(items) >= count
    return items[:count]


def prompt_of(items: list[CheckinItem]) -> CheckinPrompt:
    return CheckinPrompt(
        prompt_id=12, slack_user_id="U0ILODANA", name="Dana Kowalski", cycle="2026-11-30",
        closes_on=date(2026, 12, 4), items=tuple(items),
    )  # fmt: skip


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


def test_a_checkin_of_41_seed_commitments_is_one_short_message_within_budget() -> None:
    reply = build_checkin(prompt_of(seed_items(41)))
    blocks = reply.block_dicts()
    assert len(blocks) <= 25
    assert len(buttons(blocks)) <= 6
    sections = [b for b in blocks if b["type"] == "section"]
    assert all(len(b["text"]["text"]) <= 3000 for b in sections)
    listed = "\n".join(b["text"]["text"] for b in sections)
    assert all(f"`{item.code}`" in listed for item in seed_items(41))  # every one, once a line
    assert "Reply by *Friday 4 December*" in blocks[0]["text"]["text"]


def test_every_line_of_the_seed_checkin_is_short() -> None:
    reply = build_checkin(prompt_of(seed_items(41)))
    text = "\n".join(b["text"]["text"] for b in reply.block_dicts() if b["type"] == "section")
    lines = [line for line in text.splitlines() if line.startswith(":white_square:")]
    assert len(lines) == 41
    assert max(len(line) for line in lines) < 140


def test_a_joint_seed_commitment_names_the_owners_part() -> None:
    items = seed_items(90)
    joint = next(i for i in items if i.joint)
    text = str(build_checkin(prompt_of([joint])).block_dicts())
    assert f"`{joint.code}`" in text
    assert "_(ILO part)_" in text


def test_the_form_has_a_page_per_area_each_within_100_blocks() -> None:
    prompt = prompt_of(seed_items(41))
    pages = pages_of(prompt)
    assert [p.area for p in pages] == list(dict.fromkeys(i.area for i in prompt.items))
    for n in range(len(pages)):
        view = build_checkin_form(prompt, CheckinForm(prompt_id=12, page=n)).to_dict()
        assert len(view["blocks"]) <= MAX_BLOCKS_VIEW
        assert problems(view["blocks"], limit=MAX_BLOCKS_VIEW) == []
        assert len(view["title"]["text"]) <= 24
    first = build_checkin_form(prompt, CheckinForm(prompt_id=12)).to_dict()
    assert [b["text"]["text"] for b in buttons(first["blocks"])] == ["Next area ›"]
    last = build_checkin_form(prompt, CheckinForm(prompt_id=12, page=len(pages) - 1)).to_dict()
    assert [b["text"]["text"] for b in buttons(last["blocks"])] == ["‹ Previous"]


def test_the_form_is_prefilled_with_current_statuses_and_what_was_entered() -> None:
    items = seed_items(4)
    entry = Entry(status=Status.BLOCKED, text="Council vote postponed")
    form = CheckinForm(prompt_id=12, entries={entry_key(items[1]): entry})
    view = build_checkin_form(prompt_of(items), form).to_dict()
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert inputs[f"s:ilo:{items[0].key}"].get("initial_option") is None  # never had one
    assert inputs[f"s:ilo:{items[2].key}"]["initial_option"]["value"] == "on_track"
    assert inputs[f"s:ilo:{items[1].key}"]["initial_option"]["value"] == "blocked"
    assert inputs[f"t:ilo:{items[1].key}"]["initial_value"] == "Council vote postponed"


class State:
    """What Slack sends as a view's state, from plain values by block id."""

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values

    def value(self, block_id: str, action_id: str) -> str | None:
        return self.values.get(block_id)


def test_a_page_keeps_only_what_changes_something() -> None:
    items = seed_items(4)  # statuses: None, on track, on track, None
    prompt = prompt_of(items)
    state = State({
        f"s:ilo:{items[1].key}": "on_track",  # as it was: nothing
        f"s:ilo:{items[2].key}": "at_risk",  # changed
        f"t:ilo:{items[3].key}": "Tender delayed",  # words
    })  # fmt: skip
    form = take_page(CheckinForm(prompt_id=12), prompt, state)
    assert form.entries == {
        entry_key(items[2]): Entry(status=Status.AT_RISK),
        entry_key(items[3]): Entry(text="Tender delayed"),
    }
    entries = form_entries(form, prompt)
    assert [(e.key, e.status, e.text) for e in entries] == [
        (items[2].key, Status.AT_RISK, ""),
        (items[3].key, None, "Tender delayed"),
    ]


def test_only_changed_entries_become_updates() -> None:
    items = seed_items(3)
    prompt = prompt_of(items)
    entries = [
        FormEntry(items[1].key, ILO, Status.ON_TRACK),  # unchanged
        FormEntry(items[2].key, ILO, Status.ON_TRACK, text="Workshop held"),
        FormEntry(items[0].key, ILO, Status.NOT_STARTED),
        FormEntry("hlm15/elsewhere-1", ILO, Status.BLOCKED),  # not asked about
    ]
    assert [e.key for e in changed_entries(prompt, entries)] == [items[2].key, items[0].key]


def test_the_form_metadata_round_trips_and_refuses_what_the_bot_did_not_make() -> None:
    form = CheckinForm(prompt_id=12, page=2, entries={"ilo:hlm15/gender-4": Entry(text="x")})
    assert CheckinForm.parse(form.encode()) == form
    assert len(form.encode()) < 60  # defaults are left out
    with pytest.raises(ForeignValue):
        CheckinForm.parse('{"p":12,"e":{"ilo:hlm15/gender-4":{"s":"finished"}}}')
    big = {f"ilo:hlm15/a-{n}": Entry(text="y" * 200) for n in range(20)}
    assert not CheckinForm(prompt_id=12, entries=big).fits()


def test_the_skip_form_asks_a_short_required_reason() -> None:
    view = build_skip_modal(12, reason_length=200).to_dict()
    [reason] = [b for b in view["blocks"] if b["type"] == "input"]
    assert reason.get("optional", False) is False
    assert reason["element"]["max_length"] == 200
    assert CheckinButton.parse(view["private_metadata"]) == CheckinButton(prompt_id=12)


def test_a_refreshed_checkin_keeps_its_blocks_count_once_answered() -> None:
    items = seed_items(41)
    answered = [
        replace(i, recorded=Report(Status.ON_TRACK, "", "Dana", NOW)) if n % 2 else i
        for n, i in enumerate(items)
    ]
    before = build_checkin(prompt_of(items)).block_dicts()
    after = build_checkin(prompt_of(answered)).block_dicts()
    assert len(after) <= 25
    assert "20 answered, *21 still open*." in after[0]["text"]["text"]
    assert len(buttons(after)) == len(buttons(before)) == 4
