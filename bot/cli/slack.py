"""The `hlm` commands that talk to Slack: run, serve, checkin send, scheduler, demo, console."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click
from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.app import create_app
from bot.bootstrap import Deps, build
from bot.cli.base import with_deps
from bot.http import WSGIApp, make_wsgi_app, serve
from bot.scheduler import run_forever
from workflows.delivery.outbox import send_checkins

DEMO_DATABASE = Path("var/demo.sqlite3")
CONSOLE_DATABASE = Path("var/console.sqlite3")
CONSOLE_ANNOUNCED = "The console is a sandbox on {url}: nothing reaches Slack or the deployment."
DEMO_ANNOUNCED = "Demo database: {path} (made afresh at each run)."
SERVING = "Serving Slack requests on http://{host}:{port}/slack/events"


def _logging(deps: Deps) -> None:
    logging.getLogger().setLevel(deps.settings.log_level)


@click.command("run")
@with_deps
def run(deps: Deps) -> None:
    """Connect to Slack in Socket Mode (local use) until interrupted."""
    deps.settings.require("slack_app_token")
    app = create_app(deps)
    _logging(deps)
    app_token = deps.settings.slack_app_token
    assert app_token is not None  # noqa: S101 (checked by require above)
    SocketModeHandler(app, app_token.get_secret_value()).start()  # type: ignore[no-untyped-call]


@click.command("serve")
@click.option("--port", type=int, default=3000, show_default=True)
@click.option("--host", default="0.0.0.0", show_default=True)  # noqa: S104 (a web process listens on all interfaces)
@click.option(
    "--workers", type=int, default=2, show_default=True, help="processes (about one per core)"
)
@click.option("--threads", type=int, default=4, show_default=True, help="threads per process")
@with_deps
def serve_http(deps: Deps, port: int, host: str, workers: int, threads: int) -> None:
    """Serve Slack's requests over HTTP on /slack/events (several processes, a few threads each)."""
    deps.settings.check_serving()  # fail now, with a clear message, not in every worker
    deps.close()  # each worker opens its own connections after the fork
    settings = deps.settings

    def build_worker() -> WSGIApp:
        worker = build(settings)
        return make_wsgi_app(create_app(worker), worker)

    _logging(deps)
    print(SERVING.format(host=host, port=port), flush=True)
    serve(build_worker, host=host, port=port, workers=workers, threads=threads)


@click.group("checkin")
def checkin() -> None:
    """Send check-ins now."""


@checkin.command("send")
@click.option("--owner", "owners", multiple=True, help="Slack id, email or name (repeatable)")
@click.option("--all", "everyone", is_flag=True, help="every owner with open commitments")
@with_deps
def checkin_send(deps: Deps, owners: tuple[str, ...], everyone: bool) -> None:
    """Send this cycle's check-in to owners, with a progress bar."""
    if bool(owners) == everyone:
        raise click.UsageError("Name owners with --owner, or send to everyone with --all.")
    report = send_checkins(
        deps.sessions,
        deps.slack,
        now=deps.now(),
        owners=list(owners) or None,
        cycle_days=deps.settings.hlm_cycle_days,
        progress=_progress_bar,
    )
    print(report.summary())


def _progress_bar(done: int, total: int) -> None:
    if not sys.stderr.isatty():
        return
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


@click.command("scheduler")
@click.option("--once", is_flag=True, help="run one tick and exit")
@with_deps
def scheduler(deps: Deps, once: bool) -> None:
    """Run check-ins, reminders and digests on schedule, until stopped."""
    _logging(deps)
    run_forever(
        deps.scheduler(),
        clock=deps.clock,
        tick_seconds=deps.settings.hlm_tick_seconds,
        max_ticks=1 if once else None,
    )


@click.command("demo")
@with_deps
def demo(deps: Deps) -> int:
    """Offline: a scripted session through a stand-in for Slack, on a SQLite database of its own."""
    deps.close()
    for suffix in ("", "-wal", "-shm"):
        DEMO_DATABASE.with_name(DEMO_DATABASE.name + suffix).unlink(missing_ok=True)
    settings = deps.settings.model_copy(update={"database_url": f"sqlite:///{DEMO_DATABASE}"})
    offline = build(settings, clock=deps.clock)
    print(DEMO_ANNOUNCED.format(path=DEMO_DATABASE))
    # Deferred, here and in `console`: only the offline commands load the stand-in for Slack;
    # `hlm serve`, `hlm run` and `hlm scheduler` never do.
    from bot.console.session import run_demo

    try:
        return run_demo(offline)
    finally:
        offline.close()


@click.command("console")
@click.option(
    "--database",
    help=f"a database URL for the sandbox (default: sqlite:///{CONSOLE_DATABASE}, never the "
    "deployment's unless given here)",
)
@with_deps
def console(deps: Deps, database: str | None) -> int:
    """Offline sandbox: type /hlm commands, answer check-ins, move the clock (`clock +3d`)."""
    from bot.console.clock import SandboxClock  # deferred: see `demo`
    from bot.console.session import run_console

    deps.close()
    url = database or f"sqlite:///{CONSOLE_DATABASE}"
    settings = deps.settings.model_copy(update={"database_url": url})
    sandbox = build(settings, clock=SandboxClock(deps.clock))
    print(CONSOLE_ANNOUNCED.format(url=url))
    try:
        return run_console(sandbox)
    finally:
        sandbox.close()
