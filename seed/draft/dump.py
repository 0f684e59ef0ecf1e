"""Write a draft as YAML in the seed format, each flag repeated as a comment above its place."""

from __future__ import annotations

from typing import Any

import yaml

HEAD = """\
# A DRAFT made by `hlm seed draft` from {source}: check it before loading it.
# Each spot to check is flagged twice: a "# CHECK" comment, and an entry under `flags:`.
# When a spot is right (or put right), delete its flag; `hlm seed check FILE` lists those left,
# and `hlm seed load` refuses a file that still has flags (unless --accept-flags).
"""


def dump_draft(draft: dict[str, Any]) -> str:
    """Write the draft as a seed file: the meeting, its areas and their items, flags commented."""
    meeting = {k: v for k, v in draft.items() if k != "areas"}
    out = [HEAD.format(source=draft["source"])]
    out += _comments(meeting.get("flags", []), indent="")
    out.append(_yaml(_trim(meeting)))
    out.append("areas:\n")
    for area in draft["areas"]:
        out += _area(area)
    return "".join(out)


def _area(area: dict[str, Any]) -> list[str]:
    head = {k: v for k, v in area.items() if k != "commitments"}
    out = _comments(area.get("flags", []), indent="", place=f"area {area['slug']}")
    out.append(_yaml([_trim(head)]))
    if not area["commitments"]:
        return [*out, "  commitments: []\n"]
    out.append("  commitments:\n")
    for item in area["commitments"]:
        out += _comments(item.get("flags", []), indent="  ", place=item["id"])
        out.append(_indent(_yaml([_trim(item)]), "  "))
    return out


def _comments(flags: list[dict[str, str]], *, indent: str, place: str = "meeting") -> list[str]:
    return [f"{indent}# CHECK {place} ({flag['kind']}): {flag['note']}\n" for flag in flags]


def _trim(data: dict[str, Any]) -> dict[str, Any]:
    """Leave out what is empty and has a default (no flags, no targets)."""
    return {k: v for k, v in data.items() if not (k in ("flags", "targets") and not v)}


class _Dumper(yaml.SafeDumper):
    """Write short lists of words (actors) on one line, as the curated seed does."""


def _words_inline(dumper: yaml.SafeDumper, data: list[Any]) -> yaml.Node:
    short = bool(data) and all(isinstance(v, str) and len(v) < 12 for v in data)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=short)


_Dumper.add_representer(list, _words_inline)


def _yaml(data: object) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


def _indent(text: str, indent: str) -> str:
    return "".join(indent + line if line.strip() else line for line in text.splitlines(True))
