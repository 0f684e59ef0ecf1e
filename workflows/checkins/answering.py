"""Answering a check-in, whichever way an owner does it, with plain results for the edge to show.

Each function runs inside the caller's unit of work and returns values, not rows: what was
recorded (`Answered`), the check-in as it now stands and where its message is, so that the edge
can confirm and refresh without reading the database again.

Every id that comes back from Slack (a check-in in a button, a form's metadata, a thread) is
checked here against the person acting: an owner answers only their own check-ins, and only
about the commitment parts those check-ins asked about.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.checkins.answers import (
    DmOutcome,
    EditOutcome,
    LineOutcome,
    correct_dm_words,
    forget_kept,
    resolve_thread_reply,
    take_dm_words,
)
from workflows.checkins.prompts import checkin_item, checkin_prompt, find_prompt, prompt_items
from workflows.errors import HlmError, InvalidInput, NotAllowed
from workflows.ports import CheckinItem, CheckinPrompt, Delivery
from workflows.store.models import Assignment, Checkin, Update
from workflows.types import Institution, Status, UpdateSource
from workflows.updates.corrections import undo_last, withdraw_message
from workflows.updates.record import Recorded
from workflows.updates.service import RecordUpdate, author_of, record


@dataclass(frozen=True)
class Answered:
    """What an answer recorded, and the check-in it belongs to as it now stands."""

    key: str  # the commitment's
    code: str
    status: Status | None
    author: str
    at: datetime
    late: bool
    created: bool
    checkin: CheckinPrompt | None = None
    delivery: Delivery | None = None  # the check-in's message, to show the answer in
    checkin_id: int | None = None  # the check-in it was in


@dataclass(frozen=True)
class LineAnswer:
    """What became of one commitment words named: an answer, or a refusal (with the id)."""

    named: str
    answered: Answered | None = None
    refused: HlmError | None = None


@dataclass(frozen=True)
class WordsAnswer:
    """What words in the DM (or an edit, or a deletion of them) became.

    `lines`: per commitment named, recorded or refused; `withdrawn`: updates taken back.
    `asks`: they named no commitment, so which of `choices` (the check-in's parts still open;
    none left: say so)? `unnamed`: they named none and there is no check-in to ask about.
    `checkins`: each check-in the lines and withdrawals were in, as it now stands (their
    `Answered` carry none: one snapshot per check-in, not one per line).
    """

    lines: tuple[LineAnswer, ...] = ()
    withdrawn: tuple[Answered, ...] = ()
    checkins: tuple[CheckinNow, ...] = ()
    asks: bool = False
    choices: tuple[CheckinItem, ...] = ()
    unnamed: bool = False
    ignored: bool = False  # empty, or the same event again: nothing to say

    @property
    def answered(self) -> list[Answered]:
        """List what was recorded, in the order the words named it."""
        return [line.answered for line in self.lines if line.answered is not None]


def answer_words(
    session: Session,
    *,
    channel: str,
    ts: str,
    thread_ts: str | None,
    slack_user_id: str,
    text: str,
    now: datetime,
) -> WordsAnswer:
    """Record what a DM says about the commitments it names, or ask which one it is about."""
    outcome = take_dm_words(
        session, channel=channel, ts=ts, thread_ts=thread_ts, slack_user_id=slack_user_id,
        text=text, now=now,
    )  # fmt: skip
    if outcome.repeated or not (outcome.lines or outcome.reply or outcome.unnamed):
        return WordsAnswer(ignored=True)
    if outcome.unnamed:
        return WordsAnswer(unnamed=True)
    if outcome.answer is not None:
        answered = _answer_of(outcome.answer)
        lines: tuple[LineAnswer, ...] = (LineAnswer(answered.code, answered),)
    elif outcome.lines:
        lines = _line_answers(outcome.lines)
    else:
        return WordsAnswer(asks=True, choices=_open_choices(session, outcome, now=now))
    return WordsAnswer(lines, checkins=_checkins_of(session, lines=lines, now=now))


def _line_answers(lines: tuple[LineOutcome, ...]) -> tuple[LineAnswer, ...]:
    return tuple(
        LineAnswer(line.named, _answer_of(line.recorded) if line.recorded else None, line.refused)
        for line in lines
    )


def _checkins_of(
    session: Session,
    *,
    lines: tuple[LineAnswer, ...] = (),
    withdrawn: tuple[Answered, ...] = (),
    now: datetime,
) -> tuple[CheckinNow, ...]:
    """Each check-in the answers were in, as it now stands: one snapshot per check-in."""
    answered = [line.answered for line in lines if line.answered is not None]
    ids = dict.fromkeys(a.checkin_id for a in (*answered, *withdrawn) if a.checkin_id is not None)
    session.flush()  # the check-in as it stands counts withdrawals out
    return tuple(_now(session, checkin_id, 0, now=now) for checkin_id in ids)


def _open_choices(
    session: Session, outcome: DmOutcome, *, now: datetime
) -> tuple[CheckinItem, ...]:
    """The check-in's parts still open: not answered in it, and not closed."""
    prompt = checkin_prompt(session, find_prompt(session, outcome.checkin_id or 0), now=now)
    asked = set(outcome.choices)
    return tuple(
        i for i in prompt.items
        if (i.key, i.institution) in asked and i.recorded is None
        and not (i.status and i.status.is_closed)
    )  # fmt: skip


