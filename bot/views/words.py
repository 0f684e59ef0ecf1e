"""What the bot answers to words in its DM, to an edit or a deletion of them, and to `/hlm undo`.

One short line: "✓ Recorded At risk for gender-4 · ✓ Recorded On track for osh-2", with any
refusal named by the id it was about.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import SectionBlock

from bot.views import Reply
from bot.views.mrkdwn import escape, fallback, fit, local_time
from workflows.checkins.answering import Answered

RECORDED = "✓ Recorded {what} for {code}{late}"
CORRECTED = "✓ Corrected: {what} for {code}{late}"
WITHDREW = "✓ Withdrew {what} for {code}"
REFUSED = "✗ {code}: {why}"
A_NOTE = "a note"
LATE = " (late)"
SEP = " · "
UNDONE = "Withdrew your update on {code} ({what}, {at})."
UNNAMED = (
    "Which commitment is this about? Start a line with its id and a status, "
    "e.g. `gender-4 at risk: tender delayed`. `/hlm mine` lists yours."
)


def _what(answered: Answered) -> str:
    return answered.status.label if answered.status else A_NOTE


def answered_line(answered: Answered, *, corrected: bool = False) -> str:
    """Say what one answer recorded (or corrected)."""
    template = CORRECTED if corrected else RECORDED
    late = LATE if answered.late else ""
    return template.format(what=_what(answered), code=answered.code, late=late)


def build_words_answer(
    answered: Sequence[Answered],
    refused: Sequence[tuple[str, str]] = (),
    withdrawn: Sequence[Answered] = (),
    *,
    corrected: bool = False,
) -> Reply:
    """Confirm in one line what words recorded, corrected or withdrew, and what was refused
    (each refusal: the id as written and why)."""
    parts = [answered_line(a, corrected=corrected) for a in answered]
    parts += [WITHDREW.format(what=_what(w), code=w.code) for w in withdrawn]
    parts += [REFUSED.format(code=code, why=why) for code, why in refused]
    text = escape(SEP.join(parts))
    return Reply(fallback(text), [SectionBlock(text=fit(text))])


def build_undone(answered: Answered) -> Reply:
    """Say which update `/hlm undo` withdrew, with the time it was recorded."""
    at = answered.at
    shown = local_time(at, tokens="{time}", fallback=f"{at:%H:%M} UTC")
    text = UNDONE.format(code=escape(answered.code), what=escape(_what(answered)), at=shown)
    plain = UNDONE.format(code=answered.code, what=_what(answered), at=f"{at:%H:%M} UTC")
    return Reply(fallback(escape(plain)), [SectionBlock(text=fit(text))])
