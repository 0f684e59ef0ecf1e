"""Find the meeting header, the sections and the areas in a document's lines.

The conclusions of this series have three parts, each under its own heading ("General
conclusions", "Strategic orientations …", "Issues addressed in technical meetings"), and each
part has areas: a title, a preamble, then lead-ins ("The ILO and the Commission intend to:")
followed by items. An area title is a heading (a Word heading style, a bold PDF line), the
first cell of a table row, or, guessed, a short unpunctuated line of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from seed.draft.lines import Line, header_like, remove_debris

SECTIONS = (
    ("general", re.compile(r"^general\s+conclusions?$", re.IGNORECASE)),
    ("strategic", re.compile(r"\bstrat\w*(?:\s+\w+)?\s+orientations?\b", re.IGNORECASE)),
    ("technical", re.compile(r"\btechnical\s+meetings?\b", re.IGNORECASE)),
)
TITLE = re.compile(r"\bconclusions?\b.*\bmeeting\b|\bmeeting\b.*\bconclusions?\b", re.IGNORECASE)
# A title cell that holds only item numbers, the first letters of the body's first word with
# them when the extraction cut it ("Th 1. 2. 3." + "e ILO and …").
DETACHED = re.compile(r"^(?P<cut>[A-Za-z]{1,3}\s+)?(?P<numbers>(?:\d{1,2}\.\s*)+)$")
JOIN = "\u2063"  # marks, inside a text, where a sentence was joined across a break
MOVED = "\u2064"  # marks words found under the next title and given back to this area


@dataclass
class Para:
    """A paragraph of an area's body, with numbers printed apart from its items."""

    text: str
    line: int
    numbers: tuple[int, ...] = ()


@dataclass
class Block:
    """An area as laid out: its title, section, first line, flags and body paragraphs."""

    title: str
    section: str
    line: int
    from_row: bool = False
    flags: list[tuple[str, str]] = field(default_factory=list)
    paras: list[Para] = field(default_factory=list)


def section_of(line: Line) -> str | None:
    """Name the part a heading opens (general, strategic, technical), or None."""
    if not header_like(line) or "\t" in line.text.strip():
        return None
    return next((name for name, pattern in SECTIONS if pattern.search(line.flat)), None)


def is_title(line: Line) -> bool:
    """Tell whether a line is the title of the conclusions ("Conclusions of the … Meeting")."""
    return bool(TITLE.search(line.flat)) and len(line.flat.split()) <= 30


def clean(lines: list[Line]) -> list[Line]:
    """Take out page-break debris, keeping a title or section heading where it first occurs."""
    return remove_debris(lines, keep_first=lambda line: is_title(line) or bool(section_of(line)))


def body_start(lines: list[Line]) -> int:
    """Return the index of the first section heading or area title: the header is before."""
    for index, line in enumerate(lines):
        heading = line.kind == "heading" and not is_title(line)
        if section_of(line) or heading or _row(line):
            return index
    return len(lines)


def find_blocks(lines: list[Line]) -> list[Block]:
    """Group the body's lines into areas, in document order."""
    state = _Walk()
    for line in lines:
        state.take(line)
    return state.blocks


def _row(line: Line) -> tuple[str, str] | None:
    """Split a table row into its title cell and the rest, if both hold text."""
    cells = [cell.strip() for cell in line.text.split("\t")]
    if len(cells) < 2 or not cells[0] or not any(cells[1:]):
        return None
    return cells[0], " ".join(cell for cell in cells[1:] if cell)


