"""The Block Kit builders: what people read, escaped, and always within Slack's limits."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from slack_sdk.models.views import View

from bot.views import Reply, ids
from bot.views.blocks import MAX_BLOCKS_MESSAGE, MAX_BLOCKS_VIEW, problems
from bot.views.checkin import (
    build_checkin,
    build_details_modal,
    build_pick_commitment,
    build_recorded,
    build_reminder,
)
from bot.views.help import build_help
from bot.views.home import build_home
from bot.views.mrkdwn import SECTION_TEXT
from bot.views.show import build_commitment_detail
from bot.views.status import (
    build_area_status,
    build_message,
    build_my_commitments,
    build_overview,
    build_owners,
)
from bot.views.values import CheckinButton, DetailsButton, DetailsModal, PickOption
from workflows.catalogue.meetings import Shown
from workflows.ports import CheckinItem, CheckinPrompt, CheckinReminder
from workflows.types import Institution, Status, UpdateSource
from workflows.updates.status import AreaStatus, CommitmentStatus, Part, Report, derive_overall

CURRENT = Shown(15, True)

NOW = datetime(2026, 11, 25, 10, 2, tzinfo=UTC)
HOSTILE = "<!channel> <@U123> <https://evil|click> & co"
RAW = ("<!channel>", "<@U123>", "<https://evil")
ILO, EC = Institution.ILO, Institution.COMMISSION


def make_report(
    text: str = "Workshop held",
    *,
    status: Status | None = Status.ON_TRACK,
    author: str | None = "Ann Example",
    at: datetime = NOW,
    late: bool = False,
    next_step: str = "",
    evidence: tuple[str, ...] = (),
    source: UpdateSource | None = None,
    institution: Institution | None = None,
) -> Report:
    return Report(status, text, author, at, late, next_step, evidence, source, institution)


def make_part(
    institution: Institution = ILO,
    *,
    owners: tuple[str, ...] = ("Ann Example",),
    status: Status | None = None,
    backups: tuple[str, ...] = (),
    at: datetime = NOW,
) -> Part:
    last = make_report(status=status, at=at) if status else None
    return Part(institution, owners, backups, status, at if status else None, last)


def make_item(
    n: int = 1,
    *,
    area: str = "gender",
    text: str = "Promote equal pay for work of equal value.",
    parts: tuple[Part, ...] | None = None,
    number: int | None = None,
    reconstructed: bool = False,
    stale: bool = False,
    silent: tuple[Institution, ...] = (),
) -> CommitmentStatus:
    parts = parts if parts is not None else (make_part(ILO), make_part(EC, owners=()))
    overall, disagree = derive_overall([p.status for p in parts])
    return CommitmentStatus(
        code=f"{area}-{n}",
        key=f"hlm15/{area}-{n}",
        area_slug=area,
        number=n if number is None else number,
        number_reconstructed=reconstructed,
        text=text,
        actors=tuple(p.institution for p in parts),
        parts=parts,
        overall=overall,
        disagree=disagree,
        stale=stale,
        silent=silent,
    )


def make_area(
    size: int = 3,
    *,
    slug: str = "gender",
    title: str = "Gender equality",
    position: int = 5,
    make: Callable[[int], CommitmentStatus] | None = None,
) -> AreaStatus:
    items = tuple((make or (lambda n: make_item(n, area=slug)))(n) for n in range(1, size + 1))
    return AreaStatus(slug, title, position, items)


def make_checkin_item(
    n: int = 1,
    *,
    area: str = "Gender equality",
    text: str = "Promote equal pay.",
    status: Status | None = None,
    recorded: Report | None = None,
) -> CheckinItem:
    return CheckinItem(
        key=f"hlm15/item-{n}",
        code=f"item-{n}",
        area=area,
        number=str(n),
        text=text,
        institution=ILO,
        status=status,
        recorded=recorded,
    )


def make_prompt(
    items: list[CheckinItem], *, name: str = "Ann Example", reminder: int = 0
) -> CheckinPrompt:
    return CheckinPrompt(
        prompt_id=7,
        slack_user_id="U0ANN",
        name=name,
        cycle="2026-W48",
        closes_on=date(2026, 11, 27),
        items=tuple(items),
        reminder=reminder,
    )


def mrkdwn_texts(obj: Any) -> Iterator[str]:
    """Yield every mrkdwn text in a block structure (plain_text is never parsed for mentions)."""
    if isinstance(obj, dict):
        if obj.get("type") == "mrkdwn":
            yield obj["text"]
        for value in obj.values():
            yield from mrkdwn_texts(value)
    elif isinstance(obj, list):
        for value in obj:
            yield from mrkdwn_texts(value)


def shown(replies: list[Reply]) -> str:
    """Everything Slack would parse as mrkdwn in some replies: fallback texts and mrkdwn blocks."""
    return "\n".join(t for r in replies for t in [r.text, *mrkdwn_texts(r.block_dicts())])


DATE = re.compile(r"<!date\^\d+\^\{[a-z_]+\}(?: \{time\})?\|([^<>|]*)>")


def read(replies: list[Reply]) -> str:
    """What a reader sees where Slack cannot show a date in their zone: the dates' fallbacks."""
    return DATE.sub(r"\1", shown(replies))


