"""Fault drills that take longer than a test: kill the scheduler 20 times mid fan-out, run two
schedulers and two web processes on one PostgreSQL, take the database away for 10 seconds, and
throw 10,000 hostile texts and forged signatures at the app. Prints what was injected and what
was lost or duplicated (both must be 0).

Run: .venv/bin/python bench/drills.py [--kills 20] [--owners 200] [--hostile 10000]
"""

from __future__ import annotations

import argparse
import json
import random
import signal
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from common import ROOT, free_port, start, wait_http
from fanout import deploy
from sqlalchemy import func, select

from bot.views import ids
from fake_slack import FakeSlack, SlackRequests, http_post
from tests import pg
from workflows.store.db import make_engine
from workflows.store.models import Outbox, Update
from workflows.types import OutboxKind, OutboxState

SECRET = "drill-signing-secret"
HLM = str(ROOT / ".venv" / "bin" / "hlm")
SPECIAL = ("<!channel>", "<!here>", "<!everyone>", "<https://evil.example|")


@dataclass
class Tally:
    """What the drills did and found."""

    rows: list[tuple[str, int, int, int]] = field(default_factory=list)

    def add(self, drill: str, faults: int, lost: int, duplicated: int) -> None:
        self.rows.append((drill, faults, lost, duplicated))
        print(f"{drill:<48} {faults:>7} {lost:>5} {duplicated:>11}", flush=True)


def env(url: str, fake: FakeSlack, **extra: str) -> dict[str, str]:
    return {
        "DATABASE_URL": url, "SLACK_BOT_TOKEN": "xoxb-drill", "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.base_url, "HLM_TICK_SECONDS": "0.3", "HLM_LEASE_SECONDS": "2",
        "HLM_DIGEST_CHANNEL": "C0DIGEST", "LOG_LEVEL": "ERROR", **extra,
    }  # fmt: skip


def count(url: str, query: object) -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        value = connection.scalar(query)  # type: ignore[call-overload]
    engine.dispose()
    return int(value or 0)


def sent_checkins(url: str) -> int:
    return count(
        url,
        select(func.count())
        .select_from(Outbox)
        .where(Outbox.kind == OutboxKind.CHECKIN, Outbox.state == OutboxState.SENT),
    )


def prompts_per_owner(fake: FakeSlack) -> Counter[str]:
    return Counter(
        m["channel"] for m in fake.messages()
        if "thread_ts" not in m and str((m.get("metadata") or {}).get("event_payload", {}).get("key", "")).startswith("checkin:")
    )  # fmt: skip


def wait(condition: object, timeout: float = 300) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def kill_drill(admin: str, tally: Tally, *, owners: int, kills: int) -> None:
    """SIGKILL the scheduler at random points of a fan-out, restarting it each time."""
    url, fake, rng = pg.create_database(admin, "drill_kill"), FakeSlack().start(), random.Random(8)
    deploy(url, fake, owners)
    fake.slow_down("chat.postMessage", 0.02)
    done = 0
    while done < kills and sent_checkins(url) < owners:
        process = start([HLM, "scheduler"], env(url, fake))
        time.sleep(rng.uniform(0.8, 2.5))
        process.send_signal(signal.SIGKILL)
        process.wait()
        done += 1
    final = start([HLM, "scheduler"], env(url, fake))
    wait(lambda: sent_checkins(url) == owners)
    final.terminate()
    final.wait()
    per_owner = prompts_per_owner(fake)
    tally.add(
        f"SIGKILL the scheduler, {owners} owners",
        done,
        owners - len(per_owner),
        sum(n > 1 for n in per_owner.values()),
    )
    fake.stop()


