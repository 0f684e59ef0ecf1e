"""Fault drills that take longer than a test: kill the scheduler 20 times mid fan-out, run two
schedulers and two web processes on one PostgreSQL, take the database away for 10 seconds under
commands and again under status clicks and thread replies, let the stand-in for Slack store a
share of the scheduler's posts and answer them with a 500, and throw 10,000 hostile texts and
forged signatures at the app. Prints what was injected, what was lost or duplicated, and the
requests not acknowledged with HTTP 200 within 3 s (all must be 0).

Run: .venv/bin/python bench/drills.py [--kills 20] [--owners 200] [--hostile 10000]
     [--only hostile,kill,crowd,outage,interactions,stored]
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import signal
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from common import ROOT, free_port, start, wait_http
from fanout import deploy
from sqlalchemy import func, select

from bot.views import ids
from fake_slack import FakeSlack, SlackRequests, http_post
from tests import pg
from workflows.store.db import make_engine
from workflows.store.models import Outbox, Person, Update
from workflows.types import OutboxKind, OutboxState

SECRET = "drill-signing-secret"
HLM = str(ROOT / ".venv" / "bin" / "hlm")
SPECIAL = ("<!channel>", "<!here>", "<!everyone>", "<https://evil.example|")


@dataclass
class Tally:
    """What the drills did and found."""

    rows: list[tuple[str, int, int, int, int]] = field(default_factory=list)

    def add(
        self, drill: str, faults: int, lost: int, duplicated: int, unacknowledged: int = 0
    ) -> None:
        self.rows.append((drill, faults, lost, duplicated, unacknowledged))
        print(
            f"{drill:<48} {faults:>7} {lost:>5} {duplicated:>11} {unacknowledged:>15}", flush=True
        )


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
    clicks, acks = 0, []
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
            threading.Thread(
                target=post_noting, args=(f"http://127.0.0.1:{p}/slack/events", built, acks)
            )
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
        sum(not acked for acked in acks),
    )
    fake.stop()


def post_noting(endpoint: str, built: tuple[str, dict[str, str]], acks: list[bool]) -> None:
    """POST a signed request and note whether it was acknowledged in time."""
    acks.append(timed_post(endpoint, built)[0])


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
        timed_post(
            endpoint,
            requests.slash_command("U0ECFRANS", "update gender-7 on-track during the outage"),
        )
        for _ in range(5)
    ]
    time.sleep(10)
    server.start()
    before = count(url, select(func.count()).select_from(Update))
    after = [
        timed_post(
            endpoint, requests.slash_command("U0ECFRANS", f"update gender-7 on-track after {n}")
        )
        for n in range(10)
    ]
    recorded = count(url, select(func.count()).select_from(Update)) - before
    web.terminate()
    web.wait()
    clear = all(status == 200 and "try again" in body for _, status, body in during)
    answered = all(status == 200 and "Recorded" in body for _, status, body in after)
    lost = (10 - recorded) + (0 if clear and answered else 1)
    unacknowledged = sum(not acked for acked, _, _ in [*during, *after])
    tally.add(
        "PostgreSQL away for 10 s, 5 + 10 commands", 1, lost, max(0, recorded - 10), unacknowledged
    )
    fake.stop()


TOLD_NOTHING = "nothing was recorded"


def timed_post(endpoint: str, built: tuple[str, dict[str, str]]) -> tuple[bool, int, str]:
    """POST a signed request; return whether Slack would count it acknowledged (HTTP 200 within
    3 s), and the status and body (0 and "" when it did not answer in time)."""
    began = time.monotonic()
    try:
        status, body = http_post(endpoint, built, timeout=3)
    except OSError:
        return False, 0, ""
    return status == 200 and time.monotonic() - began < 3, status, body


def checkins_by_owner(fake: FakeSlack) -> dict[str, dict[str, Any]]:
    """Return each owner's check-in message (the parent in their DM), by Slack user ID."""
    return {
        m["channel"][1:]: m for m in fake.messages()
        if "thread_ts" not in m and _key(m).startswith("checkin:") and m["channel"].startswith("D")
    }  # fmt: skip


def _key(message: dict[str, Any]) -> str:
    """Return the outbox key a message (or a call's parameters) carries in its metadata."""
    metadata = message.get("metadata") or {}
    if isinstance(metadata, str):  # as sent in a form-encoded call
        metadata = json.loads(metadata)
    return str(metadata.get("event_payload", {}).get("key", ""))


def updates_by_owner(url: str) -> Counter[str]:
    """Return how many updates each person recorded, by Slack user ID."""
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            select(Person.slack_user_id).join(Update, Update.author_id == Person.id)
        ).all()
    engine.dispose()
    return Counter(str(r[0]) for r in rows)