def answer_edit(
    session: Session,
    *,
    channel: str,
    ts: str,
    edited: str,
    thread_ts: str | None,
    slack_user_id: str,
    text: str,
    now: datetime,
) -> WordsAnswer:
    """Correct what an edited DM recorded (new updates replacing the old, or withdrawals)."""
    outcome: EditOutcome = correct_dm_words(
        session, channel=channel, ts=ts, edited=edited, thread_ts=thread_ts,
        slack_user_id=slack_user_id, text=text, now=now,
    )  # fmt: skip
    kept = tuple(o for o in outcome.lines if o.refused or (o.recorded and o.recorded.created))
    lines, withdrawn = _line_answers(kept), _withdrawn(outcome.withdrawn)
    checkins = _checkins_of(session, lines=lines, withdrawn=withdrawn, now=now)
    return WordsAnswer(lines, withdrawn, checkins=checkins, ignored=not (lines or withdrawn))


def answer_deletion(
    session: Session, *, channel: str, ts: str, slack_user_id: str | None, now: datetime
) -> WordsAnswer:
    """Withdraw what a deleted DM recorded."""
    taken = withdraw_message(session, channel=channel, ts=ts, slack_user_id=slack_user_id, now=now)
    forget_kept(session, channel=channel, ts=ts)
    withdrawn = _withdrawn(taken)
    checkins = _checkins_of(session, withdrawn=withdrawn, now=now)
    return WordsAnswer(withdrawn=withdrawn, checkins=checkins, ignored=not withdrawn)


def answer_undo(session: Session, *, slack_user_id: str, now: datetime) -> Answered:
    """Withdraw the person's last update if it is recent (`corrections.UNDO_GRACE`)."""
    update = undo_last(session, slack_user_id=slack_user_id, now=now)
    session.flush()  # the check-in as it stands counts it out
    return _answered(session, _taken_back(update), now=now)


def _withdrawn(updates: Sequence[Update]) -> tuple[Answered, ...]:
    return tuple(_answer_of(_taken_back(u)) for u in updates)


def _taken_back(update: Update) -> Recorded:
    return Recorded(update, created=False, checkin_id=update.checkin_id)


def answer_checkin(session: Session, command: RecordUpdate, *, now: datetime) -> Answered:
    """Record a button click or a details form, as its author, against their own check-in."""
    if command.checkin_id is not None:
        checkin = own_checkin(session, command.checkin_id, command.author_slack_id or "")
        if (command.commitment, command.institution) not in prompt_items(checkin):
            raise NotAllowed("not_in_checkin")
    return _answered(session, record(session, command, now=now), now=now)