def crowd_drill(admin: str, tally: Tally, *, owners: int) -> None:
    """Two schedulers and two web processes: every prompt once, every click recorded once."""
    url, fake = pg.create_database(admin, "drill_crowd"), FakeSlack().start()
    deploy(url, fake, owners)
    ports = [free_port(), free_port()]
    webs = [
        start([HLM, "serve", "--host", "127.0.0.1", "--port", str(p)], env(url, fake))
        for p in ports
    ]
    for port in ports:
        wait_http(f"http://127.0.0.1:{port}/healthz")
    schedulers = [start([HLM, "scheduler"], env(url, fake)) for _ in range(2)]
    wait(lambda: sent_checkins(url) == owners)
    requests = SlackRequests(SECRET)
    clicks = 0
    for message in [
        m for m in fake.messages() if "thread_ts" not in m and m["channel"].startswith("D")
    ]:
        button = next(
            e
            for b in message["blocks"]
            if b["type"] == "actions"
            for e in b["elements"]
            if e["action_id"] == f"{ids.STATUS_ACTION}:on_track"
        )
        built = requests.block_action(
            message["channel"][1:],
            button["action_id"],
            value=button["value"],
            channel_id=message["channel"],
            message={"ts": message["ts"], "blocks": message["blocks"]},
        )
        threads = [
            threading.Thread(target=http_post, args=(f"http://127.0.0.1:{p}/slack/events", built))
            for p in ports
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        clicks += 2
    time.sleep(2)
    for process in [*webs, *schedulers]:
        process.terminate()
        process.wait()
    per_owner = prompts_per_owner(fake)
    updates = count(url, select(func.count()).select_from(Update))
    print(
        f"  prompts: {len(per_owner)} owners, {sum(per_owner.values())} prompts; updates: {updates}"
    )
    lost = (owners - len(per_owner)) + max(0, owners - updates)
    tally.add(
        f"2 schedulers + 2 web processes, {clicks} clicks",
        clicks // 2,
        lost,
        sum(n > 1 for n in per_owner.values()) + max(0, updates - owners),
    )
    fake.stop()


def outage_drill(server: pg.Server, tally: Tally) -> None:
    """Take PostgreSQL away for 10 s under the running app; updates after it returns are kept."""
    from common import prepare

    url, fake = pg.create_database(server.url, "drill_outage"), FakeSlack().start()
    prepare(url, updates_per_part=1)
    port = free_port()
    web = start([HLM, "serve", "--host", "127.0.0.1", "--port", str(port)], env(url, fake))
    wait_http(f"http://127.0.0.1:{port}/healthz")
    requests, endpoint = SlackRequests(SECRET), f"http://127.0.0.1:{port}/slack/events"
    server.stop()
    during = [
        http_post(
            endpoint,
            requests.slash_command("U0ECFRANS", "update gender-7 on-track during the outage"),
        )
        for _ in range(5)
    ]
    time.sleep(10)
    server.start()
    before = count(url, select(func.count()).select_from(Update))
    after = [
        http_post(
            endpoint, requests.slash_command("U0ECFRANS", f"update gender-7 on-track after {n}")
        )
        for n in range(10)
    ]
    recorded = count(url, select(func.count()).select_from(Update)) - before
    web.terminate()
    web.wait()
    clear = all(status == 200 and "try again" in body for status, body in during)
    answered = all(status == 200 and "Recorded" in body for status, body in after)
    lost = (10 - recorded) + (0 if clear and answered else 1)
    tally.add("PostgreSQL away for 10 s, 5 + 10 commands", 1, lost, max(0, recorded - 10))
    fake.stop()


def hostile_drill(tally: Tally, *, examples: int) -> None:
    """Random and hostile /hlm texts and payloads through the real app (in process)."""
    import tempfile
    from pathlib import Path

    from common import prepare
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from pydantic import SecretStr
    from slack_bolt import BoltRequest

    from bot.app import create_app
    from bot.bootstrap import build
    from bot.settings import Settings
    from bot.views.blocks import problems

    fake = FakeSlack().start()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'drill.sqlite3'}"
        prepare(url, updates_per_part=1)
        settings_ = Settings(
            slack_bot_token=SecretStr("xoxb-drill"),
            slack_signing_secret=SecretStr(SECRET),
            slack_api_url=fake.base_url,
            database_url=url,
            _env_file=None,
        )  # type: ignore[call-arg]
        app = create_app(build(settings_), process_before_response=True)
        requests, bad = SlackRequests(SECRET), []
        words = st.one_of(
            st.sampled_from(
                [
                    "<!channel>",
                    "<!here>",
                    "<@U0ILOCOORD>",
                    "<https://evil.example|x>",
                    "status",
                    "update",
                    "gender-7",
                    "on track",
                    "assign",
                    "&",
                    "\n",
                ]
            ),
            st.text(max_size=20),
        )

        @settings(max_examples=examples, deadline=None, database=None)
        @given(
            text=st.lists(words, max_size=10).map(" ".join),
            who=st.sampled_from(["U0ILOCOORD", "U0ECFRANS", "U0NOBODY"]),
        )
        def run(text: str, who: str) -> None:
            # Slow commands answer at the response_url after the acknowledgement: the stand-in
            # records those replies, checked below with the rest.
            response_url = fake.response_url("hostile")
            body, headers = requests.slash_command(who, text, response_url=response_url)
            response = app.dispatch(BoltRequest(body=body, headers=dict(headers)))  # type: ignore[arg-type]
            reply = response.body or "{}"
            if response.status >= 500 or unfit(reply):
                bad.append(text)

        def unfit(reply: str) -> bool:
            blocks = json.loads(reply).get("blocks", []) if reply.startswith("{") else []
            return bool(
                "Traceback" in reply or any(s in reply for s in SPECIAL) or problems(blocks)
            )

        run()
        later = [json.dumps(c.params) for c in fake.calls("response_url")]
        bad += [reply for reply in later if unfit(reply)]
        forged = SlackRequests(SECRET, forge=True)
        replayed = SlackRequests(SECRET, age=600)
        refusals = [
            app.dispatch(BoltRequest(body=b, headers=dict(h))).status
            for r in (forged, replayed)
            for b, h in (r.slash_command("U0ILOCOORD", f"status {n}") for n in range(200))
        ]  # type: ignore[arg-type]
    tally.add(
        f"{examples} hostile texts, 400 forged or replayed",
        examples + 400,
        len(bad) + sum(s != 401 for s in refusals),
        0,
    )
    print(f"  replies checked: {examples} acknowledgements, {len(later)} at the response_url")
    fake.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--owners", type=int, default=200)
    parser.add_argument("--hostile", type=int, default=10_000)
    args = parser.parse_args()
    tally = Tally()
    print(f"{'drill':<48} {'faults':>7} {'lost':>5} {'duplicated':>11}")
    hostile_drill(tally, examples=args.hostile)
    if pg.find_bindir() is None:
        print("PostgreSQL binaries not found: the process drills need them")
    else:
        with pg.controlled_server() as server:
            kill_drill(server.url, tally, owners=args.owners, kills=args.kills)
            crowd_drill(server.url, tally, owners=min(args.owners, 100))
            outage_drill(server, tally)
    lost = sum(r[2] for r in tally.rows)
    duplicated = sum(r[3] for r in tally.rows)
    print(
        f"\n{len(tally.rows)} drills, {sum(r[1] for r in tally.rows)} faults injected, {lost} lost, {duplicated} duplicated"
    )
    return 0 if lost == duplicated == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
