"""The `hlm` command line: set up the database, load the conclusions and owners, look, export.

Every command runs in one transaction: an error leaves the database as it was, prints one line
and exits with status 2.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from pathlib import Path

from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import Session

from bot.settings import Settings, SettingsError, get_settings
from bot.wording import say
from workflows.errors import HlmError
from workflows.store import migrate
from workflows.store.db import make_engine, make_session_factory, session_scope, utc_now

EXIT_USAGE = 2

Handler = Callable[[argparse.Namespace, "Context"], int]


class Context:
    """What a command needs: the settings, a database and the time it runs at."""

    def __init__(self, settings: Settings, now: datetime | None = None) -> None:
        self.settings = settings
        self.now = now or utc_now()
        settings.ensure_sqlite_dir()
        self.engine = make_engine(settings.database_url)
        self.sessions = make_session_factory(self.engine)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()


def build_parser() -> argparse.ArgumentParser:
    """Build the parser of every `hlm` subcommand."""
    from bot.cli import commands as cli_commands

    parser = argparse.ArgumentParser(
        prog="hlm", description="Follow up the HLM conclusions: database, owners, status, Slack."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    cli_commands.add_all(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one `hlm` command and return its exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        context = Context(get_settings())
    except SettingsError as exc:
        return _fail(str(exc))
    try:
        handler: Handler = args.handler
        return handler(args, context)
    except HlmError as exc:
        return _fail(say(exc))
    except SettingsError as exc:
        return _fail(str(exc))
    except (OperationalError, ProgrammingError) as exc:
        return _fail(_database_problem(exc, context.settings))
    finally:
        context.close()


def _database_problem(exc: Exception, settings: Settings) -> str:
    text = str(exc).lower()
    if "no such table" in text or ("does not exist" in text and "relation" in text):
        return "The database is not set up yet: run `hlm db upgrade`, then `hlm seed`."
    return (
        f"Cannot use the database at {_safe_url(settings.database_url)}: {str(exc).splitlines()[0]}"
    )


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _fail(message: str) -> int:
    print(f"hlm: {message}", file=sys.stderr)
    return EXIT_USAGE


def in_transaction(context: Context) -> AbstractContextManager[Session]:
    """Open the one transaction a command runs in."""
    return session_scope(context.sessions)


def run_migrations(context: Context) -> str:
    """Bring the schema to the newest revision and say where it is."""
    with context.engine.begin() as connection:
        migrate.upgrade(migrate.alembic_config(connection=connection))
        return migrate.current_revision(connection) or "base"


def seed_paths(files: Sequence[Path]) -> list[Path]:
    """Return the seed files named, or the ones shipped with the product."""
    from seed.sync import default_seed_files

    return list(files) or default_seed_files()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
