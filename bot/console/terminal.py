"""Plain-text rendering of workflow results for the terminal (`hlm status`, `hlm show`)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from workflows.updates.status import AreaStatus, CommitmentStatus, Part, summarise

WIDTH = 100


def shorten(text: str, width: int) -> str:
    """Cut text to a width on a word boundary, marking the cut with an ellipsis."""
    text = " ".join(text.split())
    return textwrap.shorten(text, width=width, placeholder=" …") if len(text) > width else text


def render_part(part: Part) -> str:
    """Say who owns an institution's part and where it stands."""
    owners = ", ".join(part.owners) or "unassigned"
    when = f" since {part.status_at:%d %b %Y}" if part.status_at else ""
    return f"{part.institution.label}: {part.label}{when} ({owners})"


def render_item(item: CommitmentStatus, *, width: int = WIDTH) -> list[str]:
    """Render one commitment as a few lines: id, number, text, then one line per institution."""
    flags = " [disagree]" if item.disagree else ""
    flags += " [stale]" if item.stale else ""
    head = f"{item.code:<20} {item.shown_number:>4}  "
    lines = [head + shorten(item.text, width - len(head)) + flags]
    lines += [" " * len(head) + "· " + render_part(part) for part in item.parts]
    return lines


def render_area(area: AreaStatus, *, width: int = WIDTH) -> str:
    """Render an area: its title, its commitments in order and a one-line summary."""
    lines = [f"{area.position}. {area.title} ({area.slug})", "-" * min(width, 60)]
    for item in area.items:
        lines += render_item(item, width=width)
    lines += ["", area.summary()]
    return "\n".join(lines)


def render_overview(areas: Sequence[AreaStatus]) -> str:
    """Render one line per area with its counts, then a total."""
    lines = [f"{a.position:>2}. {a.title[:48]:<48} {a.summary()}" for a in areas]
    everything = [item for area in areas for item in area.items]
    lines += ["", "All areas — " + summarise(everything)]
    return "\n".join(lines)