@dataclass(frozen=True)
class CheckinNow:
    """A check-in as it stands after its owner acted on it, where its message is, and how many
    updates the action created (0 when it was a retry, or nothing was left to answer)."""

    checkin: CheckinPrompt
    delivery: Delivery | None
    created: int = 0


@dataclass(frozen=True)
class FormEntry:
    """What an owner entered for one part in the check-in form."""

    key: str
    institution: Institution
    status: Status | None
    text: str = ""
    next_step: str = ""
    evidence: tuple[str, ...] = ()

    @property
    def has_words(self) -> bool:
        """Tell whether the entry says something besides a status."""
        return bool(self.text.strip() or self.next_step.strip() or self.evidence)


SKIP_REASON = 200  # characters: a reason is a short sentence


def confirm_unchanged(
    session: Session, *, checkin_id: int, slack_user_id: str, request_key: str, now: datetime
) -> CheckinNow:
    """Record "nothing changed" for every part of the owner's check-in still unanswered: the
    part's current status kept (None if it never had one), no words."""
    checkin = own_checkin(session, checkin_id, slack_user_id)
    created = 0
    for item in checkin_prompt(session, checkin, now=now).open_items:
        command = RecordUpdate(
            commitment=item.key, institution=item.institution, status=item.status,
            source=UpdateSource.CONFIRMED, author_slack_id=slack_user_id, checkin_id=checkin.id,
            # One key per click and part: the same click delivered twice is one confirmation.
            request_key=f"{request_key}:{item.key}:{item.institution.value}",
        )  # fmt: skip
        created += record(session, command, now=now).created
    return _now(session, checkin.id, created, now=now)


def changed_entries(prompt: CheckinPrompt, entries: Sequence[FormEntry]) -> list[FormEntry]:
    """Keep the entries that change something: another status than the part's, or words."""
    current = {(i.key, i.institution): i.status for i in prompt.items}
    return [
        e
        for e in entries
        if (e.key, e.institution) in current
        and (e.has_words or (e.status is not None and e.status != current[(e.key, e.institution)]))
    ]


def save_form(
    session: Session,
    *,
    checkin_id: int,
    slack_user_id: str,
    entries: Sequence[FormEntry],
    request_key: str,
    now: datetime,
) -> CheckinNow:
    """Record what the check-in form changed, one update per changed part, as its owner."""
    checkin = own_checkin(session, checkin_id, slack_user_id)
    asked = set(prompt_items(checkin))
    if any((e.key, e.institution) not in asked for e in entries):
        raise NotAllowed("not_in_checkin")
    created = 0
    for entry in changed_entries(checkin_prompt(session, checkin, now=now), entries):
        command = RecordUpdate(
            commitment=entry.key, institution=entry.institution, status=entry.status,
            source=UpdateSource.MODAL, author_slack_id=slack_user_id, checkin_id=checkin.id,
            text=entry.text, next_step=entry.next_step, evidence=entry.evidence,
            # A form submitted twice (or a page saved, then the form) is one update per part.
            request_key=f"{request_key}:{entry.key}:{entry.institution.value}",
        )  # fmt: skip
        created += record(session, command, now=now).created
    return _now(session, checkin.id, created, now=now)


def skip_checkin(
    session: Session, *, checkin_id: int, slack_user_id: str, reason: str, now: datetime
) -> CheckinNow:
    """Mark the owner's check-in skipped for this cycle, with their reason: no reminder follows."""
    checkin = own_checkin(session, checkin_id, slack_user_id)
    reason = " ".join(reason.split())[:SKIP_REASON]
    if not reason:
        raise InvalidInput("skip_without_reason")
    if checkin.skipped_at is None:  # skipped twice: the first reason stands
        checkin.skipped_at, checkin.skip_reason = now, reason
        session.flush()
    return _now(session, checkin.id, 0, now=now)


