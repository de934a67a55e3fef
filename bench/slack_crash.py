"""Benchmark: no acknowledged `/csp` command lost when the bot is killed, and what recording each
one before its ack costs the ack.

Set up (not timed): the store of bench/slack_store.py (40 areas, ten years of 16 indicators),
the fake Slack Web API and `python -m bot run --http PORT` as bench/slack.py starts them, the
bot's answers prepared (waited for).
  * steady: --requests signed `/csp burglary <area>` (default 1,000), --concurrency at a time
    (default 20), each sender sending its next as soon as its last is acknowledged (a burst:
    the answers queue), on a bot of its own, --rounds times each way, alternately: with
    CSP_RECORD_COMMANDS=false (the reference: nothing written before the ack) and as shipped
    (each command recorded in the store before its ack). Every one must be answered, with its
    chart, exactly once (posts to its response_url counted at the fake). Ack p50/p95/p99/max,
    against the target (p99 < 100 ms) and the reference; beside them GET /healthz on the same
    server, sequential, as bench/slack.py measures it, and the journal's INSERT alone, in
    process, on a copy of the store.
  * crash: a new bot on the same store, warmed up by one command, and the same burst; SIGKILL
    as soon as --kill-after commands have been acknowledged (default half); the commands sent
    while it is down are refused (no ack). Then the bot is started again and, within
    --timeout, every acknowledged command must have been answered through its response_url or
    its person told by direct message, none answered twice.

Run from the project root:
    .venv/bin/python bench/slack_crash.py [--requests 1000] [--concurrency 20] [--kill-after N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "tests", ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from fakes.slack_api import FakeSlack  # noqa: E402
from slack import (  # noqa: E402
    ACK_TARGET_MS,
    TOKEN,
    copy_store,
    fmt,
    reference,
    start_bot,
    stop_bot,
    wait_for,
    wait_prepared,
)
from slack_load import Sent, fire, percentiles, send, warm_up  # noqa: E402
from slack_store import Store, build_store  # noqa: E402


def posts(fake: FakeSlack) -> Counter[str]:
    """Accepted posts per response_url id."""
    return Counter(c.target for c in fake.calls_to("response_url") if c.status == 200)


def told(fake: FakeSlack) -> set[str]:
    """The direct message channels CSP Bot told that a command could not be answered."""
    return {str(c.params.get("channel")) for c in fake.calls_to("chat.postMessage")
            if c.status == 200 and "please ask again" in str(c.params.get("text"))}


def insert_cost(store: Store, folder: Path, count: int = 1000) -> dict[str, float]:
    """The journal's write alone, as the bot makes it before an ack (bot/slack/journal.py:
    its own connection, WAL, one INSERT a transaction), one thread, on a copy of the store."""
    from bot.config import load_config
    from bot.slack.journal import CommandJournal

    copy = copy_store(store, folder)
    journal = CommandJournal(load_config({"CSP_DB_PATH": str(copy.path)}), "b" * 16)
    times = []
    for n in range(count):
        body = {"user_id": f"U{n:08d}", "channel_id": "C0BENCH001", "text": "burglary ward 01",
                "response_url": f"https://hooks.example/{n}"}
        start = time.perf_counter()
        journal.record(body)
        times.append(time.perf_counter() - start)
    return percentiles(times)


def steady(args: argparse.Namespace, store: Store, folder: Path, record: bool
           ) -> dict[str, Any]:
    folder.mkdir(parents=True)
    with FakeSlack(token=TOKEN) as fake:
        process, base = start_bot(store, fake, folder,
                                  {"CSP_RECORD_COMMANDS": "true" if record else "false"})
        try:
            kept, expected = wait_prepared(store, args.timeout)
            floor = reference(base, args.reference)
            warm_up(f"{base}/slack/events", fake, store, args.timeout)
            sent, wall = fire(f"{base}/slack/events", fake, store, args.requests,
                              args.concurrency, args.timeout, gate="ack")
            counted = posts(fake)
        finally:
            stop_bot(process)
    acked = [s for s in sent if s.status == 200]
    return {"record": record, "prepared": (kept, expected), "healthz": floor, "wall": wall,
            "ack": percentiles([s.ack_s for s in sent]), "sent": len(sent),
            "acknowledged": len(acked), "answered": sum(counted[s.target] >= 1 for s in acked),
            "twice": sum(n > 1 for n in counted.values()),
            "problems": [f"#{s.n}: {'; '.join(s.problems)}" for s in sent if s.problems]}


def crash(args: argparse.Namespace, store: Store, folder: Path) -> dict[str, Any]:
    kill_after = args.kill_after or args.requests // 2
    (folder / "again").mkdir(parents=True)  # (and the folder itself)
    with FakeSlack(token=TOKEN) as fake:
        process, base = start_bot(store, fake, folder, {})
        wait_prepared(store, args.timeout)
        warm_up(f"{base}/slack/events", fake, store, args.timeout)  # workers answering
        acks, killed = 0, threading.Event()
        guard = threading.Lock()
        sent = [Sent(n, store.areas[n % len(store.areas)], f"U0BC{n:06d}", fake.response_url())
                for n in range(args.requests)]

        def one(s: Sent) -> Sent:
            nonlocal acks
            send(f"{base}/slack/events", s)
            with guard:
                acks += s.status == 200
                if acks >= kill_after and not killed.is_set():
                    process.kill()  # SIGKILL: no chance to finish anything
                    killed.set()
            return s

        start = time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as pool:
            list(pool.map(one, sent))
        process.wait()
        acked = [s for s in sent if s.status == 200]
        before = posts(fake)
        restarted = time.perf_counter()
        process, base = start_bot(store, fake, folder / "again", {})
        try:
            def settled() -> bool:
                counted, dms = posts(fake), told(fake)
                return all(counted[s.target] or s.channel in dms for s in acked)

            wait_for(settled, args.timeout, 0.1)
            after_s = time.perf_counter() - restarted
            time.sleep(1)  # (anything more would be a second answer: give it time to show)
            counted, dms = posts(fake), told(fake)
        finally:
            stop_bot(process)
    return {
        "sent": len(sent), "kill_after": kill_after, "acknowledged": len(acked),
        "ack": percentiles([s.ack_s for s in acked]), "burst_s": restarted - start,
        "answered_before_kill": sum(before[s.target] >= 1 for s in acked),
        "answered_after_restart": sum(counted[s.target] >= 1 and not before[s.target]
                                      for s in acked),
        "told": sum(s.channel in dms and not counted[s.target] for s in acked),
        "answered_and_told": sum(s.channel in dms and counted[s.target] >= 1 for s in acked),
        "neither": sum(not counted[s.target] and s.channel not in dms for s in acked),
        "twice": sum(n > 1 for n in counted.values()),
        "unacknowledged_but_answered": sum(counted[s.target] >= 1 for s in sent
                                           if s.status != 200),
        "settled_s": after_s}


def report_steady(s: dict[str, Any], args: argparse.Namespace) -> None:
    what = ("recorded in the store before the ack" if s["record"] else
            "reference: CSP_RECORD_COMMANDS=false, nothing written before the ack")
    print(f"\n== steady, {what}: {s['sent']} x `/csp burglary <area>`, {args.concurrency} at a "
          f"time (the next as soon as the last is acknowledged) ==")
    print(f"answers prepared by the bot: {s['prepared'][0]} of {s['prepared'][1]}")
    print(f"reference, GET /healthz x {args.reference} sequential, p50/p95/p99/max ms: "
          f"{fmt(s['healthz'])}")
    print(f"ack, p50/p95/p99/max ms: {fmt(s['ack'])}")
    print(f"acknowledged {s['acknowledged']}, answered {s['answered']}, answered twice "
          f"{s['twice']}; {s['wall']:.1f} s from the first send to the last answer and chart")
    for problem in s["problems"][:5]:
        print(f"  {problem}")
    if s["record"]:
        met = s["ack"]["p99"] < ACK_TARGET_MS
        print(f"Target, ack p99 < {ACK_TARGET_MS} ms: {s['ack']['p99']:.0f} ms: "
              f"{'met' if met else 'NOT met'}")


def report_crash(c: dict[str, Any]) -> None:
    print(f"\n== crash: the same burst, SIGKILL after {c['kill_after']} acks, then a restart ==")
    print(f"sent {c['sent']}, acknowledged {c['acknowledged']} (ack p50/p95/p99/max ms: "
          f"{fmt(c['ack'])}); the rest refused while the bot was down")
    print(f"answered before the kill {c['answered_before_kill']}; after the restart: answered "
          f"{c['answered_after_restart']}, told to ask again {c['told']}, answered and told "
          f"(the answer was being sent at the kill) {c['answered_and_told']}")
    print(f"acknowledged and neither answered nor told: {c['neither']}; answered twice: "
          f"{c['twice']}; answered though the ack was lost in the kill: "
          f"{c['unacknowledged_but_answered']}")
    print(f"every acknowledged command settled {c['settled_s']:.1f} s after the restart began")


def report_targets(steadies: list[dict[str, Any]], c: dict[str, Any]) -> None:
    recorded = [s for s in steadies if s["record"]]
    ok = c["neither"] == 0 and c["twice"] == 0 and all(
        s["answered"] == s["acknowledged"] == s["sent"] and s["twice"] == 0 for s in recorded)
    print(f"\nTarget, every acknowledged command answered or told, none twice: "
          f"{'met' if ok else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--kill-after", type=int, default=None,
                        help="acknowledged commands before the SIGKILL (default: half)")
    parser.add_argument("--reference", type=int, default=200, help="GET /healthz calls")
    parser.add_argument("--rounds", type=int, default=2,
                        help="steady bursts of each kind, alternated (reference first)")
    parser.add_argument("--timeout", type=float, default=300,
                        help="seconds to wait for the answers")
    args = parser.parse_args()
    if args.requests < 2 or args.concurrency < 1:
        parser.error("--requests must be at least 2 and --concurrency at least 1")
    with tempfile.TemporaryDirectory(prefix="bench-crash-") as tmp:
        folder = Path(tmp)
        built = build_store(folder)
        print(f"store: {built.rows:,} monthly values, {built.megabytes:.1f} MB (not timed)")
        store = copy_store(built, folder / "run")
        print(f"the journal's INSERT alone, in process, x 1000, p50/p95/p99/max ms: "
              f"{fmt(insert_cost(built, folder / 'insert'))}")
        steadies = []
        for n in range(args.rounds * 2):
            steadies.append(steady(args, store, store.path.parent / f"steady{n}", n % 2 == 1))
            report_steady(steadies[-1], args)
        c = crash(args, store, store.path.parent / "crash")
        report_crash(c)
        report_targets(steadies, c)


if __name__ == "__main__":
    main()