@dataclass
class _Walk:
    blocks: list[Block] = field(default_factory=list)
    section: str | None = None
    numbers: tuple[int, ...] = ()
    cut: str = ""

    def take(self, line: Line) -> None:
        row = _row(line)
        if row is not None:
            self._take_row(line, *row)
        elif (section := section_of(line)) is not None and section != self.section:
            self.section = section
        elif line.kind == "heading":  # (a heading that names its section is an area's title)
            self._open(line.flat, line.number)
        elif self._guessed_title(line):
            self._open(line.flat, line.number, flags=[("heading_guessed", GUESSED_TITLE)])
        else:
            self._text(line.flat, line.number, after_break=line.after_break)

    def _take_row(self, line: Line, cell: str, rest: str) -> None:
        detached = DETACHED.match(cell)
        if detached:
            self.numbers = tuple(int(n) for n in re.findall(r"\d+", detached["numbers"]))
            self.cut = (detached["cut"] or "").strip()
        else:
            self._open(" ".join(cell.split()), line.number, from_row=True)
        self._text(rest, line.number)

    def _guessed_title(self, line: Line) -> bool:
        flat = line.flat
        if not header_like(line) or not flat[0].isupper() or self.section is None:
            return False
        if line.text[:1].isspace() or flat.split()[-1].lower() in LINKING:
            return False  # text of the body column, or words cut off mid-sentence
        last = self.blocks[-1].paras[-1].text if self.blocks and self.blocks[-1].paras else ""
        return not last or not _open_end(last)

    def _open(
        self,
        title: str,
        number: int,
        *,
        from_row: bool = False,
        flags: list[tuple[str, str]] | None = None,
    ) -> None:
        section = self.section
        flags = list(flags or [])
        if section is None:
            section = "general" if "general" in title.lower() else "strategic"
            flags.append(("section_guessed", GUESSED_SECTION.format(section=section)))
        self.blocks.append(Block(title, section, number, from_row=from_row, flags=flags))

    def _text(self, text: str, number: int, *, after_break: bool = False) -> None:
        text = " ".join(text.split())
        if self.cut and text[:1].islower():
            text = self.cut + text
        numbers, self.numbers, self.cut = self.numbers, (), ""
        if not self.blocks or not text:
            return  # the introduction before the first area
        block = self.blocks[-1]
        if not block.paras and block.from_row and len(self.blocks) > 1:
            text = _give_back(self.blocks[-2], text, number)
        if not text:
            return
        broken = after_break and block.paras and _mid_sentence(block.paras[-1].text)
        if block.paras and (text[:1].islower() or broken) and not numbers:
            block.paras[-1].text += " " + JOIN + text
        else:
            block.paras.append(Para(text, number, numbers))


# Words left out of a drafted slug.
STOP = {
    "a",
    "an",
    "and",
    "at",
    "by",
    "for",
    "from",
    "in",
    "into",
    "of",
    "on",
    "or",
    "the",
    "to",
    "with",
}
LINKING = STOP | {"as", "their"}  # a title does not end on one of these
GUESSED_TITLE = "Area title guessed from a short line of its own: check it is a heading."
GUESSED_SECTION = "No section heading before this area: section “{section}” guessed."


def _open_end(text: str) -> bool:
    """Tell whether a text stops mid-list or mid-sentence (a semicolon, a comma, a word)."""
    end = text.rstrip()[-1:]
    return bool(end) and (end in ";," or end.isalnum())


def _mid_sentence(text: str) -> bool:
    """Tell whether a text stops mid-sentence: on a word or a comma."""
    end = text.rstrip()[-1:]
    return bool(end) and (end == "," or end.isalnum())


def _give_back(previous: Block, text: str, number: int) -> str:
    """Give the words that end the previous area's open list back to it; return the rest.

    In a table, a row can open with the last words of the row before (the previous area's
    last item, or its end), printed before the next title's own text.
    """
    if not previous.paras or not _open_end(previous.paras[-1].text):
        return text
    end = re.search(r"[.;](?=\s|$)", text)
    cut = end.end() if end else len(text)
    words, rest = text[:cut].strip(), text[cut:].strip()
    if words[:1].islower():
        previous.paras[-1].text += " " + JOIN + MOVED + words
    else:
        previous.paras.append(Para(MOVED + words, number))
    return rest
