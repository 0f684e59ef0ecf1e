"""The ids of the interactive elements the bot posts, shared by builders and listeners.

What an element carries (a button's value, a modal's private_metadata) is a typed model of
`bot.views.values`.
"""

from __future__ import annotations

STATUS_ACTION = "hlm_status"  # action_id f"hlm_status:{status}"; value: values.StatusButton
DETAILS_ACTION = "hlm_details"  # value: values.DetailsButton
DETAILS_MODAL = "hlm_details_modal"  # private_metadata: values.DetailsModal
PICK_ACTION = "hlm_pick"  # option value: values.PickOption
SHARE_ACTION = "hlm_share"  # value: the /hlm text to post in the channel
HOME_MORE_ACTION = "hlm_home_more"

B_STATUS, A_STATUS = "status", "status"
B_TEXT, A_TEXT = "text", "text"
B_LINK, A_LINK = "link", "link"
B_NEXT, A_NEXT = "next", "next"
