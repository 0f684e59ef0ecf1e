"""Slack's markup in what people type, read at the edge so the domain sees plain values.

A mention arrives as `<@U123|ann>` (with "escape channels, users and links" on the command) and
a pasted link as `<https://…>` or `<https://…|label>`; the domain is handed `U123` and
`https://…`.
"""

from __future__ import annotations

import re

_MENTION = re.compile(r"^<@(?P<id>[UW][A-Z0-9]+)(\|[^>]*)?>$")
_SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_AUTOLINK = re.compile(r"^<(?P<url>[^|<>]+)(\|[^<>]*)?>$")


def slack_id_of(ref: str) -> str | None:
    """Return the Slack user id in a mention (`<@U123|ann>`) or a bare id, else None."""
    ref = ref.strip()
    mention = _MENTION.match(ref)
    if mention:
        return mention["id"]
    return ref if _SLACK_ID.match(ref) else None


def plain_person(ref: str) -> str:
    """Return a reference to a person with a mention replaced by its Slack id."""
    return slack_id_of(ref) or ref.strip()


def plain_link(text: str) -> str:
    """Return a link without the brackets (and label) Slack puts around it."""
    text = text.strip()
    link = _AUTOLINK.match(text)
    return link["url"].strip() if link else text
