"""App Home: an owner's commitments with an update button; for coordinators, all areas too."""

from __future__ import annotations

from typing import Any

from bot.views import ids
from bot.views.mrkdwn import (
    MAX_BLOCKS_VIEW,
    context,
    divider,
    escape,
    header,
    plain,
    section,
    truncate,
)
from bot.views.status import status_label
from workflows.status import AreaStatus, CommitmentStatus
from workflows.types import Institution

WELCOME = "Hello {name}. Here is where your HLM commitments stand."
STRANGER = (
    "Hello. You don't own any HLM commitment yet; coordinators assign owners with `/hlm assign`."
)
NOTHING_OWNED = "_You don't own any commitment at the moment._"
MORE = "… and {n} more: type `/hlm mine` to see them all."
AREAS = "All areas"
UPDATE = "Update"


def _mine_blocks(item: CommitmentStatus, institution: Institution) -> list[dict[str, Any]]:
    part = next((p for p in item.parts if p.institution == institution), None)
    when = f" · {part.status_at:%d %b %Y}" if part and part.status_at else ""
    text = f"*{item.code}* ({institution.label}) {status_label(part.status if part else None)}{when}\n{escape(truncate(item.text, 200))}"
    button = {
        "type": "button",
        "action_id": ids.DETAILS_ACTION,
        "text": plain(UPDATE),
        "value": ids.encode(p=0, c=item.key, i=institution.value),
    }
    return [{**section(text), "accessory": button}]


def build_home(
    *,
    name: str,
    mine: list[tuple[CommitmentStatus, Institution]],
    overview: list[AreaStatus] | None,
) -> dict[str, Any]:
    """Render the App Home view of a person (coordinators also get the areas overview)."""
    blocks = [section(WELCOME.format(name=escape(name)) if name else STRANGER)]
    room = MAX_BLOCKS_VIEW - 2 - (len(overview) + 3 if overview else 0)
    shown = mine[: max(room, 0)]
    blocks += [b for item, inst in shown for b in _mine_blocks(item, inst)] or (
        [section(NOTHING_OWNED)] if name else []
    )
    if len(mine) > len(shown):
        blocks.append(context(MORE.format(n=len(mine) - len(shown))))
    if overview:
        blocks += [divider(), header(AREAS)]
        blocks += [
            section(f"*{a.position}. {escape(a.title)}*\n{escape(a.summary())}") for a in overview
        ]
    return {"type": "home", "blocks": blocks[:MAX_BLOCKS_VIEW]}
