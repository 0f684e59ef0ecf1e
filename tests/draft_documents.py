"""Conclusions documents for the drafter's tests, and the truth they hold.

A `Doc` is conclusions as a person wrote them: areas in sections, preambles, lead-ins naming
actors, items with their printed numbers. It is made from the curated 15th meeting
(`doc_from_seed`) or generated (`make_conclusions(seed)`: other areas, numbering, wording,
actors), then written as a Word document (headings styled), a PDF (running header, page numbers,
pages breaking where the text falls) or a two-column table extraction as text (page headers,
page numbers, items cut by page breaks). `misses(draft, doc)` compares a draft with the truth.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import docx
from fpdf import FPDF

from seed.schema import SeedMeeting

SECTION_HEADINGS = {
    "general": "General Conclusions",
    "strategic": "Strategic Orientations for ILO-EU Cooperation in the global agenda",
    "technical": "Issues addressed in technical meetings",
}
RUNNING_HEADER = "ILO-EC High Level Meeting - Conclusions"
OPENING_WORDS = 8


@dataclass(frozen=True)
class DocItem:
    number: int | None  # as it should be read (the truth)
    text: str
    printed: bool = True  # whether the number is printed


@dataclass(frozen=True)
class DocList:
    lead_in: str
    actors: frozenset[str]
    items: tuple[DocItem, ...]


@dataclass(frozen=True)
class DocArea:
    title: str
    section: str
    preamble: tuple[str, ...]
    lists: tuple[DocList, ...]


@dataclass(frozen=True)
class Doc:
    title: str
    number: int
    place: str
    held_on: date
    areas: tuple[DocArea, ...]

    @property
    def dateline(self) -> str:
        return f"{self.place}, {self.held_on.day} {self.held_on:%B %Y}"


@dataclass(frozen=True)
class Expected:
    area: str
    number: int | None
    actors: frozenset[str]
    opening: tuple[str, ...]


def opening(text: str) -> tuple[str, ...]:
    """Return the first words of an item, lower case, without punctuation or gap marks."""
    text = text.replace("[…]", " ").replace("[...]", " ")
    words = [re.sub(r"^\W+|\W+$", "", word.lower()) for word in text.split()]
    return tuple(word for word in words if word)[:OPENING_WORDS]


def expected(doc: Doc) -> list[Expected]:
    """List what a draft must hold for each item: area, number, actors, first words."""
    return [
        Expected(" ".join(area.title.split()).lower(), item.number, lst.actors, opening(item.text))
        for area in doc.areas
        for lst in area.lists
        for item in lst.items
    ]


def misses(draft: dict[str, Any], truth: list[Expected]) -> list[Expected]:
    """Return the items of the truth that the draft does not hold exactly."""
    found = {
        Expected(
            " ".join(area["title"].split()).lower(),
            item["number"],
            frozenset(item["actors"]),
            opening(item["text"]),
        )
        for area in draft["areas"]
        for item in area["commitments"]
    }
    return [one for one in truth if one not in found]


def doc_from_seed(meeting: SeedMeeting) -> Doc:
    """Make the document of a curated meeting: items grouped under their lead-ins."""
    areas = []
    for area in meeting.areas:
        lists: list[DocList] = []
        for item in area.commitments:
            one = DocItem(item.number, item.text)
            if lists and lists[-1].lead_in == item.lead_in:
                lists[-1] = DocList(item.lead_in, lists[-1].actors, (*lists[-1].items, one))
            else:
                lists.append(DocList(item.lead_in, frozenset(item.actors), (one,)))
        paragraphs = tuple(p for p in area.preamble.split("\n\n") if p.strip())
        areas.append(DocArea(area.title, area.section.value, paragraphs, tuple(lists)))
    return Doc(meeting.title, meeting.number, meeting.place, meeting.held_on, tuple(areas))


def item_lines(lst: DocList) -> list[str]:
    """Write a list's items as printed: number, text, a semicolon between, a full stop last."""
    lines = []
    for index, item in enumerate(lst.items):
        text = item.text.rstrip(";").rstrip()
        last = index == len(lst.items) - 1
        text = (text if text.endswith(".") else text + ".") if last else text.rstrip(".") + ";"
        lines.append(f"{item.number}. {text}" if item.number and item.printed else text)
    return lines


# --- Word --------------------------------------------------------------------------------


