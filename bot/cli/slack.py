"""The `hlm` subcommands that talk to Slack: run, serve, checkin send, console, demo."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from bot.bootstrap import Deps, build

Subparsers = Any


def add_all(sub: Subparsers) -> None:
    """Register the Slack-facing subcommands."""
    sub.add_parser("run", help="connect to Slack in Socket Mode (local use)").set_defaults(
        handler=cmd_run
    )
    serve = sub.add_parser("serve", help="serve Slack's requests over HTTP on /slack/events")
    serve.add_argument("--port", type=int, default=3000)
    serve.add_argument("--host", default="0.0.0.0")  # noqa: S104 (a web process listens on all interfaces)
    serve.add_argument("--workers", type=int, default=2, help="processes (about one per core)")
    serve.add_argument("--threads", type=int, default=4, help="threads per process")
    serve.set_defaults(handler=cmd_serve)
    checkin = sub.add_parser("checkin", help="send check-ins now")
    actions = checkin.add_subparsers(dest="action", metavar="ACTION", required=True)
    send = actions.add_parser("send", help="send this cycle's check-in to owners")
    who = send.add_mutually_exclusive_group(required=True)
    who.add_argument("--owner", action="append", help="Slack id, email or name (repeatable)")
    who.add_argument("--all", action="store_true", help="every owner with open commitments")
    send.set_defaults(handler=cmd_checkin_send)
    scheduler = sub.add_parser("scheduler", help="run check-ins, reminders and digests on schedule")
    scheduler.add_argument("--once", action="store_true", help="run one tick and exit")
    scheduler.set_defaults(handler=cmd_scheduler)
    sub.add_parser(
        "demo", help="offline: a scripted session through a stand-in for Slack, on SQLite"
    ).set_defaults(handler=cmd_demo)
    sub.add_parser(
        "console", help="offline: type /hlm commands and answer check-ins in the terminal"
    ).set_defaults(handler=cmd_console)


def _logging(deps: Deps) -> None:
    logging.getLogger().setLevel(deps.settings.log_level)


def cmd_run(args: argparse.Namespace, deps: Deps) -> int:
    """Run the bot over Socket Mode until interrupted."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.app import create_app

    deps.settings.require("slack_app_token")
    app = create_app(deps)
    _logging(deps)
    app_token = deps.settings.slack_app_token
    assert app_token is not None  # noqa: S101 (checked by require above)
    SocketModeHandler(app, app_token.get_secret_value()).start()  # type: ignore[no-untyped-call]
    return 0


def cmd_serve(args: argparse.Namespace, deps: Deps) -> int:
    """Serve the bot over HTTP until interrupted (several processes, each with a few threads)."""
    from bot.app import create_app
    from bot.http import make_wsgi_app, serve

    deps.settings.slack_credentials()  # fail now, with a clear message, not in every worker
    deps.close()  # each worker opens its own connections after the fork

    def build_worker() -> Any:
        worker = build(deps.settings)
        return make_wsgi_app(create_app(worker), worker.sessions)

    _logging(deps)
    print(f"Serving Slack requests on http://{args.host}:{args.port}/slack/events", flush=True)
    serve(build_worker, host=args.host, port=args.port, workers=args.workers, threads=args.threads)
    return 0


def cmd_checkin_send(args: argparse.Namespace, deps: Deps) -> int:
    """Send this cycle's check-ins now, with a progress bar."""
    from workflows.delivery.outbox import send_checkins

    report = send_checkins(
        deps.sessions,
        deps.slack,
        now=deps.now(),
        owners=args.owner,
        cycle_days=deps.settings.hlm_cycle_days,
        progress=_progress_bar,
    )
    print(report.summary())
    return 0


def _progress_bar(done: int, total: int) -> None:
    if not sys.stderr.isatty():
        return
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def cmd_scheduler(args: argparse.Namespace, deps: Deps) -> int:
    """Run the scheduler until stopped (or one tick with --once)."""
    from bot.scheduler import run_forever

    _logging(deps)
    run_forever(
        deps.scheduler(),
        clock=deps.clock,
        tick_seconds=deps.settings.hlm_tick_seconds,
        max_ticks=1 if args.once else None,
    )
    return 0


DEMO_DATABASE = Path("var/demo.sqlite3")


def cmd_demo(args: argparse.Namespace, deps: Deps) -> int:
    """Run the offline demonstration on a database of its own, made afresh each time."""
    from bot.console.session import run_demo

    deps.close()
    for suffix in ("", "-wal", "-shm"):
        DEMO_DATABASE.with_name(DEMO_DATABASE.name + suffix).unlink(missing_ok=True)
    settings = deps.settings.model_copy(update={"database_url": f"sqlite:///{DEMO_DATABASE}"})
    demo = build(settings, clock=deps.clock)
    print(f"Demo database: {DEMO_DATABASE} (made afresh at each run; `hlm console` uses your own).")
    try:
        return run_demo(demo)
    finally:
        demo.close()


def cmd_console(args: argparse.Namespace, deps: Deps) -> int:
    """Run the interactive offline console."""
    from bot.console.session import run_console

    return run_console(deps)
