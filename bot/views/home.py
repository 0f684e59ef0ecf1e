"""App Home: an owner's commitments with an update button; for coordinators, all areas too."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, ButtonElement, DividerBlock, HeaderBlock, SectionBlock
from slack_sdk.models.views import View

from bot.views import ids
from bot.views.blocks import MAX_BLOCKS_VIEW
from bot.views.mrkdwn import escape, fit, pack, short
from bot.views.status import (
    OVERVIEW_LINE,
    OVERVIEW_TOTAL,
    awaiting_text,
    badge,
    counts_line,
    day,
    footnote,
)
from bot.views.values import DetailsButton
from workflows.types import Institution
from workflows.updates.status import AreaStatus, CommitmentStatus

WELCOME = "Hello {name}. Here is where your HLM commitments stand."
STRANGER = (
    "Hello. You don't own any HLM commitment yet: coordinators assign owners with `/hlm assign`."
)
NOTHING_OWNED = "_You don't own any commitment at the moment._"
MINE_TITLE = "Your commitments"
MINE_LINE = "*{code}* ({number}) — {institution}: {status}{when}\n{text}"
MORE = "… and {n} more: use `/hlm mine`"
AREAS = "All areas"
UPDATE = "Update"
AWAITING = " · _{text}_"
ITEM_TEXT = 200


def mine_block(item: CommitmentStatus, institution: Institution) -> Block:
    """Render one commitment a person owns, with its status and an update button."""
    part = next((p for p in item.parts if p.institution == institution), None)
    text = MINE_LINE.format(
        code=escape(item.code),
        number=item.shown_number,
        institution=institution.label,
        status=f"{badge(part.status if part else None)}{_awaiting(item)}",
        when=f" · {day(part.status_at)}" if part and part.status_at else "",
        text=short(item.text, ITEM_TEXT),
    )
    value = DetailsButton(key=item.key, institution=institution).encode()
    update = ButtonElement(text=UPDATE, action_id=ids.DETAILS_ACTION, value=value)
    return SectionBlock(text=fit(text), accessory=update)


def _awaiting(item: CommitmentStatus) -> str:
    # Until the others confirm, a joint completion reads as what it is on every surface.
    return AWAITING.format(text=awaiting_text(item)) if item.awaiting else ""


def overview_blocks(areas: list[AreaStatus]) -> list[Block]:
    """Render every area's counts by status, and the totals, for coordinators."""
    lines = [
        OVERVIEW_LINE.format(
            position=a.position, title=escape(a.title), counts=counts_line(a.items)
        )
        for a in areas
    ]
    total = OVERVIEW_TOTAL.format(counts=counts_line([i for a in areas for i in a.items]))
    sections = [SectionBlock(text=t) for t in pack(lines)]
    return [DividerBlock(), HeaderBlock(text=AREAS), *sections, footnote(total)]


def build_home(
    *,
    name: str,
    mine: list[tuple[CommitmentStatus, Institution]],
    overview: list[AreaStatus] | None,
) -> View:
    """Render a person's App Home; coordinators also see all areas, within 100 blocks."""
    welcome = WELCOME.format(name=escape(name)) if name.strip() else STRANGER
    blocks: list[Block] = [SectionBlock(text=fit(welcome))]
    ending = overview_blocks(overview) if overview is not None else []
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