def write_docx(doc: Doc, path: Path) -> Path:
    """Write the conclusions as Word: Title, Heading 1 sections, Heading 2 areas, paragraphs."""
    document = docx.Document()
    document.add_paragraph(doc.title, style="Title")
    document.add_paragraph(doc.dateline)
    section = None
    for area in doc.areas:
        if area.section != section:
            section = area.section
            document.add_heading(SECTION_HEADINGS[section], level=1)
        document.add_heading(area.title, level=2)
        for paragraph in area.preamble:
            document.add_paragraph(paragraph)
        for lst in area.lists:
            document.add_paragraph(lst.lead_in)
            for line in item_lines(lst):
                document.add_paragraph(line, style="List Paragraph")
    document.save(str(path))
    return path


# --- PDF ---------------------------------------------------------------------------------


def _latin(text: str) -> str:
    swaps = {"…": "...", "–": "-", "—": "-", "“": '"', "”": '"', "’": "'", "‘": "'"}
    for wide, narrow in swaps.items():
        text = text.replace(wide, narrow)
    return text.encode("latin-1", "replace").decode("latin-1")


class _Pages(FPDF):
    def header(self) -> None:
        self.set_font("helvetica", "I", 8)
        self.cell(0, 5, RUNNING_HEADER, align="C")
        self.ln(9)

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font("helvetica", "", 8)
        self.cell(0, 5, f"Page {self.page_no()}", align="C")


def write_pdf(doc: Doc, path: Path) -> Path:
    """Write the conclusions as a PDF: bold headings, a running header, numbered pages."""
    pdf = _Pages(format="A4")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    _para(pdf, doc.title, size=14, bold=True)
    _para(pdf, doc.dateline)
    section = None
    for area in doc.areas:
        if area.section != section:
            section = area.section
            _para(pdf, SECTION_HEADINGS[section], size=13, bold=True)
        _para(pdf, area.title, size=11.5, bold=True)
        for paragraph in area.preamble:
            _para(pdf, paragraph)
        for lst in area.lists:
            _para(pdf, lst.lead_in)
            for line in item_lines(lst):
                _para(pdf, line)
    pdf.output(str(path))
    return path


def _para(pdf: FPDF, text: str, *, size: float = 10, bold: bool = False) -> None:
    pdf.set_font("helvetica", "B" if bold else "", size)
    pdf.multi_cell(0, size * 0.5, _latin(text))
    pdf.ln(2.5)


# --- A two-column table, as a PDF extraction prints it ------------------------------------


def write_table_txt(doc: Doc, path: Path, *, seed: int) -> Path:
    """Write the conclusions as an extracted table: page debris and items cut by page breaks."""
    rng = random.Random(seed)
    rows = ["", "", doc.title, "", doc.dateline, "", "These conclusions were agreed.", ""]
    section = None
    for area in doc.areas:
        if area.section != section:
            section = area.section
            rows.append(SECTION_HEADINGS[section] + "\t")
        area_rows = [f"\t{p}" for p in area.preamble[1:]]
        area_rows += [f"\t {lst.lead_in} {' '.join(item_lines(lst))}" for lst in area.lists]
        first = area.preamble[0] if area.preamble else area_rows.pop(0).strip()
        rows.append(f"{area.title}\t{first}")
        rows += area_rows
    path.write_text("\n".join(_paginate(rows, rng, doc)) + "\n", encoding="utf-8")
    return path


def _paginate(rows: list[str], rng: random.Random, doc: Doc) -> list[str]:
    out: list[str] = []
    page, left, section = 1, rng.randint(3, 6), ""
    for row in rows:
        section = row.strip() if row.strip() in SECTION_HEADINGS.values() else section
        if left > 0 or not section:
            out.append(row)
            left -= 1
            continue
        page += 1
        left = rng.randint(3, 6)
        head, tail = _cut(row, rng)
        out += [head, "", str(page), section + "\t\t"] if head else ["", str(page), section]
        out.append(tail)
    return out


def _cut(row: str, rng: random.Random) -> tuple[str, str]:
    """Cut a long row where a page ends: before a lower-case word, mid-sentence."""
    words = row.split(" ")
    places = [
        i
        for i in range(8, len(words) - 4)
        if words[i][:1].islower() and words[i - 1][-1:].isalnum()
    ]
    if not places or "\t" not in row or rng.random() < 0.3:
        return "", row
    at = rng.choice(places)
    return " ".join(words[:at]), "\t " + " ".join(words[at:])


# --- Conclusions of another meeting -------------------------------------------------------

