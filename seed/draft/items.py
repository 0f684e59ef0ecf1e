"""Read an area's body: its preamble, lead-ins, items, printed numbers and actors.

A lead-in is a clause that names who acts and ends with a colon ("The ILO and the Commission
intend to:", "They intend to:"); the items it governs follow, until the next lead-in. Items are
told apart by printed numbers ("3. Strengthen …"), by paragraphs, by semicolons before a capital
letter and, only when a list has none of these, by sentences (flagged: a guess).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from seed.draft.layout import JOIN, MOVED, Block

VERB = r"(?:intends?|envisages?|will|shall|agreed?|commits?|undertakes?|are\s+committed)"
LEAD_IN = re.compile(rf"[^.;:]*?\b(?P<verb>{VERB})\b[^.;:]*:")
SENTENCE_START = re.compile(r"(?:^|(?<=[.;])\s+)(?=\S)")
NUMBER = re.compile(r"(?:^|(?<=[.;:])\s+)(?P<n>\d{1,2})\.\s+(?=\S)")
SEMICOLON = re.compile(r";\s+(?=[A-Z\d])")
SENTENCE = re.compile(
    r"(?<!\b[A-Za-z])(?<!e\.g)(?<!i\.e)(?<!\bNo)(?<!\bno)(?<!\bArt)\.\s+(?=[A-Z])"
)
SUB_ITEM = re.compile(r"^[a-z]\.\s")
ACTORS = (
    ("ilo", re.compile(r"\bILO\b|International Labour Organi[sz]ation")),
    ("ec", re.compile(r"\bCommission\b|\bEU\b|European Union")),
    ("eeas", re.compile(r"\bEEAS\b|External Action Service")),
)
BOTH = re.compile(r"\b(?:they|both|together)\b", re.IGNORECASE)
PAIR = re.compile(
    r"\b(?:ILO|Commission|EU|EEAS)\b\s*(?:,|and|/)\s*(?:the\s+)?(?:European\s+)?"
    r"\b(?:ILO|Commission|EU|EEAS)\b"
)
MAX_SUBJECT_WORDS = 14


@dataclass
class LeadIn:
    """A lead-in as printed and the institutions it names (or that "they" stands for)."""

    text: str
    actors: tuple[str, ...]
    flags: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Piece:
    """A stretch of an item's text, with where it starts and how it was told apart."""

    text: str
    line: int
    number: int | None = None
    detached: int | None = None
    by: str = "start"  # start | number | paragraph | semicolon | sentence


@dataclass
class RawItem:
    """An item as found: lead-in, text, printed number and flags."""

    lead_in: LeadIn
    text: str
    line: int
    number: int | None
    flags: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class RawArea:
    """An area's preamble and items, before numbering and targets."""

    preamble: str
    items: list[RawItem]


def read_area(block: Block) -> RawArea:
    """Split an area's paragraphs into its preamble and its items under their lead-ins."""
    preamble: list[str] = []
    lists: list[tuple[LeadIn, list[Piece]]] = []
    last_number = 0
    for para in block.paras:
        numbers = list(para.numbers)  # printed apart: they go to this paragraph's items
        for lead, chunk in _chunks(para.text, context=" ".join([*preamble, para.text])):
            if lead is not None:
                lists.append((lead, []))
            if not lists:
                preamble.append(chunk)
                continue
            first = not lists[-1][1]
            pieces, last_number = _pieces(chunk, para.line, numbers, last_number, first=first)
            lists[-1][1].extend(pieces)
    items = [item for lead, pieces in lists for item in _items(lead, pieces)]
    text = "\n\n".join(p.replace(JOIN, "").replace(MOVED, "") for p in preamble if p)
    return RawArea(preamble=text, items=items)


def _chunks(text: str, *, context: str) -> list[tuple[LeadIn | None, str]]:
    """Cut a paragraph at its lead-ins: (None, text before), (lead-in, text after), …"""
    found: list[tuple[int, int, LeadIn]] = []
    for opening in SENTENCE_START.finditer(text):
        match = LEAD_IN.match(text, opening.start())
        lead = _lead_in(match.group(0), context=context) if match else None
        if match and lead and not (found and match.start() < found[-1][1]):
            begins = match.start() + _long_opening(match.group(0))
            lead.text = _plain(text[begins : match.end()])
            found.append((begins, match.end(), lead))
    chunks: list[tuple[LeadIn | None, str]] = []
    position, lead_now = 0, None
    for begins, ends, lead in found:
        chunks.append((lead_now, text[position:begins].strip()))
        position, lead_now = ends, lead
    chunks.append((lead_now, text[position:].strip()))
    return [(lead, chunk) for lead, chunk in chunks if lead is not None or chunk]


def _lead_in(text: str, *, context: str) -> LeadIn | None:
    """Read a candidate lead-in; None when its subject is not someone who acts."""
    verb = re.search(rf"\b{VERB}\b", text)
    subject = _subject(_plain(text[: verb.start() if verb else 0]))
    words = subject.split()
    if (
        not words
        or len(words) > MAX_SUBJECT_WORDS
        or not (words[0][0].isupper() or BOTH.match(subject))
    ):
        return None
    clean = _plain(text)
    actors = _actors(subject)
    if actors:
        return LeadIn(clean, actors)
    if BOTH.search(subject):
        named = _antecedent(context[: context.find(text)] if text in context else context)
        if named:
            return LeadIn(clean, named, [("actors_guessed", THEY.format(actors=", ".join(named)))])
    return LeadIn(clean, (), [("no_actor", NO_ACTOR)])


