"""Who someone is, from what they typed or what Slack says."""

from __future__ import annotations

import pytest

from workflows.people.directory import institution_of_email
from workflows.types import Institution


@pytest.mark.parametrize(
    ("email", "institution"),
    [
        ("a.moreau@ilo.org", Institution.ILO),
        ("B.Janssens@EC.Europa.EU", Institution.COMMISSION),
        ("ines@eeas.europa.eu", Institution.EEAS),
        ("someone@europa.eu", None),  # another EU body: not one of the three
        ("someone@ilo.org.example", None),
        ("no-at-sign", None),
        (None, None),
    ],
)
def test_the_institution_is_read_from_the_email_domain_alone(
    email: str | None, institution: Institution | None
) -> None:
    assert institution_of_email(email) is institution
