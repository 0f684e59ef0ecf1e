"""Check a seed file: is it valid, and which spots are still flagged for a person to check."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from seed.schema import SeedMeeting

VALID, FLAGGED, INVALID = 0, 1, 2


@dataclass(frozen=True)
class SeedCheck:
    """What `hlm seed check` found: problems (the file is invalid) and flags still open."""

    path: Path
    problems: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)

    @property
    def status(self) -> int:
        """Return 2 if invalid, 1 if valid with flags left, 0 if valid and unflagged."""
        return INVALID if self.problems else FLAGGED if self.flags else VALID

    def lines(self) -> list[str]:
        """Say what was found, one line per problem or flag, with its place."""
        found = [f"{self.path}: invalid: {problem}" for problem in self.problems]
        found += [f"{self.path}: flagged: {flag}" for flag in self.flags]
        if not found:
            return [f"{self.path}: valid, nothing flagged."]
        return [*found, f"{self.path}: {len(self.problems)} problems, {len(self.flags)} flags."]


def check_seed_file(path: Path) -> SeedCheck:
    """Validate a seed file and list its flags; every problem, not only the first."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return SeedCheck(path, problems=[f"cannot read the file: {exc}"])
    except yaml.YAMLError as exc:
        return SeedCheck(path, problems=[f"not YAML: {' '.join(str(exc).split())}"])
    try:
        meeting = SeedMeeting.model_validate(data)
    except ValidationError as exc:
        errors = _deepest(exc.errors())
        return SeedCheck(path, problems=[_problem(error, data) for error in errors])
    flags = [f"{place}: {flag.kind}: {flag.note}" for place, flag in meeting.open_flags()]
    return SeedCheck(path, flags=flags)


def _deepest(errors: list[Any]) -> list[Any]:
    """Leave out an error about a list that only echoes the errors of its own items."""
    places = [tuple(error["loc"]) for error in errors]
    return [
        error
        for error, place in zip(errors, places, strict=True)
        if not any(other[: len(place)] == place and other != place for other in places)
    ]


def _problem(error: Any, data: object) -> str:
    """Name the place of a validation error: areas[3] (gender) › commitments[2] (gender-3) › …"""
    parts: list[str] = []
    node = data
    for key in error["loc"]:
        node = node[key] if isinstance(node, dict | list) and _has(node, key) else None
        name = node.get("id") or node.get("slug") if isinstance(node, dict) else None
        label = f"[{key}]" if isinstance(key, int) else f".{key}"
        parts.append(f"{label} ({name})" if name and isinstance(key, int) else label)
    place = "".join(parts).lstrip(".") or "file"
    return f"{place}: {error['msg']}"


def _has(node: dict[Any, Any] | list[Any], key: object) -> bool:
    if isinstance(node, dict):
        return key in node
    return isinstance(key, int) and 0 <= key < len(node)
