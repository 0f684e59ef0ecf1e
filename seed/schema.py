"""The conclusions of a High Level Meeting as structured, validated data.

One YAML file per meeting (``seed/hlm15.yaml``) holds the meeting, its thematic areas in document
order and every commitment. These models are the contract that file is held to.

A draft made by ``hlm seed draft`` may carry ``flags``: spots a person must check (a guessed
heading, a reconstructed number, an item with no actor…). A flagged file validates, so it can be
checked and edited, but ``hlm seed load`` refuses it until the flags are removed (or
``--accept-flags`` is given). Only a flagged item may lack actors, and only a flagged area items.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from workflows.types import Institution, Section

SLUG = r"^[a-z][a-z0-9-]{1,38}[a-z0-9]$"
SHORT_TITLE = 40  # areas.short_title: a chart label and a one-line summary's name
CODE = re.compile(r"^(?P<slug>[a-z][a-z0-9-]*[a-z0-9])-(?P<n>[1-9][0-9]*)$")

Part = Literal["early", "mid", "late", "end"]
FlagKind = Literal[
    "header_guessed",  # a meeting field not found as such (number, date, place, title)
    "heading_guessed",  # an area heading inferred from the layout, not marked as a heading
    "section_guessed",  # an area's section not named by a section heading
    "number_reconstructed",  # an item number inferred from the numbers around it
    "number_moved",  # a printed number found apart from its item and put back
    "number_lost",  # numbers printed around the item, but none fits it
    "no_numbers",  # an area whose items carry no printed number
    "broken_sentence",  # a sentence joined across a line or page break
    "item_moved",  # words found under the next heading and given back to this list
    "split_guessed",  # items told apart by sentences only
    "no_actor",  # an item whose lead-in names no institution
    "actors_guessed",  # "they" / "both" read as the institutions last named
    "no_items",  # an area in which no item was found
]
_PART_LAST_MONTH = {"early": 4, "mid": 8, "late": 12, "end": 12}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class Flag(_Frozen):
    """A spot of a draft that a person must check before the file is loaded."""

    kind: FlagKind
    note: str = Field(min_length=1, description="What to check, in words.")


class Target(_Frozen):
    """A date or deadline the text states, e.g. "early 2021" or "June 2021"."""

    text: str = Field(description="The words of the document, e.g. 'early 2021'.")
    year: int = Field(ge=2000, le=2100)
    month: int | None = Field(default=None, ge=1, le=12)
    part: Part | None = Field(default=None, description="early / mid / late / end of the year")

    @model_validator(mode="after")
    def _month_or_part(self) -> Target:
        if self.month is not None and self.part is not None:
            raise ValueError("a target has a month or a part of the year, not both")
        return self

    @property
    def due(self) -> date:
        """Return the last day the text allows: the end of the month, the part or the year."""
        last_month = self.month or _PART_LAST_MONTH.get(self.part or "", 12)
        return date(self.year, last_month, calendar.monthrange(self.year, last_month)[1])


class SeedCommitment(_Frozen):
    """An item an actor intends to do or will do."""

    id: str = Field(
        description="Short, stable, typeable: '<area slug>-<n>', n its order in the area."
    )
    number: int | None = Field(
        default=None, ge=1, description="The number as printed; none where the document lost it."
    )
    number_reconstructed: bool = Field(
        default=False,
        description="True where `number` is not printed next to the item but inferred "
        "(from the numbers around it); `notes` says how.",
    )
    actors: tuple[Institution, ...] = Field(description="At least one, unless the item is flagged.")
    lead_in: str = Field(
        description="The sentence that governs the item, e.g. 'The ILO intends to:'."
    )
    text: str = Field(min_length=3, description="Verbatim, cleaned of extraction debris.")
    targets: tuple[Target, ...] = ()
    source_line: int = Field(ge=1, description="1-based line of the source text where it starts.")
    notes: str | None = Field(default=None, description="What was repaired or judged, and why.")
    carried_over_from: tuple[str, ...] = Field(
        default=(),
        description="Earlier commitments this one continues, as 'hlm15/osh-2'.",
    )
    flags: tuple[Flag, ...] = ()

    @field_validator("actors")
    @classmethod
    def _distinct_actors(cls, actors: tuple[Institution, ...]) -> tuple[Institution, ...]:
        if len(set(actors)) != len(actors):
            raise ValueError("an actor is listed twice")
        return actors

    @field_validator("id")
    @classmethod
    def _typeable_id(cls, value: str) -> str:
        if not CODE.match(value):
            raise ValueError(f"id {value!r} is not of the form '<area slug>-<n>'")
        return value

    @field_validator("carried_over_from")
    @classmethod
    def _earlier_keys(cls, keys: tuple[str, ...]) -> tuple[str, ...]:
        for key in keys:
            meeting, _, code = key.partition("/")
            if not re.fullmatch(r"hlm[1-9][0-9]*", meeting) or not CODE.match(code):
                raise ValueError(f"carried_over_from {key!r} is not of the form 'hlm15/osh-2'")
        return keys

    @model_validator(mode="after")
    def _reconstructed_has_number(self) -> SeedCommitment:
        if self.number_reconstructed and self.number is None:
            raise ValueError("a reconstructed number needs a number")
        if self.number_reconstructed and not self.notes:
            raise ValueError("a reconstructed number needs a note saying how")
        if not self.actors and not self.flags:
            raise ValueError("an item needs actors (only a flagged draft item may have none)")
        return self


class SeedArea(_Frozen):
    """A thematic area: its title as printed, a short slug, its section and preamble."""

    slug: str = Field(pattern=SLUG)
    title: str
    short_title: str | None = Field(
        default=None,
        max_length=SHORT_TITLE,
        description="The area as a chart or a one-line summary names it ('Gender equality').",
    )
    section: Section
    aliases: tuple[str, ...] = Field(
        default=(),
        description="Other words people use for the area ('women' for gender), lower case.",
    )
    preamble: str = ""
    source_line: int = Field(ge=1)
    commitments: tuple[SeedCommitment, ...] = Field(
        description="At least one, unless the area is flagged."
    )
    flags: tuple[Flag, ...] = ()

    @field_validator("aliases")
    @classmethod
    def _plain_words(cls, aliases: tuple[str, ...]) -> tuple[str, ...]:
        for alias in aliases:
            if not re.fullmatch(r"[a-z0-9]+", alias):
                raise ValueError(f"alias {alias!r} is not one lower-case word")
        return aliases

    @model_validator(mode="after")
    def _ids_follow_the_slug_and_order(self) -> SeedArea:
        if not self.commitments and not self.flags:
            raise ValueError(f"area {self.slug!r} has no items (only a flagged draft area may)")
        for position, item in enumerate(self.commitments, start=1):
            expected = f"{self.slug}-{position}"
            if item.id != expected:
                raise ValueError(f"commitment {item.id!r} should be {expected!r} (order in area)")
        numbers = [c.number for c in self.commitments if c.number is not None]
        if numbers != sorted(numbers) or len(set(numbers)) != len(numbers):
            raise ValueError(f"area {self.slug!r}: numbers out of order or repeated: {numbers}")
        return self


class SeedMeeting(_Frozen):
    """One High Level Meeting and its conclusions."""

    number: int = Field(ge=1)
    title: str
    held_on: date
    place: str
    source: str = Field(description="Where the text came from (file name).")
    areas: tuple[SeedArea, ...] = Field(min_length=1)
    flags: tuple[Flag, ...] = ()

    @model_validator(mode="after")
    def _unique_slugs(self) -> SeedMeeting:
        slugs = [area.slug for area in self.areas]
        duplicates = sorted({slug for slug in slugs if slugs.count(slug) > 1})
        if duplicates:
            raise ValueError(f"area slugs used twice: {', '.join(duplicates)}")
        aliases = [alias for area in self.areas for alias in area.aliases]
        shared = sorted({alias for alias in aliases if aliases.count(alias) > 1})
        if shared:
            raise ValueError(f"aliases of more than one area: {', '.join(shared)}")
        return self

    @property
    def commitments(self) -> list[SeedCommitment]:
        """List every commitment in document order."""
        return [item for area in self.areas for item in area.commitments]

    def key(self, code: str) -> str:
        """Return the id of a commitment that is unique across meetings."""
        return f"hlm{self.number}/{code}"

    def open_flags(self) -> list[tuple[str, Flag]]:
        """List every flag still in the file with its place: the meeting, an area or an item."""
        found = [("meeting", flag) for flag in self.flags]
        for area in self.areas:
            found += [(f"area {area.slug} (line {area.source_line})", f) for f in area.flags]
            for item in area.commitments:
                found += [(f"{item.id} (line {item.source_line})", f) for f in item.flags]
        return found
