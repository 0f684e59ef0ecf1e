"""What every `hlm` command shares: its dependencies, and one line for what went wrong.

A command decorated with `with_deps` receives the `Deps` that `bot.bootstrap.build` wires from
the settings, after its arguments are read (so `--help` needs no settings). A domain error, a
missing setting or an unusable database becomes `Failure`: one line on standard error and exit
status 2. Each command writes in one transaction, so a failure leaves nothing half-written.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Concatenate, ParamSpec

import click
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from bot.bootstrap import Deps, build
from bot.settings import Settings, SettingsError, get_settings
from bot.wording import say
from workflows.errors import HlmError

EXIT_USAGE = 2
NOT_SET_UP = "The database is not set up yet: run `hlm db upgrade`, then `hlm seed`."
BEHIND = "The database's schema is older than this version of the bot: run `hlm db upgrade`."
CANNOT_USE = "Cannot use the database at {url}: {problem}"

P = ParamSpec("P")


class Failure(click.ClickException):
    """A command could not do its work: said in one line, exit status 2."""

    exit_code = EXIT_USAGE

    def show(self, file: object = None) -> None:
        """Print `hlm: <what went wrong>` on standard error."""
        print(f"hlm: {self.message}", file=sys.stderr)


def with_deps(command: Callable[Concatenate[Deps, P], int | None]) -> Callable[P, int]:
    """Run a command with this process's dependencies; turn what can go wrong into `Failure`."""

    @functools.wraps(command)
    def run(*args: P.args, **kwargs: P.kwargs) -> int:
        try:
            deps = build(get_settings())
        except SettingsError as exc:
            raise Failure(str(exc)) from None
        try:
            return command(deps, *args, **kwargs) or 0
        except HlmError as exc:
            raise Failure(say(exc)) from None
        except SettingsError as exc:
            raise Failure(str(exc)) from None
        except DBAPIError as exc:  # any refusal by the database, a NUL byte included
            raise Failure(database_problem(exc, deps.settings)) from None
        finally:
            deps.close()

    return run


def database_problem(exc: Exception, settings: Settings) -> str:
    """Say in one line why the database cannot be used, and what to run when it is empty."""
    text = str(exc).lower()
    if "no such table" in text or ("does not exist" in text and "relation" in text):
        return NOT_SET_UP
    if "no such column" in text or ("does not exist" in text and "column" in text):
        return BEHIND
    url = make_url(settings.database_url).render_as_string(hide_password=True)
    return CANNOT_USE.format(url=url, problem=str(exc).splitlines()[0])


def write_output(path: Path, content: str | bytes, *, newline: str | None = None) -> None:
    """Write a command's output to a file; a folder that is not there is a refusal, not a crash."""
    try:
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline=newline)
    except OSError as exc:
        raise Failure(f"Cannot write {path}: {exc.strerror or exc}.") from None
