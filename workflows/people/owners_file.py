"""Load people and their assignments in bulk from a YAML or CSV owners file.

YAML has two lists, `people` and `assignments` (see `seed/owners.example.yaml`). CSV has one row
per assignment with the person's details on the row:
`target,institution,role,name,email,slack_user_id,tz,coordinator`.
The whole file is checked before anything is written; the caller's transaction makes it all or
nothing.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Self

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from sqlalchemy.orm import Session

from workflows.errors import BadFile, HlmError
from workflows.people.assignments import assign
from workflows.people.directory import check_timezone, upsert_person
from workflows.store.models import Person
from workflows.types import Institution, Role
from workflows.words import counted


class OwnerPerson(BaseModel):
    """A person as an owners file describes them."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=200)
    institution: Institution
    slack_user_id: str | None = Field(default=None, pattern=r"^[UW][A-Z0-9]{2,}$")
    # The person's workspace, when the app is installed in several (see README).
    slack_team_id: str | None = Field(default=None, pattern=r"^T[A-Z0-9]{2,}$")
    tz: str | None = None
    coordinator: bool = False

    @field_validator("institution", mode="before")
    @classmethod
    def _institution(cls, value: Any) -> Any:
        return Institution.parse(value) if isinstance(value, str) else value

    @field_validator("tz")
    @classmethod
    def _tz(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return check_timezone(value)
        except HlmError as exc:
            raise ValueError(exc.code) from exc


class OwnerAssignment(BaseModel):
    """One assignment: a person answering for an institution's part of an item or an area."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    target: str = Field(min_length=1)
    person: str = Field(min_length=1, description="The person's email")
    institution: Institution | None = None
    role: Role = Role.OWNER

    @field_validator("institution", mode="before")
    @classmethod
    def _institution(cls, value: Any) -> Any:
        return Institution.parse(value) if isinstance(value, str) and value else value


class OwnersFile(BaseModel):
    """The people and assignments of an owners file."""

    model_config = ConfigDict(extra="forbid")

    people: list[OwnerPerson] = Field(default_factory=list)
    assignments: list[OwnerAssignment] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_entry_per_person(self) -> Self:
        # Two entries with one email (in any case) or one Slack id would be merged silently.
        first: dict[str, int] = {}
        for number, person in enumerate(self.people, start=1):
            slack = f"slack:{person.slack_user_id}" if person.slack_user_id else ""
            for key in filter(None, (person.email.lower(), slack)):
                if (seen := first.setdefault(key, number)) != number:
                    raise ValueError(
                        f"people {seen} and {number} are one person ({key.removeprefix('slack:')})"
                        "; list each person once"
                    )
        return self


@dataclass
class ImportReport:
    """What an owners import changed."""

    people: int = 0
    lines: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """Say in a few lines what was imported."""
        people = counted(self.people, "person", "people")
        head = f"{people}, {counted(len(self.lines), 'assignment')} imported."
        return "\n".join([head, *self.lines])


def read_owners_file(path: Path) -> OwnersFile:
    """Read and validate an owners file (.yaml, .yml or .csv); raise BadFile with the reason."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise BadFile("file_unreadable", path=str(path), reason=exc.strerror) from exc
    except UnicodeDecodeError as exc:
        raise BadFile("file_not_utf8", path=str(path), byte=exc.start) from exc
    if "\x00" in text:  # no database stores it in text (PostgreSQL refuses it)
        raise BadFile("file_has_nul", path=str(path))
    try:
        if path.suffix.lower() == ".csv":
            return _from_csv(text)
        return OwnersFile.model_validate(yaml.safe_load(text) or {})
    except yaml.YAMLError as exc:
        raise BadFile("file_not_yaml", path=str(path), reason=str(exc).splitlines()[0]) from exc
    except csv.Error as exc:  # a field over the csv module's size limit, a stray NUL byte
        raise BadFile("file_not_csv", path=str(path), reason=str(exc)) from exc
    except ValidationError as exc:
        refused = _refusal(exc)
        if refused is not None:  # a value the domain refused: its code says why
            where = ".".join(str(part) for part in exc.errors()[0]["loc"])
            raise BadFile("value_refused", path=str(path), where=where, cause=refused) from exc
        raise BadFile("file_invalid", path=str(path), problem=_where(exc)) from exc
    except ValueError as exc:
        raise BadFile("file_invalid", path=str(path), problem=str(exc)) from exc


def _refusal(exc: ValidationError) -> HlmError | None:
    """Return the domain error behind the first validation error, if one is."""
    error = exc.errors()[0].get("ctx", {}).get("error")
    cause = getattr(error, "__cause__", None)
    return cause if isinstance(cause, HlmError) else None


def _where(exc: ValidationError) -> str:
    error = exc.errors()[0]
    loc = ".".join(str(part) for part in error["loc"])
    return f"{loc}: {error['msg'].removeprefix('Value error, ')}"


CSV_COLUMNS = ("target", "institution", "role", "name", "email", "slack_user_id", "tz")


def _from_csv(text: str) -> OwnersFile:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("target", "name", "email") if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(
            f"missing column(s) {', '.join(missing)}; expected {','.join(CSV_COLUMNS)}"
        )
    people: dict[str, dict[str, Any]] = {}
    assignments = []
    first_rows: dict[str, tuple[int, str]] = {}
    for number, row in enumerate(reader, start=2):  # line 1 is the header
        row = {k: (v or "").strip() for k, v in row.items() if k}
        _check_same_person(row, number, first_rows)
        person = {k: row[k] for k in ("name", "email", "slack_user_id", "tz") if row.get(k)}
        person["institution"] = row.get("institution") or ""
        person["coordinator"] = row.get("coordinator", "").lower() in {"yes", "true", "1"}
        people.setdefault(row["email"].lower(), person)
        assignments.append(
            {"target": row["target"], "person": row["email"], "role": row.get("role") or "owner"}
            | ({"institution": row["institution"]} if row.get("institution") else {})
        )
    return OwnersFile.model_validate({"people": list(people.values()), "assignments": assignments})


def _check_same_person(
    row: dict[str, str], number: int, first_rows: dict[str, tuple[int, str]]
) -> None:
    """Refuse a row that names, differently, a person an earlier row named.

    Rows of one person repeat the same email; the same email in another case, or a Slack id
    given to two emails, would otherwise be merged silently into one person.
    """
    email, slack_id = row.get("email", ""), row.get("slack_user_id", "")
    for key, clash in ((email.lower(), "the same email in a different case"),
                       (f"slack:{slack_id}", f"Slack id {slack_id} to two emails")):  # fmt: skip
        if key in ("", "slack:"):
            continue
        seen, spelled = first_rows.setdefault(key, (number, email))
        if spelled != email:
            raise ValueError(
                f"rows {seen} and {number} give {clash} ({email}); nothing was imported"
            )


def import_owners(session: Session, owners: OwnersFile, *, now: datetime) -> ImportReport:
    """Add or update the file's people, then make its assignments."""
    report = ImportReport()
    by_email: dict[str, Person] = {}
    for spec in owners.people:
        by_email[spec.email.lower()] = upsert_person(
            session,
            name=spec.name,
            institution=spec.institution,
            email=spec.email,
            slack_user_id=spec.slack_user_id,
            slack_team_id=spec.slack_team_id,
            tz=spec.tz,
            is_coordinator=spec.coordinator,
        )
        report.people += 1
    for number, entry in enumerate(owners.assignments, start=1):
        report.lines.append(_assign_entry(session, entry, by_email, number, now))
    return report


def _assign_entry(
    session: Session,
    entry: OwnerAssignment,
    by_email: dict[str, Person],
    number: int,
    now: datetime,
) -> str:
    person = by_email.get(entry.person.lower())
    if person is None:
        raise BadFile("unlisted_person", number=number, person=entry.person)
    try:
        done = assign(
            session,
            target=entry.target,
            person=person,
            institution=entry.institution,
            role=entry.role,
            now=now,
        )
    except HlmError as exc:
        raise BadFile("assignment_refused", number=number, target=entry.target, cause=exc) from exc
    return done.summary(person.name, entry.institution or person.institution, entry.role)
