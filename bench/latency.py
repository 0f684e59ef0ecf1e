"""Command latency: signed `/hlm status <area>` at concurrency 1, 8 and 32, against the real app
(`hlm serve`, HTTP mode) on SQLite and PostgreSQL, and against a bare Bolt app that only acks.

Run: .venv/bin/python bench/latency.py [--requests N]
"""

from __future__ import annotations

import argparse
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
    rss_mb,
    start,
    wait_http,
)

from bot.fake_slack import FakeSlack, SlackRequests, http_post
from seed.sync import default_seed_files, load_seed

SECRET = "bench-signing-secret"
LEVELS = (1, 8, 32)


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


def measure(
    name: str, url: str, texts: list[str], total: int, baseline: dict[int, float] | None
) -> dict[int, float]:
    """Print p50/p95/p99 at each concurrency; return p99 by concurrency."""
    fire(url, texts, 4, 40)  # warm up connections, caches and the database
    p99s = {}
    for level in LEVELS:
        times = fire(url, texts, level, total)
        p50, p95, p99 = (percentile(times, p) for p in (50, 95, 99))
        p99s[level] = p99
        ratio = f"{p99 / baseline[level]:.1f}" if baseline else "1.0"
        print(f"{name:<22} {level:>4} {p50:>8.1f} {p95:>8.1f} {p99:>8.1f} {ratio:>14}")
    return p99s


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=400, help="requests per concurrency level")
    args = parser.parse_args()
    texts = [f"status {area.slug}" for area in load_seed(default_seed_files()[-1]).areas]
    fake = FakeSlack().start()
    with tempfile.TemporaryDirectory() as tmp, databases(Path(tmp)) as urls:
        bare_port = free_port()
        bare = start(
            [
                sys.executable,
                str(ROOT / "bench" / "bare_app.py"),
                str(bare_port),
                SECRET,
                fake.base_url,
            ],
            {},
        )
        wait_ok(f"http://127.0.0.1:{bare_port}/", bare)
        print(
            f"{'app':<22} {'conc':>4} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'p99 / bare app':>14}"
        )
        baseline = measure(
            "bare Bolt app",
            f"http://127.0.0.1:{bare_port}/slack/events",
            texts,
            args.requests,
            None,
        )
        memory = {"bare Bolt app": rss_mb(bare.pid)}
        bare.terminate()
        for name, url in urls.items():
            prepare(url)
            port = free_port()
            env = {
                "DATABASE_URL": url,
                "SLACK_BOT_TOKEN": "xoxb-bench",
                "SLACK_SIGNING_SECRET": SECRET,
                "SLACK_API_URL": fake.base_url,
                "LOG_LEVEL": "WARNING",
            }
            server = start(
                [
                    str(ROOT / ".venv" / "bin" / "hlm"),
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                ],
                env,
            )
            wait_http(f"http://127.0.0.1:{port}/healthz")
            measure(
                f"hlm serve ({name})",
                f"http://127.0.0.1:{port}/slack/events",
                texts,
                args.requests,
                baseline,
            )
            memory[f"hlm serve ({name}, largest process)"] = peak_rss_mb(server.pid)
            server.terminate()
            server.wait()
        print("\npeak RSS (MB): " + ", ".join(f"{k} {v:.0f}" for k, v in memory.items()))
    fake.stop()
    return 0


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
