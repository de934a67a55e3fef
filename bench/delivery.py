"""Benchmark: the demo briefing delivered to N Slack channels at once, against the local fake.

Set up (not timed): a fresh temporary store with the demo partnership (data.demo.load_demo),
--channels chat subscriptions (channels C0BENCH001, C0BENCH002, ...), the fake Slack Web API
(tests/fakes/slack_api.py) with fake.rate_limit(method, per_channel_per_second=1.0) on
chat.postMessage and files.completeUploadExternal: above one call a second to a channel it
answers 429 with Retry-After, as Slack does.

Measures:
  * the build of the briefing (build_monthly, once: every channel shares it);
  * the delivery: bot.delivery.deliver.deliver() for every subscription from a thread pool of
    --workers threads, the real slack_sdk client and its retry handlers, the real pacing (one
    post a second per channel, --pace to change it) and real sleeps: total wall time, each
    channel's time (median, max), the 429s the fake answered (each one a retry by slack_sdk),
    the failures;
  * a second delivery to every channel: it must post nothing (the ledger says delivered).
Checks every channel got exactly one complete briefing: the headline once, every chart once in
its thread, the details once in its thread, and the ledger row delivered with all its parts.
Target: exactly one complete briefing per channel, no failures.

Run from the project root:
    .venv/bin/python bench/delivery.py [--channels 50] [--workers 10] [--pace 1.0] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "tests"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from fakes.slack_api import FakeSlack  # noqa: E402

from bot.config import load_config  # noqa: E402
from bot.delivery import deliver as delivery  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.slack.client import make_client  # noqa: E402
from data import ledger  # noqa: E402
from data.db import open_db  # noqa: E402
from data.demo import load_demo  # noqa: E402
from data.subscriptions import subscribe  # noqa: E402

TOKEN = "xoxb-bench-delivery"
PID, PERIOD = "kettering", "2010-03"
LIMITED = ("chat.postMessage", "files.completeUploadExternal")


def run(channels: int, workers: int, pace: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, FakeSlack(token=TOKEN) as fake:
        store = Path(tmp) / "csp.db"
        db = open_db(store)
        load_demo(db)
        subs = {subscribe(db, PID, "slack", f"C0BENCH{n:03d}", "day 1 at 09:00"): f"C0BENCH{n:03d}"
                for n in range(1, channels + 1)}
        db.close()
        for method in LIMITED:
            fake.rate_limit(method, per_channel_per_second=1.0)
        services = Services(load_config({"CSP_DB_PATH": str(store),
                                         "CSP_LOG_FILE": str(Path(tmp) / "csp.log")}))
        delivery.PACER.interval = pace

        started = time.perf_counter()
        briefing = delivery.monthly_briefing(services, PID, PERIOD)
        build_s = time.perf_counter() - started
        parts = 2 + len(briefing.charts())

        def send(subscription: int) -> tuple[delivery.DeliveryResult, float]:
            began = time.perf_counter()
            client = make_client(TOKEN, fake.url)
            result = delivery.deliver(services, client, subscription, PERIOD,
                                      now=datetime.now(UTC))
            return result, time.perf_counter() - began

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(send, subs))
        total_s = time.perf_counter() - started
        calls = len(fake.calls)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            again = [r for r, _ in pool.map(send, subs)]
        reposted = len(fake.calls) - calls

        problems = []
        for (result, _), (subscription, channel) in zip(results, subs.items(), strict=True):
            problems += [f"{channel}: {p}" for p in check(fake, services, subscription, channel,
                                                          result, parts)]
        problems += [f"{r.channel}: second delivery posted {r.posted_parts}"
                     for r in again if not r.already or r.posted_parts]
        if reposted:
            problems.append(f"the second delivery made {reposted} calls to Slack")
        seconds = [s for _, s in results]
        return {
            "channels": channels, "workers": workers, "pace_s": pace,
            "parts_per_channel": parts, "build_s": round(build_s, 2),
            "total_s": round(total_s, 2),
            "channel_median_s": round(statistics.median(seconds), 2),
            "channel_max_s": round(max(seconds), 2),
            "posts": sum(len(r.posted_parts) for r, _ in results),
            "retries_429": sum(1 for c in fake.calls if c.status == 429),
            "failures": sum(1 for r, _ in results if r.state != "delivered"),
            "complete_channels": channels - len({p.split(":")[0] for p in problems
                                                 if p.startswith("C0BENCH")}),
            "second_run_calls": reposted, "problems": problems[:20],
        }


def check(fake: FakeSlack, services: Services, subscription: int, channel: str,
          result: delivery.DeliveryResult, parts: int) -> list[str]:
    """What is wrong with one channel's briefing (nothing, when it is complete and once)."""
    problems = [] if result.state == "delivered" else [f"state {result.state}: {result.error}"]
    messages = fake.messages(channel)
    heads = [m for m in messages if not m.get("thread_ts")]
    if len(heads) != 1:
        return [*problems, f"{len(heads)} headlines"]
    details = [m for m in messages if m.get("thread_ts") == heads[0]["ts"]]
    if len(details) != 1 or len(messages) != 2:
        problems.append(f"{len(details)} details messages, {len(messages)} messages in all")
    uploads = fake.uploads(channel)
    titles = [u["title"] for u in uploads]
    if len(uploads) != parts - 2 or len(set(titles)) != len(titles):
        problems.append(f"{len(uploads)} charts ({len(set(titles))} different)")
    if any(u["thread_ts"] != heads[0]["ts"] for u in uploads):
        problems.append("a chart outside the headline's thread")
    row = ledger.current(services.db(), subscription, PERIOD)
    if row is None or row["state"] != "delivered" or len(
            ledger.parts_done(services.db(), row["id"])) != parts:
        problems.append("the ledger does not hold every part")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--channels", type=int, default=50)
    parser.add_argument("--workers", type=int, default=10, help="channels posted at once")
    parser.add_argument("--pace", type=float, default=1.0,
                        help="seconds between posts to one channel (0: no pacing)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    figures = run(args.channels, args.workers, args.pace)
    if args.json:
        print(json.dumps(figures, indent=1))
    else:
        print(f"Briefing built once in {figures['build_s']} s "
              f"({figures['parts_per_channel']} parts a channel).")
        print(f"Delivered to {figures['channels']} channels, {figures['workers']} at a time, "
              f"pace {figures['pace_s']} s: {figures['total_s']} s in all (a channel: median "
              f"{figures['channel_median_s']} s, max {figures['channel_max_s']} s).")
        print(f"Posts {figures['posts']}, retries (429s answered by the fake) "
              f"{figures['retries_429']}, failures {figures['failures']}.")
        print(f"Complete briefings exactly once: {figures['complete_channels']} of "
              f"{figures['channels']}; second run: {figures['second_run_calls']} calls to Slack.")
        for problem in figures["problems"]:
            print(f"  PROBLEM {problem}")
    ok = figures["complete_channels"] == figures["channels"] and not figures["failures"]
    sys.exit(0 if ok and not figures["problems"] else 1)


if __name__ == "__main__":
    main()
