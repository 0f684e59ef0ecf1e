"""The ids of the interactive elements the bot posts, shared by builders and listeners.

Values are compact JSON made by `encode`: `p` prompt id (0 outside a check-in), `c` commitment
key, `i` institution value, `s` status value, `r` the thread reply's ts, `ch`/`ts` the message
to refresh after a modal.
"""

from __future__ import annotations

import json
from typing import Any

STATUS_ACTION = "hlm_status"  # action_id f"hlm_status:{status}"; value encodes p, c, i, s
DETAILS_ACTION = "hlm_details"  # value encodes p, c, i
DETAILS_MODAL = "hlm_details_modal"  # private_metadata encodes p, c, i, ch, ts
PICK_ACTION = "hlm_pick"  # option value encodes c, i, r (the reply's ts)
SHARE_ACTION = "hlm_share"  # value: the /hlm text to post in the channel
HOME_MORE_ACTION = "hlm_home_more"

B_STATUS, A_STATUS = "status", "status"
B_TEXT, A_TEXT = "text", "text"
B_LINK, A_LINK = "link", "link"
B_NEXT, A_NEXT = "next", "next"


def encode(**fields: Any) -> str:
    """Pack a few fields into a button value or modal metadata."""
    return json.dumps(fields, separators=(",", ":"))


def decode(value: str) -> dict[str, Any]:
    """Unpack a value made by `encode`; raise ValueError on anything else."""
    try:
        decoded = json.loads(value)
    except (TypeError, json.JSONDecodeError) as exc:
        raise ValueError("not a value this bot made") from exc
    if not isinstance(decoded, dict):
        raise ValueError("not a value this bot made")
    return decoded
