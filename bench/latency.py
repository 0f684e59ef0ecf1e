"""Command latency: signed `/hlm status <area>` at concurrency 1, 8 and 32, against the real app
(`hlm serve`, HTTP mode) on SQLite and PostgreSQL, and against a bare Bolt app that only acks.

The three apps run side by side and take turns, a slice of the requests at a time, so that a
noisy moment on a shared machine falls on all of them alike rather than on whichever was being
measured. Run: .venv/bin/python bench/latency.py [--requests N --rounds R]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import (
    ROOT,
    databases,
    free_port,
    peak_rss_mb,
    percentile,
    prepare,
    start,
    wait_http,
)

from fake_slack import FakeSlack, SlackRequests, http_post
from seed.sync import default_seed_files, load_seed

SECRET = "bench-signing-secret"
LEVELS = (1, 8, 32)
BARE = "bare Bolt app"


def fire(url: str, texts: list[str], concurrency: int, total: int) -> list[float]:
    """Send `total` signed commands with `concurrency` at once; return latencies in ms."""
    requests = SlackRequests(SECRET)

    def one(n: int) -> float:
        built = requests.slash_command("U0ILOCOORD", texts[n % len(texts)])
        began = time.perf_counter()
        status, _ = http_post(url, built)
        if status != 200:
            raise RuntimeError(f"HTTP {status}")
        return (time.perf_counter() - began) * 1000

    with ThreadPoolExecutor(concurrency) as pool:
        return list(pool.map(one, range(total)))


def report(
    name: str, samples: dict[int, list[float]], baseline: dict[int, float] | None
) -> dict[int, float]:
    """Print p50/p95/p99 at each concurrency; return p99 by concurrency."""
    p99s = {}
    for level in LEVELS:
        p50, p95, p99 = (percentile(samples[level], p) for p in (50, 95, 99))
        p99s[level] = p99
        ratio = f"{p99 / baseline[level]:.1f}" if baseline else "1.0"
        print(f"{name:<22} {level:>4} {p50:>8.1f} {p95:>8.1f} {p99:>8.1f} {ratio:>14}")
    return p99s


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=1000, help="requests per app and level")
    parser.add_argument("--rounds", type=int, default=10, help="turns the apps take at each level")
    args = parser.parse_args()
    texts = [f"status {area.slug}" for area in load_seed(default_seed_files()[-1]).areas]
    fake = FakeSlack().start()
    servers: dict[str, tuple[str, subprocess.Popen[bytes]]] = {}
    with tempfile.TemporaryDirectory() as tmp, databases(Path(tmp)) as urls:
        try:
            bare_port = free_port()
            command = [sys.executable, str(ROOT / "bench" / "bare_app.py"), str(bare_port)]
            bare = start([*command, SECRET, fake.base_url], {})
            servers[BARE] = (f"http://127.0.0.1:{bare_port}/slack/events", bare)
            wait_ok(f"http://127.0.0.1:{bare_port}/", bare)
            for name, url in urls.items():
                prepare(url)
                port = free_port()
                events = f"http://127.0.0.1:{port}/slack/events"
                servers[f"hlm serve ({name})"] = (events, serve(url, port, fake.base_url))
                wait_http(f"http://127.0.0.1:{port}/healthz")
            samples = take_turns(servers, texts, args.requests, args.rounds)
            print(
                f"{'app':<22} {'conc':>4} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
                f" {'p99 / bare app':>14}"
            )
            baseline = report(BARE, samples[BARE], None)
            for name in servers:
                if name != BARE:
                    report(name, samples[name], baseline)
            memory = {name: peak_rss_mb(process.pid) for name, (_, process) in servers.items()}
            print("\npeak RSS (MB, largest process): " + ", ".join(
                f"{name} {mb:.0f}" for name, mb in memory.items()
            ))  # fmt: skip
        finally:
            for _, process in servers.values():
                process.terminate()
                process.wait()
    fake.stop()
    return 0


def serve(url: str, port: int, api_url: str) -> subprocess.Popen[bytes]:
    """Start `hlm serve` with its defaults on a database and a port (the caller waits for it)."""
    env = {
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": api_url,
        "LOG_LEVEL": "WARNING",
    }
    command = [str(ROOT / ".venv" / "bin" / "hlm"), "serve", "--host", "127.0.0.1"]
    return start([*command, "--port", str(port)], env)


def take_turns(
    servers: dict[str, tuple[str, subprocess.Popen[bytes]]],
    texts: list[str],
    total: int,
    rounds: int,
) -> dict[str, dict[int, list[float]]]:
    """Load each app in turn, a slice at a time, so a noisy moment falls on all of them alike.

    Returns latencies in ms by app and concurrency.
    """
    samples: dict[str, dict[int, list[float]]] = {name: {} for name in servers}
    for url, _ in servers.values():
        # Warm up at the highest concurrency, so every process has opened all the database
        # connections it will use (opening one costs PostgreSQL tens of milliseconds) and kept
        # every area's status.
        fire(url, texts, max(LEVELS), 8 * max(LEVELS))
    for level in LEVELS:
        # A slice holds at least 8 requests per client, so the clients overlap most of the time.
        turns = max(1, min(rounds, total // (8 * level)))
        for turn in range(turns):
            for name, (url, _) in servers.items():
                count = total // turns + (turn < total % turns)
                samples[name].setdefault(level, []).extend(fire(url, texts, level, count))
    return samples


def wait_ok(url: str, process: object) -> None:
    """Wait until the bare app listens (it answers 404 on /)."""
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 (loopback)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(url)


if __name__ == "__main__":
    sys.exit(main())