def status_click(
    requests: SlackRequests, fake: FakeSlack, message: dict[str, Any], name: str
) -> tuple[str, dict[str, str]]:
    """A signed click on the "On track" button of a check-in, answered at its own response_url."""
    button = next(
        e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
        if e["action_id"] == f"{ids.STATUS_ACTION}:on_track"
    )  # fmt: skip
    return requests.block_action(
        message["channel"][1:], button["action_id"], value=button["value"],
        channel_id=message["channel"], message={"ts": message["ts"], "blocks": message["blocks"]},
        response_url=fake.response_url(name),
    )  # fmt: skip


def thread_reply(
    requests: SlackRequests, message: dict[str, Any], ts: str
) -> tuple[str, dict[str, str]]:
    """A signed thread reply under a check-in, as an Events API delivery."""
    event = requests.dm_message(
        message["channel"][1:], f"on track: reply {ts}", channel=message["channel"], ts=ts,
        thread_ts=message["ts"],
    )  # fmt: skip
    return requests.event(event)


def told_at(fake: FakeSlack, name: str) -> list[str]:
    """Return what was posted to a response_url, as JSON texts."""
    return [
        json.dumps(c.params) for c in fake.calls("response_url") if c.params.get("_name") == name
    ]


def said_in_thread(fake: FakeSlack, message: dict[str, Any]) -> list[str]:
    """Return the texts the bot posted in a check-in's thread."""
    return [
        json.dumps(m) for m in fake.messages(message["channel"])
        if m.get("thread_ts") == message["ts"] and m.get("bot_id")
    ]  # fmt: skip


def interaction_outage_drill(server: pg.Server, tally: Tally, *, owners: int = 40) -> None:
    """Take PostgreSQL away for 10 s while owners click status buttons and reply in check-in
    threads; a quarter of them click and a quarter reply during the outage, the other half
    after it. Each request must be acknowledged within 3 s; afterwards each is either recorded
    once or its author was told that nothing was recorded."""
    url, fake = pg.create_database(server.url, "drill_interactions"), FakeSlack().start()
    deploy(url, fake, owners)
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}/slack/events"
    web = start([HLM, "serve", "--host", "127.0.0.1", "--port", str(port)], env(url, fake))
    scheduler = start([HLM, "scheduler"], env(url, fake))
    wait_http(f"http://127.0.0.1:{port}/healthz")
    wait(lambda: len(checkins_by_owner(fake)) == owners)
    scheduler.terminate()
    scheduler.wait()
    requests, checkins = SlackRequests(SECRET), checkins_by_owner(fake)
    people = sorted(checkins)
    # (who, how, when): clicks and replies alternate, the first half during the outage.
    plan = [(who, "click" if n % 2 else "reply", "during" if n < owners // 2 else "after")
            for n, who in enumerate(people)]  # fmt: skip
    built = {
        who: status_click(requests, fake, checkins[who], f"click-{who}") if how == "click"
        else thread_reply(requests, checkins[who], f"18000000{n:02d}.000100")
        for n, (who, how, _) in enumerate(plan)
    }  # fmt: skip
    acked: dict[str, bool] = {}
    server.stop()
    for who, _, when in plan:
        if when == "during":
            acked[who] = timed_post(endpoint, built[who])[0]
    time.sleep(10)
    server.start()
    for who, _, when in plan:
        if when == "after":
            acked[who] = timed_post(endpoint, built[who])[0]
    time.sleep(3)  # the work that follows an acknowledgement finishes
    web.terminate()
    web.wait()
    recorded = updates_by_owner(url)
    lost = duplicated = wrong = refused_during = recorded_after = 0
    for who, how, when in plan:
        told = (
            told_at(fake, f"click-{who}") if how == "click" else said_in_thread(fake, checkins[who])
        )
        refused = any(TOLD_NOTHING in t for t in told)
        if when == "after":  # the database is there: the request must be recorded
            lost += recorded[who] == 0
            recorded_after += recorded[who] == 1
        else:  # refused is allowed, but only if the person was told
            lost += recorded[who] == 0 and not refused
            refused_during += recorded[who] == 0 and refused
        wrong += recorded[who] > 0 and refused  # recorded, yet told it was not
        duplicated += recorded[who] > 1
        if recorded[who] != (0 if refused else 1):
            print(f"  {who} {how} {when}: recorded {recorded[who]}, told {told}")
    during = sum(when == "during" for _, _, when in plan)
    print(
        f"  during the outage: {during} requests, {refused_during} refused and told,"
        f" {during - refused_during} recorded; after it: {recorded_after} of"
        f" {owners - during} recorded; told wrongly: {wrong}"
    )
    tally.add(
        f"PostgreSQL away 10 s, {owners // 2} clicks + {owners // 2} replies",
        1,
        lost + wrong,
        duplicated,
        sum(not ok for ok in acked.values()),
    )
    fake.stop()


def digest_settled(url: str) -> bool:
    """Tell whether a digest went out and nothing is left waiting in the outbox."""
    waiting = count(
        url, select(func.count()).select_from(Outbox).where(Outbox.state == OutboxState.PENDING)
    )
    digests = count(
        url,
        select(func.count())
        .select_from(Outbox)
        .where(Outbox.kind == OutboxKind.DIGEST, Outbox.state == OutboxState.SENT),
    )
    return waiting == 0 and digests > 0


def seed_losing(owners: int, rate: float) -> int:
    """Choose a seed for `random_lost_answers` that also loses the answers to the posts after
    the check-ins (the digest and its thread) and to the last check-in: a share `rate` of posts
    at random would otherwise most often miss the two or three posts of a digest."""
    for seed in itertools.count():
        draws = random.Random(seed)
        chances = [draws.random() for _ in range(owners + 3)]
        if all(c < rate for c in chances[owners - 1 :]):
            return seed
    raise AssertionError("unreachable")


def parts_per_key(fake: FakeSlack) -> Counter[tuple[str, int]]:
    """Count the messages posted with each outbox key and part (0: the parent)."""
    return Counter(
        (_key(m), int((m.get("metadata") or {}).get("event_payload", {}).get("part") or 0))
        for m in fake.messages() if _key(m)
    )  # fmt: skip


def stored_then_5xx_drill(admin: str, tally: Tally, *, owners: int, rate: float = 0.2) -> None:
    """The stand-in stores a share of the scheduler's posts and answers them with a 500: every
    owner's check-in, and the weekly digest with its thread, must be there exactly once."""
    url, fake = pg.create_database(admin, "drill_stored"), FakeSlack().start()
    deploy(url, fake, owners)
    fake.random_lost_answers("chat.postMessage", rate=rate, seed=seed_losing(owners, rate))
    scheduler = start([HLM, "scheduler"], env(url, fake))
    wait(lambda: sent_checkins(url) == owners)
    # A post answered 500 is tried again by the outbox after 1, then 2, then 4 minutes.
    settled = wait(lambda: digest_settled(url), timeout=480)
    scheduler.terminate()
    scheduler.wait()
    lost_answers = [c for c in fake.calls("chat.postMessage") if c.status >= 500]
    injected = len(lost_answers)
    hit = Counter(_key(c.params).split(":")[0] or "unkeyed" for c in lost_answers)
    posted = parts_per_key(fake)
    owners_with = set(checkins_by_owner(fake))
    twice = {key for (key, _), n in posted.items() if n > 1}
    digest = sorted(part for key, part in posted if key.startswith("digest"))
    print(
        f"  {injected} posts stored then answered 500 ({dict(hit)});"
        f" {len(fake.calls('conversations.history'))} look-ups by key;"
        f" {len(owners_with)} owners with their check-in; digest parts posted: {digest};"
        f" keys posted twice: {sorted(twice)}"
    )
    tally.add(
        f"{rate:.0%} of posts stored then 500, {owners} owners + digest",
        injected,
        owners - len(owners_with) + (not settled),
        len(twice),
    )
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
        requests, bad, slow = SlackRequests(SECRET), [], []
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
            began = time.monotonic()
            response = app.dispatch(BoltRequest(body=body, headers=dict(headers)))  # type: ignore[arg-type]
            if response.status != 200 or time.monotonic() - began >= 3:
                slow.append(text)
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
        len(slow),
    )
    print(f"  replies checked: {examples} acknowledgements, {len(later)} at the response_url")
    fake.stop()


