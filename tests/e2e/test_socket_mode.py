"""`hlm run`, the real process, connected in Socket Mode to the stand-in for Slack.

The process asks `apps.connections.open` for a WebSocket URL, connects to the stand-in
(`fake_slack/socket_mode.py`), and must acknowledge each envelope it is played (a slash command,
a button click, a DM reply) and record the same results as over HTTP.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import select

from bot.views import ids
from fake_slack.socket_mode import SocketModeStandIn
from tests.e2e.conftest import CHIDI, COORDINATOR, SECRET, Harness
from tests.e2e.test_checkins import dm, send_all
from workflows.store.db import session_scope
from workflows.store.models import Update
from workflows.types import Status, UpdateSource

HLM = str(Path(sys.executable).with_name("hlm"))
T = TypeVar("T")


@pytest.fixture
def socket_mode(harness: Harness, tmp_path: Path) -> Iterator[SocketModeStandIn]:
    """Start the stand-in's WebSocket side and a real `hlm run` process connected to it."""
    stand_in = SocketModeStandIn().start()
    harness.fake.socket_mode_url = stand_in.url
    settings = harness.deps.settings
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "HLM_"))} | {
        "DATABASE_URL": settings.database_url, "SLACK_BOT_TOKEN": "xoxb-socket",
        "SLACK_APP_TOKEN": "xapp-1-socket", "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": harness.fake.base_url, "HLM_COORDINATORS": COORDINATOR,
        "HLM_DIGEST_CHANNEL": "C0DIGEST", "LOG_LEVEL": "WARNING",
    }  # fmt: skip
    log = tmp_path / "hlm-run.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [HLM, "run"], env=env, cwd=tmp_path, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        try:
            stand_in.wait_connected(timeout=60)
        except TimeoutError:
            process.kill()
            pytest.fail(f"hlm run did not connect:\n{log.read_text(errors='replace')}")
        yield stand_in
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        stand_in.stop()


def eventually(probe: Callable[[], T | None], timeout: float = 10.0) -> T:
    """Return the probe's first truthy answer, polling until the timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.05)
    raise TimeoutError("nothing came")


def updates(harness: Harness) -> list[Update]:
    with session_scope(harness.sessions) as session:
        return list(session.scalars(select(Update).order_by(Update.id)))


def test_hlm_run_connects_through_apps_connections_open_with_the_app_token(
    harness: Harness, socket_mode: SocketModeStandIn
) -> None:
    [call] = harness.fake.calls("apps.connections.open")
    assert call.headers["authorization"] == "Bearer xapp-1-socket"
    assert socket_mode.connections == 1


def test_a_slash_command_is_answered_in_its_acknowledgement(
    harness: Harness, socket_mode: SocketModeStandIn
) -> None:
    ack = socket_mode.play_built(harness.requests.slash_command(COORDINATOR, "status gender"))
    shown = json.dumps(ack)
    assert "gender equality" in shown.lower()
    assert "Traceback" not in shown


def test_a_button_click_is_acknowledged_and_recorded_as_over_http(
    harness: Harness, socket_mode: SocketModeStandIn
) -> None:
    send_all(harness)
    message = dm(harness, CHIDI)
    [button] = [
        e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
        if e["action_id"] == ids.CONFIRM_ACTION
    ]  # fmt: skip
    click = harness.requests.block_action(
        CHIDI, ids.CONFIRM_ACTION, value=button["value"], channel_id=message["channel"],
        message={"ts": message["ts"], "blocks": message["blocks"]},
    )  # fmt: skip
    socket_mode.play_built(click)
    recorded = eventually(lambda: updates(harness))
    assert {u.source for u in recorded} == {UpdateSource.CONFIRMED}
    harness.fake.wait_for("chat.update")  # the check-in says so in place


def test_a_dm_reply_is_acknowledged_and_recorded_once_even_when_slack_retries_it(
    harness: Harness, socket_mode: SocketModeStandIn
) -> None:
    send_all(harness)
    reply = harness.requests.dm_message(CHIDI, "gender-6 at risk: the tender is delayed")
    built = harness.requests.event(reply, event_id="Ev0SOCKET1")
    socket_mode.play_built(built)
    socket_mode.play_built(built, retry_attempt=1)
    [update] = eventually(lambda: updates(harness))
    assert update.status is Status.AT_RISK
    assert "tender is delayed" in update.text
    time.sleep(0.5)  # a doubled retry would have landed by now
    assert len(updates(harness)) == 1


def test_a_malformed_envelope_is_acknowledged_and_changes_nothing(
    harness: Harness, socket_mode: SocketModeStandIn
) -> None:
    ack = socket_mode.play("interactive", {"type": "block_actions", "actions": "nonsense"})
    assert "Traceback" not in json.dumps(ack)
    assert updates(harness) == []
