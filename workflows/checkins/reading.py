"""Read words people write to the bot: the commitments each line names, a status said in so
many words, and the rest as a note. Pure."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from workflows.catalogue.lookup import CommitmentId, IdMention, find_commitment_ids
from workflows.types import Status

# "on track: workshop held" or "blocked - no funds": a status, then a colon or a dash. "Ok, I will
# check" is not a status report, so a comma or full stop after the first words does not count.
_STATUS_LEAD = re.compile(
    r"^\s*(?P<status>[a-z][a-z _-]{1,20}?)(\s*:|\s+[–—-])\s+(?P<rest>.+)$", re.I | re.S
)


def split_status(text: str) -> tuple[Status | None, str]:
    """Read a status said first ("on track: workshop held"), else keep the words as a note."""
    match = _STATUS_LEAD.match(text)
    if match:
        try:
            return Status.parse(match["status"]), match["rest"].strip()
        except ValueError:
            pass
    try:
        return Status.parse(text.strip().rstrip(".!")), ""
    except ValueError:
        return None, text.strip()


# The first two words of what follows an id: "at risk: …" is two, "stuck – …" one.
_LEAD_WORDS = re.compile(r"(?P<first>[\w-]+)(?:\s+(?P<second>[\w-]+))?")
_NAMES = {s: {s.label.lower(), s.value.replace("_", " ")} for s in Status}
_LEAD_PUNCTUATION = " \t*•·>:;,.–—-"


@dataclass(frozen=True)
class Said:
    """One commitment a message names, with the status and words said about it."""

    line: int  # the line naming it, from 0: part of its update's dedup key
    id: CommitmentId
    named: str  # the id as written
    status: Status | None
    text: str


def read_status(words: Sequence[str]) -> tuple[Status | None, int]:
    """Read a status from the first two words, else the first (`Status.parse`), and say how
    many words it took (0: none is a status)."""
    for used in (2, 1):  # "on track" and "at risk" may come as two words
        if len(words) >= used:
            try:
                return Status.parse(" ".join(words[:used])), used
            except ValueError:
                continue
    return None, 0


def lead_status(text: str) -> tuple[Status | None, str]:
    """Read a status said first in so many words ("at risk: tender late"), and the rest."""
    text = text.strip()
    match = _LEAD_WORDS.match(text)
    if not match:
        return None, text
    words = [w for w in (match["first"], match["second"]) if w]
    status, used = read_status(words)
    if status is None:
        return None, text
    end = match.end("second" if used == 2 else "first")
    rest = text[end:]
    # A status's own name stands alone ("at risk tender late"); another word for it ("ok",
    # "risk", "stuck") counts only before a colon, comma or dash, or alone: "risk assessment
    # done" and "ok I will check" are words, not a status.
    named = " ".join(words[:used]).lower().replace("_", " ").replace("-", " ")
    if named not in _NAMES[status] and rest.strip() and rest.lstrip(" \t")[:1] not in ":;,–—-":
        return None, text
    return status, rest.lstrip(" \t\n:;,.–—-")


def read_lines(text: str, slugs: Collection[str]) -> list[Said]:
    """Read a message line by line: a line naming a commitment starts what is said about it, a
    line naming none continues the line before (lines before the first id are a greeting)."""
    said: list[Said] = []
    for index, line in enumerate(text.splitlines()):
        mentions = find_commitment_ids(line, slugs)
        if mentions:
            said.append(_said(index, line, mentions[0]))
        elif said and line.strip():
            last = said[-1]
            said[-1] = replace(last, text="\n".join(filter(None, [last.text, line.strip()])))
    return said


def _said(index: int, line: str, mention: IdMention) -> Said:
    before = line[: mention.start].strip(_LEAD_PUNCTUATION)
    after = line[mention.end :].lstrip(_LEAD_PUNCTUATION)
    named = line[mention.start : mention.end].strip(_LEAD_PUNCTUATION)
    status, rest = lead_status(after)
    if before:
        said_first, nothing_else = lead_status(before)
        if said_first is not None and not nothing_else:  # "at risk: gender-4 tender late"
            status, rest = said_first, after.strip()
        else:  # "Update on gender-4: …": the line is the words, as written
            rest = line.strip()
    return Said(index, mention.id, named, status, rest)
