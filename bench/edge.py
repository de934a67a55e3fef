"""Benchmark: what outsiders can send to `cspbot run --http`, Slack and Teams on one server.

Set up (not timed): the demo store, the fake Slack Web API, the Teams connector stub (which
also serves the Bot Framework's signing keys) and `python -m bot run --platform both --http
PORT` in its own process with every check on, as tests/test_edge.py runs it
(tests/fakes/edge_bot.py: tokens checked, every INFO line logged, answers in the bot's process).

1. Large bodies: --large unsigned POSTs of --size MB each, alternately to /slack/events and
   /api/messages, sent in full with a Content-Length, then as many sent in chunks (no
   Content-Length). Reported: the answers (413 expected), the time, the bot's resident memory
   (VmRSS, and its peak VmHWM, from /proc) and the log's size, before and after.
   Targets: the log less than 100 KB larger, the memory within 20 MB of where it was.
2. Forged tokens while the key endpoint is slow: the reference is a plain GET /healthz and a
   signed `/csp help` (its acknowledgement) with nothing else going on, --probes of each in
   turn; then --forged requests with forged tokens (RS256, a key id nobody lists) in flight
   while the stub holds GET /keys, and the same probes meanwhile; then the keys released. And
   again on a bot whose keys URL is a port nobody listens on (unreachable).
   Target: every probe answered within 1 s (its maximum) while the forged are in flight.

Run from the project root:
    .venv/bin/python bench/edge.py [--large 20] [--size 10] [--forged 20] [--probes 20] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "tests"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from fakes.demo_store import make_demo_store  # noqa: E402
from fakes.edge_bot import edge_env, forged_token  # noqa: E402
from fakes.processes import RunningBot, free_port, launch_bot  # noqa: E402
from fakes.raw_http import post_large, rss_bytes  # noqa: E402
from fakes.slack_api import FakeSlack  # noqa: E402
from fakes.slack_bot import SECRET, TOKEN  # noqa: E402
from fakes.slack_signing import post_signed, slash_command  # noqa: E402
from fakes.teams_activities import message  # noqa: E402
from fakes.teams_connector import FakeConnector  # noqa: E402
from fakes.waiting import healthy, wait_for  # noqa: E402

MB = 1024 * 1024
LOG_TARGET, MEMORY_TARGET, PROBE_TARGET_S = 100_000, 20 * MB, 1.0


def peak_rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def large_bodies(bot: RunningBot, log: Path, count: int, size: int) -> dict[str, Any]:
    pid = bot.process.pid
    for path in ("/slack/events", "/api/messages"):  # warm up: every module on the path loaded
        post_large(bot.url + path, 10, wait=0, content_type="application/x-www-form-urlencoded")
    before = {"rss": rss_bytes(pid), "peak": peak_rss(pid), "log": log.stat().st_size}
    statuses: list[int] = []
    start = time.perf_counter()
    for chunked in (False, True):
        for n in range(count):
            path = "/slack/events" if n % 2 else "/api/messages"
            statuses.append(post_large(bot.url + path, size * MB, chunked=chunked)[0])
    took = time.perf_counter() - start
    after = {"rss": rss_bytes(pid), "peak": peak_rss(pid), "log": log.stat().st_size}
    return {"requests": len(statuses), "answers": {str(s): statuses.count(s) for s in
                                                   sorted(set(statuses))},
            "seconds": round(took, 2), "rss_before_mb": round(before["rss"] / MB, 1),
            "rss_after_mb": round(after["rss"] / MB, 1),
            "rss_growth_mb": round((after["rss"] - before["rss"]) / MB, 1),
            "peak_rss_growth_mb": round((after["peak"] - before["peak"]) / MB, 1),
            "log_growth_bytes": after["log"] - before["log"]}


def timed(call: Callable[[], bool]) -> float:
    start = time.perf_counter()
    ok = call()
    return time.perf_counter() - start if ok else float("inf")


def probes(bot: RunningBot, slack: FakeSlack, count: int) -> dict[str, float]:
    """Round trips of GET /healthz and of a signed `/csp help` (until acknowledged), in ms."""
    def ack() -> bool:
        body = slash_command("help", "U0KETADM1", "C0KETCSP01", slack.response_url())
        return post_signed(f"{bot.url}/slack/events", SECRET, body)[0] == 200

    health = [timed(lambda: healthy(bot.url)) for _ in range(count)]
    acks = [timed(ack) for _ in range(count)]
    return {"healthz_p50_ms": round(statistics.median(health) * 1000, 1),
            "healthz_max_ms": round(max(health) * 1000, 1),
            "slack_ack_p50_ms": round(statistics.median(acks) * 1000, 1),
            "slack_ack_max_ms": round(max(acks) * 1000, 1)}


def forged_in_flight(bot: RunningBot, slack: FakeSlack, connector: FakeConnector,
                     forged: int, count: int, hold: bool) -> dict[str, Any]:
    """Probes while `forged` forged-token requests are in flight (the keys held if `hold`)."""
    import urllib.error
    import urllib.request

    token = forged_token("unknown-key", connector.url)
    body = json.dumps(message(connector, "help")).encode()

    def send() -> tuple[int, float]:
        start = time.perf_counter()
        request = urllib.request.Request(f"{bot.url}/api/messages", data=body, method="POST",
                                         headers={"Content-Type": "application/json",
                                                  "Authorization": f"Bearer {token}"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        return status, time.perf_counter() - start

    if hold:
        connector.hold_keys()
    asked = connector.keys_asked
    with ThreadPoolExecutor(forged) as pool:
        futures = [pool.submit(send) for _ in range(forged)]
        if hold:
            wait_for(lambda: connector.keys_asked > asked, what="the bot to ask for the keys")
        figures: dict[str, Any] = probes(bot, slack, count)
        figures["forged_in_flight_after_probes"] = sum(not f.done() for f in futures)
        connector.release_keys()
        results = [f.result() for f in futures]
    figures["forged_answers"] = {str(s): [r[0] for r in results].count(s)
                                 for s in sorted({r[0] for r in results})}
    figures["forged_slowest_s"] = round(max(r[1] for r in results), 2)
    figures["keys_fetched"] = connector.keys_asked - asked
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--large", type=int, default=20)
    parser.add_argument("--size", type=int, default=10, help="MB per large body")
    parser.add_argument("--forged", type=int, default=20)
    parser.add_argument("--probes", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp, FakeSlack(token=TOKEN) as slack, \
            FakeConnector() as connector:
        folder = Path(tmp)
        store, log = make_demo_store(folder), folder / "csp.log"
        with launch_bot(store, edge_env(slack, connector), "both", log) as bot:
            report["large_bodies"] = large_bodies(bot, log, args.large, args.size)
            report["reference"] = probes(bot, slack, args.probes)
            report["keys_slow"] = forged_in_flight(bot, slack, connector, args.forged,
                                                   args.probes, hold=True)
        unreachable = {**edge_env(slack, connector),
                       "CSP_TEAMS_KEYS_URL": f"http://127.0.0.1:{free_port()}/keys"}
        with launch_bot(store, unreachable, "both", folder / "unreachable.log") as bot:
            report["keys_unreachable"] = forged_in_flight(bot, slack, connector, args.forged,
                                                          args.probes, hold=False)
    if args.json:
        print(json.dumps(report, indent=2))
        return
    print_report(report, args)


def print_report(report: dict[str, Any], args: argparse.Namespace) -> None:
    large = report["large_bodies"]
    print(f"1. {large['requests']} unsigned POSTs of {args.size} MB ({args.large} with "
          f"Content-Length, {args.large} chunked): answers {large['answers']} in "
          f"{large['seconds']} s")
    print(f"   log: +{large['log_growth_bytes']:,} bytes (target < {LOG_TARGET:,}: "
          f"{'met' if large['log_growth_bytes'] < LOG_TARGET else 'MISSED'})")
    print(f"   memory: {large['rss_before_mb']} -> {large['rss_after_mb']} MB RSS "
          f"({large['rss_growth_mb']:+} MB; peak {large['peak_rss_growth_mb']:+} MB; target "
          f"within {MEMORY_TARGET // MB} MB: "
          f"{'met' if large['rss_growth_mb'] * MB < MEMORY_TARGET else 'MISSED'})")
    print(f"2. probes ({args.probes} of each)        healthz p50 / max      Slack ack p50 / max")
    for name in ("reference", "keys_slow", "keys_unreachable"):
        row = report[name]
        print(f"   {name:<30} {row['healthz_p50_ms']:>7} / {row['healthz_max_ms']:<8} ms "
              f"{row['slack_ack_p50_ms']:>7} / {row['slack_ack_max_ms']:<8} ms")
    for name in ("keys_slow", "keys_unreachable"):
        row = report[name]
        worst = max(row["healthz_max_ms"], row["slack_ack_max_ms"]) / 1000
        print(f"   {name}: {args.forged} forged in flight, {row['forged_in_flight_after_probes']}"
              f" still in flight after the probes; answered {row['forged_answers']}, slowest "
              f"{row['forged_slowest_s']} s; keys fetched from the stub "
              f"{row['keys_fetched']} time(s); "
              f"every probe within {PROBE_TARGET_S:g} s: "
              f"{'met' if worst < PROBE_TARGET_S else 'MISSED'}")


if __name__ == "__main__":
    main()
