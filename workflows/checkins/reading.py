"""Read words people write to the bot: the commitments each line names, a status said in so
many words, and the rest as a note. Pure."""

from __future__ import annotations

import re
from collections.abc import Collection
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


# A status said in so many words, first: "at risk: …", "on track – …", "blocked …", "done".
_STATUS_WORDS = re.compile(
    r"^(?P<status>at[\s_-]*risk|on[\s_-]*track|not[\s_-]*started|blocked|done|completed?)"
    r"(?![\w-])[\s:;,.–—-]*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_LEAD_PUNCTUATION = " \t*•·>:;,.–—-"


@dataclass(frozen=True)
class Said:
    """One commitment a message names, with the status and words said about it."""

    line: int  # the line naming it, from 0: part of its update's dedup key
    id: CommitmentId
    named: str  # the id as written
    status: Status | None
    text: str


def lead_status(text: str) -> tuple[Status | None, str]:
    """Read a status said first in so many words ("at risk: tender late"), and the rest."""
    match = _STATUS_WORDS.match(text.strip())
    if not match:
        return None, text.strip()
    words = re.sub(r"[\s_-]+", " ", match["status"])
    return Status.parse(words), match["rest"].strip()


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