def _subject(before_verb: str) -> str:
    """Return who acts: the last clause, with the short actor names listed before it.

    "The Commission, the EEAS and the ILO" is one subject; in "In the context of the new EU
    strategy, they intend to", the subject is "they".
    """
    clauses = [clause.strip() for clause in before_verb.split(",")]
    subject = [clauses.pop()]
    while clauses and _actors(clauses[-1]) and len(clauses[-1].split()) <= SHORT_CLAUSE:
        subject.insert(0, clauses.pop())
    return ", ".join(subject)


SHORT_CLAUSE = 4


def _plain(text: str) -> str:
    return " ".join(text.replace(JOIN, "").replace(MOVED, "").split())


def _long_opening(text: str) -> int:
    """Return where a lead-in proper begins: after a long opening clause before "…, they"."""
    comma = re.search(r",\s+(?=(?:they|both)\b[^,]*$)", text, re.IGNORECASE)
    if comma is None or len(text[: comma.start()].split()) <= MAX_OPENING_WORDS:
        return 0
    return comma.end()


MAX_OPENING_WORDS = 25  # "In the context of the new strategy, they intend to:" stays whole
THEY = "The lead-in says “they”: read as {actors}, the institutions named just before."
NO_ACTOR = "The lead-in names no institution: add the actors."


def _actors(text: str) -> tuple[str, ...]:
    return tuple(name for name, pattern in ACTORS if pattern.search(text))


def _antecedent(text: str) -> tuple[str, ...]:
    pairs = list(PAIR.finditer(text))
    return _actors(pairs[-1].group(0)) if pairs else ()


def _pieces(
    chunk: str, line: int, numbers: list[int], last: int, *, first: bool
) -> tuple[list[Piece], int]:
    """Cut a list's text at printed numbers and at semicolons before a capital letter.

    Numbers printed apart from the text (`numbers`) go, in order, to the pieces that have
    none; they are used up from the list.
    """
    pieces: list[Piece] = []
    position, number, by = 0, None, ("start" if first else "paragraph")
    for match in NUMBER.finditer(chunk):
        n = int(match["n"])
        if not last < n <= last + 20:
            continue
        pieces += _at_semicolons(chunk[position : match.start()], line, number, by)
        position, number, by, last = match.end(), n, "number", n
    pieces += _at_semicolons(chunk[position:], line, number, by)
    for piece in pieces:
        if piece.number is None and numbers:
            piece.detached = numbers.pop(0)
            last = max(last, piece.detached)
    return pieces, last


def _at_semicolons(text: str, line: int, number: int | None, by: str) -> list[Piece]:
    parts = SEMICOLON.split(text)
    pieces: list[Piece] = []
    for index, part in enumerate(parts):
        part = part.strip()
        if pieces and SUB_ITEM.match(part):
            pieces[-1].text += "; " + part
        elif part:
            first = index == 0
            pieces.append(
                Piece(part, line, number if first else None, by=by if first else "semicolon")
            )
    return pieces


def _items(lead: LeadIn, pieces: list[Piece]) -> list[RawItem]:
    """Make the items of one list; split at sentences only if nothing else tells them apart."""
    separated = any(piece.by in ("number", "paragraph", "semicolon") for piece in pieces)
    separated = separated or any(piece.number or piece.detached for piece in pieces)
    if not separated:
        pieces = [part for piece in pieces for part in _at_sentences(piece)]
    return [_item(lead, piece) for piece in pieces]


def _at_sentences(piece: Piece) -> list[Piece]:
    """Cut at sentences that open like an item; a sentence opening otherwise stays with the last.

    An item opens with what is to be done ("Cooperate …", "Jointly promote …"); a sentence
    opening with an article, a preposition or a pronoun, or saying what is ("… will be …"),
    says more about the item before.
    """
    parts = SENTENCE.split(piece.text)
    if len(parts) == 1:
        return [piece]
    texts = [parts[0]]
    for part in parts[1:]:
        if _goes_on(part):
            texts[-1] += ". " + part
        else:
            texts.append(part)
    texts = [text + "." for text in texts[:-1]] + [texts[-1]]
    return [Piece(text, piece.line, by="sentence") for text in texts]


def _goes_on(sentence: str) -> bool:
    words = sentence.split()
    return words[0].lower() in GOES_ON or bool(FINITE.search(" ".join(words[:6])))


GOES_ON = {
    "a",
    "an",
    "the",
    "this",
    "that",
    "these",
    "those",
    "such",
    "in",
    "on",
    "at",
    "for",
    "with",
    "by",
    "it",
    "its",
    "their",
    "they",
    "there",
    "both",
    "each",
    "as",
    "also",
    "all",
    "any",
    "other",
    "particular",
    "further",
    "moreover",
    "however",
}
FINITE = re.compile(r"\b(?:will|would|could|should|can|may|is|are|was|were|has|have)\b")


def _item(lead: LeadIn, piece: Piece) -> RawItem:
    flags = list(lead.flags)
    if JOIN in piece.text:
        flags.append(("broken_sentence", BROKEN))
    if MOVED in piece.text:
        flags.append(("item_moved", MOVED_WORDS))
    if piece.by == "sentence":
        flags.append(("split_guessed", SPLIT))
    number = piece.number if piece.number is not None else piece.detached
    if piece.detached is not None and piece.number is None:
        flags.append(("number_moved", DETACHED_NUMBER.format(number=piece.detached)))
    return RawItem(lead, piece.text, piece.line, number, flags)


BROKEN = (
    "A sentence runs across a line or page break here: check the join and that no words were lost."
)
MOVED_WORDS = "Words found after the next area's title were given back to this item: check."
SPLIT = "Items told apart by sentences only: check where this item starts and ends."
DETACHED_NUMBER = "The number {number} was printed apart from the item and put back: check."