def everything(replies: list[Reply]) -> str:
    return json.dumps([[r.text, r.block_dicts()] for r in replies], ensure_ascii=False)


def assert_valid(replies: list[Reply], limit: int = MAX_BLOCKS_MESSAGE) -> None:
    for reply in replies:
        assert problems(reply.block_dicts(), limit=limit) == []
        assert reply.text


def elements(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    return found + [b["accessory"] for b in blocks if "accessory" in b]


def hostile_item() -> CommitmentStatus:
    parts = (make_part(ILO, owners=(HOSTILE,), status=Status.AT_RISK, backups=(HOSTILE,)),)
    return make_item(1, text=HOSTILE, parts=parts)


def hostile_checkin() -> list[Reply]:
    recorded = make_report(HOSTILE, author=HOSTILE)
    item = make_checkin_item(text=HOSTILE, area=HOSTILE, recorded=recorded)
    return [build_checkin(make_prompt([item, make_checkin_item(2)], name=HOSTILE))]


def hostile_home() -> list[Reply]:
    area = AreaStatus("x", HOSTILE, 1, (hostile_item(),))
    view = build_home(name=HOSTILE, mine=[(hostile_item(), ILO)], overview=[area])
    return [Reply("home", view.blocks)]


SURFACES: dict[str, Callable[[], list[Reply]]] = {
    "area-status": lambda: build_area_status(AreaStatus("x", HOSTILE, 1, (hostile_item(),))),
    "overview": lambda: build_overview(
        [AreaStatus("x", HOSTILE, 1, (hostile_item(),))], meeting=CURRENT
    ),
    "detail": lambda: [
        build_commitment_detail(
            hostile_item(),
            area_title=HOSTILE,
            full_text=HOSTILE,
            history=[make_report(HOSTILE, author=HOSTILE), make_report(HOSTILE, status=None)],
        )
    ],
    "mine": lambda: build_my_commitments([(hostile_item(), ILO)], name=HOSTILE),
    "owners": lambda: build_owners([AreaStatus("x", HOSTILE, 1, (hostile_item(),))]),
    "message": lambda: [build_message(HOSTILE)],
    "help": lambda: [build_help([HOSTILE], suggestion=HOSTILE, problem=HOSTILE)],
    "checkin": hostile_checkin,
    "home": hostile_home,
    "pick": lambda: [
        build_pick_commitment([make_checkin_item(text=HOSTILE)], reply_ts="1.2", excerpt=HOSTILE)
    ],
    "recorded": lambda: [build_recorded(HOSTILE, HOSTILE, HOSTILE, NOW, late=True)],
}


@pytest.mark.parametrize("surface", [pytest.param(name, id=name) for name in SURFACES])
def test_hostile_text_is_shown_escaped_and_triggers_nothing(surface: str) -> None:
    text = read(SURFACES[surface]())
    assert not [raw for raw in RAW if raw in text]
    assert "&lt;!channel&gt;" in text
    # The builders make no links or mentions of their own; dates in the reader's time zone only.
    assert "<" not in re.sub(r"<!date\^\d+\^\{[a-z_]+\}\|[^<>|]+>", "", text)


def test_the_details_modal_escapes_the_commitment_text() -> None:
    view = build_details_modal(make_checkin_item(text=HOSTILE), prompt_id=1).to_dict()
    text = "\n".join(mrkdwn_texts(view["blocks"]))
    assert "&lt;!channel&gt;" in text
    assert "<!channel>" not in text


# Status of an area


def problem_part(
    institution: Institution = ILO,
    *,
    status: Status = Status.BLOCKED,
    text: str = "Funding frozen",
    next_step: str = "",
    evidence: tuple[str, ...] = (),
    source: UpdateSource = UpdateSource.MODAL,
    at: datetime = NOW,
    owners: tuple[str, ...] = ("Ann Example",),
) -> Part:
    last = make_report(
        text, status=status, at=at, next_step=next_step, evidence=evidence, source=source
    )
    return Part(institution, owners, (), status, at, last, last)


def test_an_area_status_lists_what_needs_attention_first_then_the_rest_a_line_each() -> None:
    quiet = (make_part(ILO, status=Status.ON_TRACK), make_part(EC, status=Status.ON_TRACK))
    parts = {
        1: quiet,
        2: (problem_part(ILO, status=Status.AT_RISK), make_part(EC, status=Status.AT_RISK)),
        3: quiet,
        4: (problem_part(ILO), make_part(EC, status=Status.BLOCKED)),
    }
    [reply] = build_area_status(make_area(4, make=lambda n: make_item(n, parts=parts[n])))
    text = read([reply])
    attention, rest = text.index("*Needs attention* — 2 commitments"), text.index("*The rest* — 2")
    # Worst first: blocked before at risk, whatever the document order; then the rest in order.
    assert attention < text.index("*gender-4*") < text.index("*gender-2*") < rest
    assert rest < text.index("*gender-1*") < text.index("*gender-3*")
    assert (
        ":large_green_circle: *gender-1* (1) ILO: On track (Ann Example) · Commission: On track (Ann Example) — Promote equal pay"
        in text
    )
    assert reply.block_dicts()[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Gender equality", "emoji": True},
    }


def test_a_problem_shows_each_institutions_words_next_step_evidence_and_when_heard() -> None:
    ilo = problem_part(
        ILO,
        text="Funding frozen until the committee meets",
        next_step="Ask for a bridge",
        evidence=("https://www.ilo.org/report?a=1&b=2", "https://docs.example.org/d/1"),
        at=datetime(2026, 11, 12, 9, tzinfo=UTC),
    )
    ec = make_part(EC, owners=())
    [reply] = build_area_status(make_area(1, make=lambda n: make_item(n, parts=(ilo, ec))))
    raw, text = shown([reply]), read([reply])
    assert ":red_circle: *gender-1* (1) · *Blocked*" in text
    assert "*ILO*: :red_circle: Blocked — Ann Example · heard 12 Nov" in text
    assert "<!date^1794474000^{date_short_pretty}|12 Nov>" in raw  # in the reader's zone
    assert "> Funding frozen until the committee meets" in text
    assert ":arrow_right: Next: Ask for a bridge" in text
    assert (
        "<https://www.ilo.org/report?a=1&amp;b=2|ilo.org>, <https://docs.example.org/d/1|docs.example.org>"
        in raw
    )
    assert "*Commission*: :grey_question: No update — _unassigned_" in text


def test_a_problems_words_next_step_and_evidence_are_escaped() -> None:
    forged = "https://evil.example/x|<!channel>"
    ilo = problem_part(ILO, text=HOSTILE, next_step=HOSTILE, evidence=(forged,))
    [reply] = build_area_status(make_area(1, make=lambda n: make_item(n, parts=(ilo,))))
    text = read([reply])
    assert not [raw for raw in RAW if raw in text]
    assert "> &lt;!channel&gt; &lt;@U123&gt;" in text
    assert "Next: &lt;!channel&gt;" in text
    assert "https://evil.example/x|&lt;!channel&gt;" in text  # shown as text, not made a link
    assert "<" not in text


def test_a_status_confirmed_unchanged_says_so_with_its_day() -> None:
    ilo = problem_part(ILO, status=Status.AT_RISK, text="", source=UpdateSource.CONFIRMED)
    [reply] = build_area_status(make_area(1, make=lambda n: make_item(n, parts=(ilo,))))
    assert "At risk — Ann Example · confirmed unchanged on 25 Nov" in read([reply])


@pytest.mark.parametrize(
    ("ilo", "ec", "why"),
    [
        pytest.param(Status.NOT_STARTED, Status.ON_TRACK, "The institutions disagree", id="behind-vs-moving"),
        pytest.param(Status.ON_TRACK, Status.DROPPED, "The institutions disagree", id="one-dropped"),
        pytest.param(Status.COMPLETED, None, "Awaiting confirmation", id="completed-awaiting"),
    ],
)  # fmt: skip
def test_disagreement_and_awaited_confirmation_are_problems(
    ilo: Status, ec: Status | None, why: str
) -> None:
    parts = (make_part(ILO, status=ilo), make_part(EC, status=ec))
    item = make_item(1, parts=parts)
    if ilo is Status.COMPLETED:
        item = replace(item, completed_by=(ILO,), awaiting=(EC,))
    [reply] = build_area_status(AreaStatus("gender", "Gender", 1, (item,)))
    text = read([reply])
    assert f"*gender-1* (1) · *{why}*" in text
    assert ("Completed by the ILO, awaiting the Commission's confirmation" in text) is (
        ilo is Status.COMPLETED
    )


def test_on_track_against_completed_is_not_a_disagreement() -> None:
    parts = (make_part(ILO, status=Status.ON_TRACK), make_part(EC, status=Status.COMPLETED))
    [reply] = build_area_status(make_area(1, make=lambda n: make_item(n, parts=parts)))
    text = read([reply])
    assert "disagree" not in text.lower()
    assert "Nothing needs attention" in text
    assert (
        "*The rest* — 1\n:large_green_circle: *gender-1* (1) ILO: On track (Ann Example) · Commission: Completed (Ann Example)"
        in text
    )


def test_an_institution_silent_for_two_cycles_is_named() -> None:
    parts = (make_part(ILO, status=Status.ON_TRACK), make_part(EC, status=Status.ON_TRACK))
    item = make_item(1, parts=parts, silent=(EC,))
    [reply] = build_area_status(AreaStatus("gender", "Gender", 1, (item,)))
    text = read([reply])
    assert "*gender-1* (1) · *Silent*" in text
    assert ":zzz: No word from Commission for two cycles or more" in text


@pytest.mark.parametrize(
    ("number", "reconstructed", "printed"),
    [
        pytest.param(3, False, "*gender-1* (3)", id="printed-number"),
        pytest.param(3, True, "*gender-1* ([3])", id="reconstructed-in-brackets"),
        pytest.param(None, False, "*gender-1* (–)", id="lost-number-as-dash"),
    ],
)
def test_commitment_numbers_show_how_sure_they_are(
    number: int | None, reconstructed: bool, printed: str
) -> None:
    item = replace(make_item(1, reconstructed=reconstructed), number=number)
    assert printed in shown(build_area_status(AreaStatus("gender", "Gender", 1, (item,))))


@pytest.mark.parametrize("size", [pytest.param(41, id="41-items"), pytest.param(60, id="60-items")])
def test_problems_with_3000_character_texts_fit_one_message_and_name_the_rest(size: int) -> None:
    long = ("word " * 600).strip()  # 3,000 characters in each text a person may write
    links = tuple(f"https://example.org/{'p' * 300}/{n}" for n in range(10))

    def parts(n: int) -> tuple[Part, ...]:
        return tuple(
            problem_part(i, text=long, next_step=long, evidence=links, owners=(long[:200],))
            for i in (ILO, EC, Institution.EEAS)
        )

    area = make_area(size, make=lambda n: make_item(n, text=long, parts=parts(n)))
    [reply] = build_area_status(area, share="status gender")
    blocks = reply.block_dicts()
    assert_valid([reply])
    assert len(blocks) <= MAX_BLOCKS_MESSAGE
    assert all(len(t) <= SECTION_TEXT for t in mrkdwn_texts(blocks))
    text = shown([reply])
    listed = [n for n in range(1, size + 1) if f"*gender-{n}* ({n}) ·" in text]
    assert listed == list(range(1, len(listed) + 1))
    # Each institution of each problem keeps its line, however long the words before it.
    assert text.count("*EEAS*: :red_circle: Blocked") == len(listed)
    if size > len(listed):
        more = size - len(listed)
        assert f"… and {more} more — `/hlm show &lt;id&gt;`: gender-{len(listed) + 1}," in text
    else:
        assert "more —" not in text
    assert elements(blocks)[-1]["action_id"] == ids.SHARE_ACTION


def test_an_area_of_300_commitments_is_one_valid_message_that_loses_none() -> None:
    long_text = "The constituents will " + "act " * 2500
    area = make_area(
        300,
        make=lambda n: make_item(
            n,
            text=long_text,
            parts=(make_part(ILO, owners=tuple(f"Owner {i}" for i in range(30))), make_part(EC)),
        ),
    )
    [reply] = build_area_status(area, share="status gender")
    assert_valid([reply])
    text = shown([reply])
    assert all(text.count(f"*gender-{n}* ({n})") == 1 for n in range(1, 301))
    assert ids.SHARE_ACTION in json.dumps(reply.block_dicts())


def test_a_10000_character_commitment_text_is_shortened_in_lists_and_whole_in_detail() -> None:
    words = [f"w{n}" for n in range(2000)]
    text = " ".join(words)
    assert len(text) > 9000
    [reply] = build_area_status(make_area(1, make=lambda n: make_item(n, text=text)))
    assert max(len(t) for t in mrkdwn_texts(reply.block_dicts())) < 400
    detail = build_commitment_detail(
        make_item(1, text=text), area_title="Gender", history=[], full_text=text
    )
    assert_valid([detail])
    sections = [b["text"]["text"] for b in detail.block_dicts() if b["type"] == "section"]
    assert all(len(s) <= SECTION_TEXT for s in sections)
    assert " ".join(sections).split()[: len(words)] == words


def test_the_share_button_carries_the_command_text() -> None:
    [reply] = build_area_status(make_area(2), share="status gender")
    [share] = [e for e in elements(reply.block_dicts()) if e["action_id"] == ids.SHARE_ACTION]
    assert (share["value"], share["text"]["text"]) == ("status gender", "Share in channel")


def test_an_area_status_without_share_has_no_button() -> None:
    assert not elements(build_area_status(make_area(2))[0].block_dicts())


# Overview


def test_the_overview_counts_each_areas_commitments_by_status_and_totals_them() -> None:
    on, blocked = make_part(ILO, status=Status.ON_TRACK), make_part(ILO, status=Status.BLOCKED)
    statuses = {1: on, 2: on, 3: blocked}
    gender = make_area(3, make=lambda n: make_item(n, parts=(statuses[n],)))
    osh = make_area(
        2,
        slug="osh",
        title="Safety and health",
        position=6,
        make=lambda n: make_item(n, area="osh", parts=(make_part(ILO),)),
    )
    replies = build_overview([gender, osh], meeting=CURRENT)
    assert_valid(replies)
    text = shown(replies)
    assert (
        "*5. Gender equality* — 3 commitments · :red_circle: 1 blocked · :large_green_circle: 2 on track · 1 need attention"
        in text
    )
    assert "*6. Safety and health* — 2 commitments · :grey_question: 2 no update" in text
    assert (
        "*Total* — 5 commitments · :red_circle: 1 blocked · :large_green_circle: 2 on track · :grey_question: 2 no update · 1 need attention"
        in text
    )
    assert "Type `/hlm status &lt;area&gt;` for details" in text


# One commitment


def test_a_commitments_detail_lists_owners_statuses_and_history_newest_first() -> None:
    parts = (
        make_part(ILO, status=Status.ON_TRACK, backups=("Bo Backup",)),
        make_part(EC, owners=()),
    )
    history = [
        make_report("Old news", at=NOW - timedelta(days=30)),
        make_report(
            "Late news", status=Status.AT_RISK, at=NOW, late=True, author="Cy Late",
            next_step="Call the ministry", evidence=("https://ilo.org/r",),
            source=UpdateSource.MODAL, institution=ILO,
        ),
    ]  # fmt: skip
    detail = build_commitment_detail(
        make_item(7, parts=parts), area_title="Gender", history=history, full_text="Full text."
    )
    text = read([detail])
    assert "ILO: On track · 25 Nov — Ann Example (backup Bo Backup)" in text
    assert "Commission: No update — _unassigned_" in text
    assert text.index("Late news") < text.index("Old news")
    assert (
        ":large_orange_circle: At risk · *ILO* — Cy Late, 25 Nov 10:02 UTC · form · _late_\n"
        "> Late news\n:arrow_right: Next: Call the ministry\n:paperclip: <https://ilo.org/r|ilo.org>"
    ) in text


def test_a_replaced_and_a_withdrawn_update_stay_in_the_history_marked() -> None:
    history = [
        replace(make_report("First try", at=NOW - timedelta(hours=2)), replaced=True),
        replace(make_report("Taken back", at=NOW - timedelta(hours=1)), withdrawn=True),
        make_report("Kept", at=NOW),
    ]
    text = read(
        [build_commitment_detail(make_item(), area_title="G", history=history, full_text="x")]
    )
    assert "Replaced by a correction; does not count._\n> First try" in text
    assert "Withdrawn by its author; does not count._\n> Taken back" in text
    assert "does not count._\n> Kept" not in text


def test_a_commitment_awaiting_confirmation_says_so_in_its_detail() -> None:
    parts = (make_part(ILO, status=Status.COMPLETED), make_part(EC))
    item = replace(make_item(1, parts=parts), completed_by=(ILO,), awaiting=(EC,))
    detail = build_commitment_detail(item, area_title="G", history=[], full_text="x")
    assert "Completed by the ILO, awaiting the Commission's confirmation" in read([detail])
    assert detail.text == "gender-1: Completed by the ILO, awaiting the Commission's confirmation"


def test_a_long_history_shows_twenty_entries_and_how_many_earlier() -> None:
    history = [make_report(f"update {n}", at=NOW - timedelta(days=n)) for n in range(25)]
    detail = build_commitment_detail(
        make_item(), area_title="Gender", history=history, full_text="x"
    )
    text = shown([detail])
    assert_valid([detail])
    assert "> update 19" in text
    assert "> update 20" not in text
    assert "… and 5 earlier — `hlm export`" in text


def test_a_history_the_database_cut_short_counts_the_rest_from_its_total() -> None:
    history = [make_report(f"update {n}", at=NOW - timedelta(days=n)) for n in range(20)]
    detail = build_commitment_detail(
        make_item(), area_title="Gender", history=history, full_text="x", total=75
    )
    text = shown([detail])
    assert "> update 19" in text
    assert "… and 55 earlier" in text


def test_a_commitment_without_history_says_so() -> None:
    detail = build_commitment_detail(make_item(), area_title="Gender", history=[], full_text="x")
    assert "No update recorded yet" in shown([detail])


# Mine, owners, messages, help


def test_my_commitments_list_each_with_my_institutions_status() -> None:
    parts = (make_part(ILO), make_part(EC, status=Status.COMPLETED))
    replies = build_my_commitments(
        [(make_item(1, parts=parts), EC), (make_item(2), ILO)], name="Frans de Vries"
    )
    text = shown(replies)
    assert "You own 2 commitments, Frans." in text
    assert "*gender-1* (1) — Commission: :white_check_mark: Completed" in text
    assert "*gender-2* (2) — ILO: :grey_question: No update" in text


def test_a_joint_completion_reads_as_awaiting_confirmation_in_mine_and_on_app_home() -> None:
    parts = (make_part(ILO, status=Status.COMPLETED), make_part(EC))
    item = replace(make_item(1, parts=parts), completed_by=(ILO,), awaiting=(EC,))
    awaiting = (
        "ILO: :white_check_mark: Completed · "
        "_Completed by the ILO, awaiting the Commission's confirmation_"
    )
    assert awaiting in shown(build_my_commitments([(item, ILO)], name="Ann"))
    home = build_home(name="Ann", mine=[(item, ILO)], overview=None)
    assert awaiting in json.dumps(home.to_dict(), ensure_ascii=False)


def test_owning_nothing_gets_a_friendly_sentence_about_assignment() -> None:
    [reply] = build_my_commitments([], name="Ann")
    assert "don't own any HLM commitment yet" in reply.text
    assert "/hlm assign" in shown([reply])


def test_owners_lists_who_owns_what_and_the_unassigned_parts() -> None:
    replies = build_owners([make_area(2)])
    text = shown(replies)
    assert "*gender-1* ILO: Ann Example · Commission: _unassigned_" in text
    assert "2 unassigned: gender-1 (Commission), gender-2 (Commission)" in text


def test_owners_of_many_areas_stay_within_limits() -> None:
    areas = [make_area(40, slug=f"a{n}", title=f"Area {n}", position=n) for n in range(14)]
    replies = build_owners(areas)
    assert_valid(replies)
    assert all(f"*a{n}-40*" in shown(replies) for n in range(14))


def test_a_long_message_is_split_into_sections() -> None:
    reply = build_message("word " * 2000)
    assert_valid([reply])
    assert len(reply.block_dicts()) == 4


# Check-in


def test_a_checkin_greets_the_owner_with_the_closing_day_and_a_hint_about_words() -> None:
    reply = build_checkin(make_prompt([make_checkin_item()]))
    assert reply.block_dicts()[0]["text"]["text"] == (
        "Hi Ann, time for your HLM check-in: 1 commitment. Reply by *Friday 27 November*."
    )
    hint = next(b for b in reply.block_dicts() if b["type"] == "context")
    assert hint["elements"][0]["text"] == (
        "Or reply in this thread in your own words, e.g. `item-1 at risk: tender delayed`."
    )


@pytest.mark.parametrize(
    ("answered", "total", "line"),
    [
        pytest.param(0, 1, "Your 1 commitment has no answer yet", id="the-only-one"),
        pytest.param(2, 3, "1 of your 3 commitments has no answer yet", id="one-of-three"),
        pytest.param(1, 3, "2 of your 3 commitments have no answer yet", id="two-of-three"),
        pytest.param(0, 2, "Your 2 commitments have no answer yet", id="all-of-two"),
    ],
)
def test_a_reminder_is_one_line_counting_what_waits(answered: int, total: int, line: str) -> None:
    items = [
        make_checkin_item(n, recorded=make_report() if n <= answered else None)
        for n in range(1, total + 1)
    ]
    reply = build_reminder(CheckinReminder(make_prompt(items), None))
    [block] = reply.block_dicts()
    assert block["text"]["text"] == f"{line} — reply by *Friday 27 November*."
    assert reply.text == f"{line} — reply by Friday 27 November."


def test_a_checkin_about_one_commitment_says_so_in_the_singular() -> None:
    reply = build_checkin(make_prompt([make_checkin_item()]))
    assert reply.text == "HLM check-in: 1 commitment to update by Friday 27 November"


def test_checkin_buttons_carry_only_the_checkin() -> None:
    reply = build_checkin(make_prompt([make_checkin_item(3, status=Status.AT_RISK)]))
    buttons = elements(reply.block_dicts())
    assert [(b["action_id"], b["text"]["text"]) for b in buttons] == [
        (ids.CONFIRM_ACTION, "Nothing changed"),
        (ids.FORM_OPEN, "Update…"),
        (ids.SKIP_OPEN, "Skip this cycle…"),
        (ids.AWAY_OPEN, "I'm away…"),
    ]
    assert {CheckinButton.parse(b["value"]) for b in buttons} == {CheckinButton(prompt_id=7)}


@pytest.mark.parametrize(
    ("confirmed", "line"),
    [
        pytest.param(False, "*✓ on track, <!date^", id="answered"),
        pytest.param(True, "*✓ unchanged, <!date^", id="confirmed"),
    ],
)
def test_an_answered_item_shows_what_and_when_in_the_readers_calendar(
    confirmed: bool, line: str
) -> None:
    item = replace(make_checkin_item(recorded=make_report()), confirmed=confirmed)
    text = shown([build_checkin(make_prompt([item, make_checkin_item(2)]))])
    assert f":white_check_mark: `item-1` Promote equal pay. — {line}" in text
    assert "|25 Nov>*" in text  # the fallback, where Slack cannot format the date
    assert ":white_square: `item-2` Promote equal pay. — :grey_question: No update" in text
    assert "1 answered, *1 still open*." in text


def test_a_checkin_all_confirmed_says_so_and_keeps_update_and_away() -> None:
    item = replace(make_checkin_item(recorded=make_report()), confirmed=True)
    reply = build_checkin(make_prompt([item]))
    assert reply.block_dicts()[0]["text"]["text"].startswith("✓ *Confirmed unchanged*, <!date^")
    assert [b["action_id"] for b in elements(reply.block_dicts())] == [
        ids.FORM_OPEN,
        ids.AWAY_OPEN,
    ]
    assert "reply in this thread" not in shown([reply])


def test_a_skipped_checkin_shows_the_reason_escaped() -> None:
    prompt = replace(make_prompt([make_checkin_item()]), skipped_at=NOW, skip_reason=HOSTILE)
    reply = build_checkin(prompt)
    assert reply.block_dicts()[0]["text"]["text"] == (
        "*Skipped this cycle:* &lt;!channel&gt; &lt;@U123&gt; &lt;https://evil|click&gt; &amp; co"
    )
    assert [b["action_id"] for b in elements(reply.block_dicts())] == [ids.FORM_OPEN]


def test_a_joint_item_says_which_institutions_part_and_a_long_title_is_cut() -> None:
    item = replace(make_checkin_item(text="word " * 100), joint=True)
    text = shown([build_checkin(make_prompt([item]))])
    line = next(t for t in text.splitlines() if "`item-1`" in t)
    assert "_(ILO part)_" in line
    assert "word word…" in line
    assert len(line) < 160


def test_the_details_modal_has_the_callback_metadata_and_inputs() -> None:
    view = build_details_modal(make_checkin_item(4, status=Status.BLOCKED), prompt_id=7).to_dict()
    assert view["type"] == "modal"
    assert view["callback_id"] == ids.DETAILS_MODAL
    assert len(view["title"]["text"]) <= View.title_max_length
    assert problems(view["blocks"], limit=MAX_BLOCKS_VIEW) == []
    assert DetailsModal.parse(view["private_metadata"]) == DetailsModal(
        prompt_id=7, key="hlm15/item-4", institution=ILO
    )
    inputs = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert list(inputs) == [ids.B_STATUS, ids.B_TEXT, ids.B_LINK, ids.B_NEXT]
    assert [o["value"] for o in inputs[ids.B_STATUS]["options"]] == [s.value for s in Status]
    assert inputs[ids.B_STATUS]["initial_option"]["value"] == "blocked"
    assert (inputs[ids.B_TEXT]["multiline"], inputs[ids.B_TEXT]["max_length"]) == (True, 3000)
    assert inputs[ids.B_LINK]["type"] == "url_text_input"


def test_the_details_modal_without_a_status_has_no_initial_option() -> None:
    view = build_details_modal(make_checkin_item(), prompt_id=0).to_dict()
    [select] = [b["element"] for b in view["blocks"] if b.get("block_id") == ids.B_STATUS]
    assert "initial_option" not in select


def test_the_pick_question_offers_each_commitment_within_option_limits() -> None:
    items = [make_checkin_item(n, text="a very long commitment text " * 10) for n in range(120)]
    reply = build_pick_commitment(items, reply_ts="1800000000.000100", excerpt="done!")
    assert_valid([reply])
    [select] = elements(reply.block_dicts())
    assert select["action_id"] == ids.PICK_ACTION
    assert len(select["options"]) == 100
    assert PickOption.parse(select["options"][5]["value"]) == PickOption(
        key="hlm15/item-5", institution=ILO, reply_ts="1800000000.000100"
    )
    assert "> done!" in shown([reply])


def test_a_pick_question_with_nothing_to_pick_has_no_empty_select() -> None:
    reply = build_pick_commitment([], reply_ts="1.2", excerpt="done")
    assert_valid([reply])
    assert not elements(reply.block_dicts())


def test_a_thread_answer_is_confirmed_with_who_when_and_lateness() -> None:
    reply = build_recorded("gender-7", "On track", "Ann Example", NOW, late=True)
    assert (
        reply.text
        == "✓ Recorded *On track* for *gender-7* by Ann Example, 25 Nov 10:02 UTC (late)."
    )


# App Home


def test_the_home_of_an_owner_has_an_update_button_per_commitment() -> None:
    view = build_home(name="Ann Example", mine=[(make_item(1), ILO)], overview=None).to_dict()
    assert view["type"] == "home"
    [update] = elements(view["blocks"])
    assert DetailsButton.parse(update["value"]) == DetailsButton(
        prompt_id=0, key="hlm15/gender-1", institution=ILO
    )
    assert "All areas" not in json.dumps(view)


def test_the_home_of_a_coordinator_with_many_commitments_stays_under_100_blocks() -> None:
    mine = [(make_item(n), ILO) for n in range(150)]
    areas = [make_area(5, slug=f"a{n}", title=f"Area {n}", position=n) for n in range(14)]
    view = build_home(name="Cora", mine=mine, overview=areas).to_dict()
    assert problems(view["blocks"], limit=MAX_BLOCKS_VIEW) == []
    shown_items = len(elements(view["blocks"]))
    assert f"… and {150 - shown_items} more: use `/hlm mine`" in json.dumps(
        view, ensure_ascii=False
    )
    assert "*Total* — 70 commitments" in "\n".join(mrkdwn_texts(view["blocks"]))


def test_the_home_of_a_stranger_explains_how_owners_are_assigned() -> None:
    view = build_home(name="", mine=[], overview=None)
    assert "/hlm assign" in everything([Reply("home", view.blocks)])


# Every builder at Slack's limits


HUGE = ("<!channel> & ünïcode " * 600).strip()  # 12,600 characters, escaped to more


def huge_item(n: int) -> CommitmentStatus:
    owners = tuple(f"{HUGE[:300]} {i}" for i in range(40))
    parts = (
        make_part(ILO, owners=owners, status=Status.AT_RISK, backups=owners),
        make_part(EC, owners=(), status=Status.ON_TRACK),
    )
    item = make_item(n, area="a" * 60, text=HUGE, parts=parts, stale=True)
    return replace(item, code=HUGE[:200])


def huge_area(n: int, size: int = 120) -> AreaStatus:
    return AreaStatus(f"area-{n}", f"{n} {HUGE}", n, tuple(huge_item(i) for i in range(size)))


def huge_checkin_item(n: int) -> CheckinItem:
    recorded = make_report(HUGE, author=HUGE, late=True)
    item = make_checkin_item(n, area=f"{n // 30} {HUGE}", text=HUGE, recorded=recorded)
    return replace(item, code=HUGE[:200], number=HUGE[:50], key=f"hlm15/{'k' * 60}-{n}")


HISTORY = [make_report(HUGE, author=HUGE, at=NOW - timedelta(hours=n)) for n in range(300)]
AT_THE_LIMITS: dict[str, Callable[[], list[Reply]]] = {
    "area-status": lambda: build_area_status(huge_area(1, 400), share=HUGE),
    "overview": lambda: build_overview(
        [huge_area(n, 3) for n in range(150)], meeting=Shown(15, False, (16,))
    ),
    "detail": lambda: [
        build_commitment_detail(
            huge_item(1), area_title=HUGE, history=HISTORY, full_text=HUGE * 4, total=5000
        )
    ],
    "mine": lambda: build_my_commitments([(huge_item(n), ILO) for n in range(400)], name=HUGE),
    "owners": lambda: build_owners([huge_area(n, 40) for n in range(30)]),
    "message": lambda: [build_message(HUGE * 20)],
    "help": lambda: [build_help(HUGE, problem=HUGE)],
    "checkin": lambda: [
        build_checkin(make_prompt([huge_checkin_item(n) for n in range(150)], name=HUGE))
    ],
    "reminder": lambda: [
        build_reminder(CheckinReminder(make_prompt([huge_checkin_item(1)], name=HUGE), None))
    ],
    "pick": lambda: [
        build_pick_commitment(
            [huge_checkin_item(n) for n in range(150)], reply_ts="1800000000.000100", excerpt=HUGE
        )
    ],
    "recorded": lambda: [build_recorded(HUGE, HUGE, HUGE, NOW, late=True)],
}


@pytest.mark.parametrize("surface", [pytest.param(name, id=name) for name in AT_THE_LIMITS])
def test_every_message_builder_passes_slacks_validation_at_the_limits(surface: str) -> None:
    replies = AT_THE_LIMITS[surface]()
    for reply in replies:
        blocks = reply.block_dicts()  # slack_sdk's validation, and the message limits
        assert 0 < len(blocks) <= MAX_BLOCKS_MESSAGE
        assert 0 < len(reply.text) <= 40_000


def test_the_details_modal_passes_slacks_validation_at_the_limits() -> None:
    view = build_details_modal(huge_checkin_item(1), prompt_id=2**31 - 1).to_dict()
    assert problems(view["blocks"], limit=MAX_BLOCKS_VIEW) == []


def test_the_home_passes_slacks_validation_at_the_limits() -> None:
    mine = [(huge_item(n), ILO) for n in range(400)]
    view = build_home(name=HUGE, mine=mine, overview=[huge_area(n, 3) for n in range(150)])
    assert problems(view.to_dict()["blocks"], limit=MAX_BLOCKS_VIEW) == []
