"""App Home: an owner's commitments with an update button; for coordinators, all areas too."""

from __future__ import annotations

from typing import Any

from bot.views import ids
from bot.views.mrkdwn import (
    MAX_BLOCKS_VIEW,
    Block,
    button,
    context,
    divider,
    escape,
    header,
    pack,
    section,
    short,
)
from bot.views.status import OVERVIEW_LINE, OVERVIEW_TOTAL, badge, counts_line, day
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
ITEM_TEXT = 200


def mine_block(item: CommitmentStatus, institution: Institution) -> Block:
    """Render one commitment a person owns, with its status and an update button."""
    part = next((p for p in item.parts if p.institution == institution), None)
    text = MINE_LINE.format(
        code=escape(item.code),
        number=item.shown_number,
        institution=institution.label,
        status=badge(part.status if part else None),
        when=f" · {day(part.status_at)}" if part and part.status_at else "",
        text=short(item.text, ITEM_TEXT),
    )
    value = ids.encode(p=0, c=item.key, i=institution.value)
    return {**section(text), "accessory": button(UPDATE, ids.DETAILS_ACTION, value)}


def overview_blocks(areas: list[AreaStatus]) -> list[Block]:
    """Render every area's counts by status, and the totals, for coordinators."""
    lines = [
        OVERVIEW_LINE.format(
            position=a.position, title=escape(a.title), counts=counts_line(a.items)
        )
        for a in areas
    ]
    total = OVERVIEW_TOTAL.format(counts=counts_line([i for a in areas for i in a.items]))
    return [divider(), header(AREAS), *(section(t) for t in pack(lines)), context(total)]


def build_home(
    *,
    name: str,
    mine: list[tuple[CommitmentStatus, Institution]],
    overview: list[AreaStatus] | None,
) -> dict[str, Any]:
    """Render a person's App Home; coordinators also see all areas, within 100 blocks."""
    blocks = [section(WELCOME.format(name=escape(name)) if name.strip() else STRANGER)]
    ending = overview_blocks(overview) if overview is not None else []
    if mine:
        room = max(MAX_BLOCKS_VIEW - len(blocks) - len(ending) - 2, 0)  # title, "more" line
        shown = mine if len(mine) <= room + 1 else mine[:room]
        blocks += [header(MINE_TITLE), *(mine_block(item, inst) for item, inst in shown)]
        blocks += [context(MORE.format(n=len(mine) - len(shown)))] if len(shown) < len(mine) else []
    elif name.strip():
        blocks.append(section(NOTHING_OWNED))
    return {"type": "home", "blocks": [*blocks, *ending][:MAX_BLOCKS_VIEW]}
