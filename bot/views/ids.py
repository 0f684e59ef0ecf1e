"""The ids of the interactive elements the bot posts, shared by builders and listeners.

What an element carries (a button's value, a modal's private_metadata) is a typed model of
`bot.views.values`.
"""

from __future__ import annotations

STATUS_ACTION = "hlm_status"  # action_id f"hlm_status:{status}"; value: values.StatusButton
# (status buttons are no longer posted; those in check-ins already sent still work)
CONFIRM_ACTION = "hlm_confirm"  # "Nothing changed"; value: values.CheckinButton
FORM_OPEN = "hlm_form_open"  # "Update…"; value: values.CheckinButton
SKIP_OPEN = "hlm_skip_open"  # "Skip this cycle…"; value: values.CheckinButton
AWAY_OPEN = "away_open"  # "I'm away…"; value: values.CheckinButton
FORM_MODAL = "hlm_checkin_form"  # private_metadata: values.CheckinForm
FORM_PAGE = "hlm_form_page"  # "Next area ›" / "‹ Previous" in the form; value: the page to show
SKIP_MODAL = "hlm_skip_modal"  # private_metadata: values.CheckinButton
DETAILS_ACTION = "hlm_details"  # value: values.DetailsButton
DETAILS_MODAL = "hlm_details_modal"  # private_metadata: values.DetailsModal
PICK_ACTION = "hlm_pick"  # option value: values.PickOption
SHARE_ACTION = "hlm_share"  # value: the /hlm text to post in the channel
HOME_MORE_ACTION = "hlm_home_more"
HOME_MEETING_ACTION = "hlm_home_meeting"  # option value: a meeting's number, as `hlm15`

B_STATUS, A_STATUS = "status", "status"
B_TEXT, A_TEXT = "text", "text"
B_LINK, A_LINK = "link", "link"
B_NEXT, A_NEXT = "next", "next"
B_REASON, A_REASON = "reason", "reason"
# In the check-in form each input's block id is f"{field}:{institution}:{commitment key}".
F_STATUS, F_TEXT, F_NEXT, F_LINK = "s", "t", "n", "l"