def open_checkin(
    session: Session, *, checkin_id: int, slack_user_id: str, now: datetime
) -> CheckinPrompt:
    """Return the owner's own check-in as it stands, to show in a form."""
    return checkin_prompt(session, own_checkin(session, checkin_id, slack_user_id), now=now)


def _now(session: Session, checkin_id: int, created: int, *, now: datetime) -> CheckinNow:
    prompt, delivery = checkin_as_it_stands(session, checkin_id, now=now)
    return CheckinNow(prompt, delivery, created)


def answer_pick(
    session: Session,
    *,
    channel: str,
    reply_ts: str,
    key: str,
    institution: Institution,
    slack_user_id: str,
    now: datetime,
) -> Answered:
    """Record a kept thread reply against the part its author picked (its author only)."""
    outcome = resolve_thread_reply(
        session, channel=channel, ts=reply_ts, key=key, institution=institution,
        slack_user_id=slack_user_id, now=now,
    )  # fmt: skip
    if outcome.answer is None:  # resolve_thread_reply always records or refuses
        raise AssertionError("a picked reply was not recorded")  # pragma: no cover
    return _answered(session, outcome.answer, now=now)


def part_to_detail(
    session: Session,
    *,
    key: str,
    institution: Institution,
    checkin_id: int | None,
    slack_user_id: str,
    now: datetime,
    coordinator: bool = False,
) -> CheckinItem:
    """Describe the commitment part a details form is for, if the person may answer for it
    (`coordinator`: a coordinator by configuration, who may answer for any part)."""
    if checkin_id is not None:
        asked = prompt_items(own_checkin(session, checkin_id, slack_user_id))
        if (key, institution) not in asked:
            raise NotAllowed("not_in_checkin")
    elif not coordinator:
        _own_part(session, key=key, institution=institution, slack_user_id=slack_user_id)
    return checkin_item(session, key=key, institution=institution, now=now)


def checkin_as_it_stands(
    session: Session, checkin_id: int, *, now: datetime
) -> tuple[CheckinPrompt, Delivery | None]:
    """Return a check-in with what was recorded in it so far, and where its message is."""
    checkin = find_prompt(session, checkin_id)
    row = checkin.delivery
    delivery = Delivery(row.channel, row.ts) if row and row.channel and row.ts else None
    return checkin_prompt(session, checkin, now=now), delivery


def own_checkin(session: Session, checkin_id: int, slack_user_id: str) -> Checkin:
    """Return a check-in if it was sent to this Slack user; refuse anyone else."""
    checkin = find_prompt(session, checkin_id)
    if checkin.person.slack_user_id != slack_user_id:
        raise NotAllowed("not_your_checkin")
    return checkin


def _own_part(session: Session, *, key: str, institution: Institution, slack_user_id: str) -> None:
    person = author_of(session, slack_user_id)
    owns = session.scalar(
        select(Assignment.id).where(
            Assignment.person_id == person.id,
            Assignment.institution == institution,
            Assignment.commitment.has(key=key),
        )
    )
    if owns is None and not person.is_coordinator:
        raise NotAllowed("not_your_part")


def _answered(session: Session, recorded: Recorded, *, now: datetime) -> Answered:
    """What one answer recorded, with its check-in as it now stands."""
    if recorded.checkin_id is None:
        return _answer_of(recorded)
    prompt, delivery = checkin_as_it_stands(session, recorded.checkin_id, now=now)
    return replace(_answer_of(recorded), checkin=prompt, delivery=delivery)


def _answer_of(recorded: Recorded) -> Answered:
    """What one answer recorded, without its check-in (`checkin_id` says which it was in)."""
    update = recorded.update
    return Answered(
        key=update.commitment.key,
        code=update.commitment.shown_code,
        status=update.status,
        author=update.author.name if update.author else "",
        at=update.created_at,
        late=update.late,
        created=recorded.created,
        checkin_id=recorded.checkin_id,
    )
