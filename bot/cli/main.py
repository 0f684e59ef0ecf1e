"""The `hlm` command line: set up the database, load the conclusions and owners, look, export,
and run the bot.

    hlm ─┬─ database.py     db upgrade|downgrade|check, people import, export, cadence
         ├─ seed.py         seed [load] FILE…, seed draft FILE, seed check FILE
         ├─ conclusions.py  conclusions list|current|close|reopen|carry (several meetings)
         ├─ owners.py       assign, unassign, status, people hours
         │                  (the rules of `/hlm assign`, `/hlm unassign`, `/hlm hours`)
         ├─ search.py       search
         ├─ meetings.py     meeting add|list|remove|ics, digest preview|chart
         ├─ reports.py      report review (the implementation review, Word or Markdown)
         └─ slack.py        run, serve, checkin send, scheduler, demo, console
    (base.py: what every command shares, `with_deps` and `write_output`)

Every command runs in one transaction: an error leaves the database as it was, prints one line
and exits with status 2 (`bot.cli.base`).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

import click

from bot.cli import conclusions, database, meetings, owners, reports, search, seed, slack
from bot.payloads import storable


@click.group(
    "hlm",
    context_settings={"help_option_names": ["-h", "--help"]},
)
def cli() -> None:
    """Follow up the HLM conclusions: database, owners, status, Slack."""


for command in (
    database.db,
    seed.seed,
    conclusions.conclusions,
    database.people,
    owners.assign,
    owners.unassign,
    owners.status,
    database.export,
    search.search_command,
    meetings.meeting,
    meetings.digest,
    reports.report,
    database.cadence,
    slack.run,
    slack.serve_http,
    slack.checkin,
    slack.scheduler,
    slack.demo,
    slack.console,
):
    cli.add_command(command)
database.people.add_command(owners.people_hours)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one `hlm` command and return its exit status."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # Bytes the locale cannot decode arrive as lone surrogates: stored as U+FFFD, never raised.
    args = storable(list(argv) if argv is not None else sys.argv[1:])
    try:
        result = cli.main(args=args, prog_name="hlm", standalone_mode=False)
    except click.UsageError as exc:
        if exc.ctx is None:  # raised while parsing, before a command had a context to show
            click.echo(
                f"hlm: {exc.format_message()} Try `hlm {' '.join(_words(args))} --help`.", err=True
            )
        else:
            exc.show()
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort:
        return 1
    return result if isinstance(result, int) else 0


def _words(args: Sequence[str]) -> list[str]:
    """Return the command's own words (`meeting ics`): those before the first option."""
    words: list[str] = []
    for arg in args:
        if arg.startswith("-"):
            break
        words.append(arg)
    return words[:2]


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
