"""App Home: an owner's commitments with an update button; for coordinators, all areas too."""

from __future__ import annotations

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DividerBlock,
    HeaderBlock,
    Option,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.views import ids
from bot.views.blocks import MAX_BLOCKS_VIEW
from bot.views.mrkdwn import escape, fit, pack
from bot.views.status import (
    OVERVIEW_LINE,
    OVERVIEW_TOTAL,
    counts_line,
    footnote,
    mine_line,
)
from bot.views.values import DetailsButton
from workflows.catalogue.meetings import Shown
from workflows.types import Institution
from workflows.updates.status import AreaStatus, CommitmentStatus

WELCOME = "Hello {name}. Here is where your HLM commitments stand."
STRANGER = (
    "Hello. You don't own any HLM commitment yet: coordinators assign owners with `/hlm assign`."
)
NOTHING_OWNED = "_You don't own any commitment at the moment._"
MINE_TITLE = "Your commitments"
MORE = "… and {n} more: use `/hlm mine`"
AREAS = "All areas"
AREAS_OF = "All areas · HLM {number}"
PICK_MEETING = "Conclusions of…"
UPDATE = "Update"


def mine_block(item: CommitmentStatus, institution: Institution) -> Block:
    """Render one commitment a person owns, with its status and an update button."""
    value = DetailsButton(key=item.key, institution=institution).encode()
    update = ButtonElement(text=UPDATE, action_id=ids.DETAILS_ACTION, value=value)
    return SectionBlock(text=fit(mine_line(item, institution)), accessory=update)


def overview_blocks(areas: list[AreaStatus], meeting: Shown | None = None) -> list[Block]:
    """Render every area's counts by status, and the totals, for coordinators (with a choice of
    the meeting whose conclusions they show, when there are several)."""
    lines = [
        OVERVIEW_LINE.format(
            position=a.position, title=escape(a.title), counts=counts_line(a.items)
        )
        for a in areas
    ]
    total = OVERVIEW_TOTAL.format(counts=counts_line([i for a in areas for i in a.items]))
    sections = [SectionBlock(text=t) for t in pack(lines)]
    title = AREAS if meeting is None else AREAS_OF.format(number=meeting.number)
    head: list[Block] = [DividerBlock(), HeaderBlock(text=title)]
    if meeting is not None and meeting.others:
        head.append(_meeting_picker(meeting))
    return [*head, *sections, footnote(total)]  # the header and the picker say whose


def _meeting_picker(meeting: Shown) -> ActionsBlock:
    numbers = sorted([meeting.number, *meeting.others], reverse=True)
    options = {n: Option(value=f"hlm{n}", text=f"HLM {n}") for n in numbers}
    picker = StaticSelectElement(
        action_id=ids.HOME_MEETING_ACTION,
        placeholder=PICK_MEETING,
        options=list(options.values()),
        initial_option=options[meeting.number],
    )
    return ActionsBlock(elements=[picker])


def build_home(
    *,
    name: str,
    mine: list[tuple[CommitmentStatus, Institution]],
    overview: list[AreaStatus] | None,
    meeting: Shown | None = None,
) -> View:
    """Render a person's App Home; coordinators also see all areas, within 100 blocks."""
    welcome = WELCOME.format(name=escape(name)) if name.strip() else STRANGER
    blocks: list[Block] = [SectionBlock(text=fit(welcome))]
    ending = overview_blocks(overview, meeting) if overview is not None else []
    if mine:
        room = max(MAX_BLOCKS_VIEW - len(blocks) - len(ending) - 2, 0)  # title, "more" line
        shown = mine if len(mine) <= room + 1 else mine[:room]
        blocks += [HeaderBlock(text=MINE_TITLE), *(mine_block(item, inst) for item, inst in shown)]
        blocks += (
            [footnote(MORE.format(n=len(mine) - len(shown)))] if len(shown) < len(mine) else []
        )
    elif name.strip():
        blocks.append(SectionBlock(text=NOTHING_OWNED))
    return View(type="home", blocks=[*blocks, *ending][:MAX_BLOCKS_VIEW])