AREAS = [
    "Digital Transition and the Platform Economy",
    "Social Protection Floors (SPF)",
    "Labour Migration and Fair Recruitment",
    "Youth Employment Guarantees",
    "Care Economy and Long-term Care",
    "Heat Stress and Workers' Health",
    "Decent Work in Latin America and the Caribbean",
    "Labour Statistics and Market Information",
    "Green Jobs and Skills for the Energy Transition",
    "Public Employment Services",
    "Wage Policies and Collective Bargaining",
    "Cooperatives and the Social Economy",
    "Disability Inclusion at Work",
    "Decent Work in the Western Balkans",
]
VERBS = [
    "Cooperate on",
    "Exchange information on",
    "Jointly promote",
    "Support partner countries in",
    "Share experience on",
    "Develop a joint study of",
    "Organise a conference on",
    "Strengthen cooperation regarding",
    "Explore ways to advance",
    "Prepare guidance on",
    "Review progress on",
    "Mobilise resources for",
    "Continue to monitor",
]
TOPICS = [
    "the transition from the informal to the formal economy",
    "minimum wage setting and wage transparency",
    "skills anticipation in the automotive sector",
    "the ratification of up-to-date conventions",
    "social security coordination for mobile workers",
    "labour inspection in agriculture and construction",
    "algorithmic management and data protection at work",
    "gender pay gaps in the public sector",
    "the portability of pension rights",
    "early warning systems for mass layoffs",
]
TAILS = [
    "",
    ", in particular in the EU neighbourhood",
    " by {month} {year}",
    " before the end of {year}",
    ". This includes the views of the social partners",
    ", building on the results of joint projects",
]
LEAD_INS = [
    ("The ILO and the Commission intend to:", {"ilo", "ec"}),
    ("The Commission and the ILO will:", {"ilo", "ec"}),
    ("The ILO will:", {"ilo"}),
    ("The Commission will:", {"ec"}),
    ("The EU/Commission will:", {"ec"}),
    ("The EU/Commission and the ILO will jointly:", {"ilo", "ec"}),
    ("The ILO and the EEAS intend to:", {"ilo", "eeas"}),
    ("The Commission, the EEAS and the ILO intend to:", {"ilo", "ec", "eeas"}),
]
PLACES = ["Brussels", "Geneva", "Turin", "Geneva - Brussels", "Lisbon"]


def make_conclusions(seed: int) -> Doc:
    """Generate conclusions of another meeting: other areas, counts, actors and numbering."""
    rng = random.Random(seed)
    number = rng.randint(16, 43)
    held_on = date(rng.randint(2025, 2030), rng.randint(1, 12), rng.randint(1, 28))
    titles = rng.sample(AREAS, rng.randint(5, 9))
    sections = ["strategic"] * (len(titles) // 2) + ["technical"] * (len(titles) - len(titles) // 2)
    areas = tuple(_area(rng, t, s, held_on.year) for t, s in zip(titles, sections, strict=True))
    title = (
        f"Conclusions of the {number}{_suffix(number)} High Level Meeting between the "
        "International Labour Organization and the European Commission"
    )
    return Doc(title, number, rng.choice(PLACES), held_on, areas)


def _suffix(n: int) -> str:
    return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _area(rng: random.Random, title: str, section: str, year: int) -> DocArea:
    topic = title.split(" and ")[0].lower()
    preamble = [f"The ILO and the Commission have long worked together on {topic}."]
    if rng.random() < 0.5:
        preamble.append(f"Both see {topic} as central to a fair recovery and to decent work.")
    style = rng.choice(["all", "none", "first_lost"])
    lists, counter = [], 0
    for index in range(rng.randint(1, 3)):
        lead_in, actors = rng.choice(LEAD_INS)
        if index == 0 and rng.random() < 0.25:
            lead_in, actors = "They intend to:", {"ilo", "ec"}
        items = []
        for _ in range(rng.randint(1, 6)):
            counter += 1
            printed = style == "all" or (style == "first_lost" and index > 0)
            number = counter if style != "none" else None
            items.append(DocItem(number, _item_text(rng, year), printed))
        lists.append(DocList(lead_in, frozenset(actors), tuple(items)))
    if style == "first_lost" and not any(i.printed for lst in lists for i in lst.items):
        lists = [
            DocList(lst.lead_in, lst.actors, tuple(DocItem(None, i.text) for i in lst.items))
            for lst in lists
        ]
    return DocArea(title, section, tuple(preamble), tuple(lists))


def _item_text(rng: random.Random, year: int) -> str:
    tail = rng.choice(TAILS).format(month=rng.choice(["March", "June", "October"]), year=year + 1)
    return f"{rng.choice(VERBS)} {rng.choice(TOPICS)}{tail}"
