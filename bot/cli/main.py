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
from pathlib import Path

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from bot.bootstrap import Deps, build
from bot.payloads import storable
from bot.settings import Settings, SettingsError, get_settings
from workflows.errors import HlmError
from workflows.store import migrate

EXIT_USAGE = 2

Handler = Callable[[argparse.Namespace, Deps], int]


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
    # Bytes the locale cannot decode reach argv as lone surrogates (PEP 383), which neither the
    # database nor a UTF-8 terminal accepts: each becomes U+FFFD (`storable`).
    args = parser.parse_args(storable(sys.argv[1:] if argv is None else list(argv)))
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        deps = build(get_settings())
    except SettingsError as exc:
        return _fail(str(exc))
    try:
        handler: Handler = args.handler
        return handler(args, deps)
    except HlmError as exc:
        return _fail(exc.message)
    except SettingsError as exc:
        return _fail(str(exc))
    except DBAPIError as exc:  # unreachable, not set up, or refusing a value (a NUL in text)
        return _fail(_database_problem(exc, deps.settings))
    finally:
        deps.close()


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


def in_transaction(deps: Deps) -> AbstractContextManager[Session]:
    """Open the one transaction a command runs in."""
    return deps.unit_of_work()


def run_migrations(deps: Deps) -> str:
    """Bring the schema to the newest revision and say where it is."""
    with deps.engine.begin() as connection:
        migrate.upgrade(migrate.alembic_config(connection=connection))
        return migrate.current_revision(connection) or "base"


def seed_paths(files: Sequence[Path]) -> list[Path]:
    """Return the seed files named, or the ones shipped with the product."""
    from seed.sync import default_seed_files

    return list(files) or default_seed_files()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
