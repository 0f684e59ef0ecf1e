"""The long-running scheduler: every tick, plan what is due and deliver it, until stopped.

Several schedulers may run against one database; the outbox's unique keys and claims make
each message go out once. SIGTERM (a platform restart) stops it between two sends.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from datetime import datetime
from types import FrameType

from sqlalchemy.exc import DBAPIError

from workflows.delivery.tick import Scheduler

log = logging.getLogger("hlm.scheduler")


def run_forever(
    scheduler: Scheduler,
    *,
    clock: Callable[[], datetime],
    tick_seconds: float,
    stop: threading.Event | None = None,
    max_ticks: int | None = None,
) -> int:
    """Tick until stopped (or for max_ticks); a failing tick is logged and tried again."""
    stop = stop or _stop_on_signals()
    ticks = 0
    while not stop.is_set() and (max_ticks is None or ticks < max_ticks):
        ticks += 1
        try:
            report = scheduler.tick(now=clock(), progress=_log_progress)
            log.info("tick %s: %s", ticks, report.summary())
        except DBAPIError as exc:  # the database went away: wait and try again
            log.warning(
                "tick %s skipped, database unavailable: %s", ticks, str(exc).splitlines()[0]
            )
        stop.wait(tick_seconds)
    return ticks


def _log_progress(done: int, total: int) -> None:
    if done == total or done % 50 == 0:
        log.info("sent %s/%s", done, total)


def _stop_on_signals() -> threading.Event:
    stop = threading.Event()

    def handle(signum: int, frame: FrameType | None) -> None:
        log.info("signal %s: stopping after the current send", signum)
        stop.set()

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, handle)
    return stop