DRILLS = ("hostile", "kill", "crowd", "outage", "interactions", "stored")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--owners", type=int, default=200)
    parser.add_argument("--hostile", type=int, default=10_000)
    parser.add_argument(
        "--only", default=",".join(DRILLS), help=f"a comma-separated choice of {', '.join(DRILLS)}"
    )
    args = parser.parse_args()
    chosen = set(args.only.split(","))
    tally = Tally()
    print(f"{'drill':<48} {'faults':>7} {'lost':>5} {'duplicated':>11} {'unacknowledged':>15}")
    if "hostile" in chosen:
        hostile_drill(tally, examples=args.hostile)
    if pg.find_bindir() is None:
        print("PostgreSQL binaries not found: the process drills need them")
    else:
        with pg.controlled_server() as server:
            if "kill" in chosen:
                kill_drill(server.url, tally, owners=args.owners, kills=args.kills)
            if "crowd" in chosen:
                crowd_drill(server.url, tally, owners=min(args.owners, 100))
            if "outage" in chosen:
                outage_drill(server, tally)
            if "interactions" in chosen:
                interaction_outage_drill(server, tally)
            if "stored" in chosen:
                stored_then_5xx_drill(server.url, tally, owners=min(args.owners, 100))
    lost, duplicated, unacknowledged = (sum(r[i] for r in tally.rows) for i in (2, 3, 4))
    print(
        f"\n{len(tally.rows)} drills, {sum(r[1] for r in tally.rows)} faults injected, {lost} lost,"
        f" {duplicated} duplicated, {unacknowledged} unacknowledged"
    )
    return 0 if lost == duplicated == unacknowledged == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
