"""Benchmark: `/csp burglary <area>` over signed HTTP, N at a time, against the local fake Slack.

Set up (not timed): a fresh store from bench/slack_store.py (one partnership of 40 areas, ten
years of all 16 built-in indicators: 76,800 monthly values, loaded through the real CLI), the
fake Slack Web API (tests/fakes/slack_api.py) and `python -m bot run --http PORT` in its own
process, as tests/test_slack_e2e.py starts it (waits for /healthz).

Two phases, each on its own bot and its own copy of the store:
  * prepared (the normal state, and the targets): the bot as shipped, which works out every
    indicator's latest answer in its worker processes at start and after each import
    (CSP_PREPARE_ANSWERS). Timed: from the bot's start until all 640 answers are kept.
  * cold (the reference): CSP_PREPARE_ANSWERS=false, so every first question about an area is
    worked out when asked (in the two worker processes), as after an import before the bot has
    prepared the new answers.
In each phase:
  * reference: the round trip of a plain GET /healthz on the same server, --reference sequential
    calls (urllib, a new connection each, as the slash commands are sent): the floor of HTTP
    overhead;
  * one warm-up command (the bot's first), reported on its own and left out of the figures;
  * --requests signed `/csp burglary <area>` slash commands (form-encoded, signed as Slack signs
    them, each with its own response_url from the fake and its own user, so that its chart goes
    to its own direct message channel D...), --concurrency at a time from a thread pool, the
    area going round the 40. --gate answer (the default): each of the C senders sends its next
    command when the answer and chart of its last have arrived, as C people asking at once would;
    --gate ack: as soon as the bot has acknowledged its last (a burst: the 200 arrive within
    about half a second, faster than this machine can post 200 answers, so they queue); with
    --rate R also no faster than R a second (an open load). Per command:
      ack = from sending until the bot's HTTP answer has arrived;
      text answer = from sending until the fake records the post to its response_url;
      full answer = from sending until the fake has recorded both that post and the chart's
        files.completeUploadExternal into the asker's direct message channel (sending time
        and the fake's records are both time.time()).
    Answers must name the area and charts must be the area's burglary chart; anything else, a
    non-200 ack, or an answer or chart still missing --timeout s after the last ack counts as an
    error (and as an infinitely slow answer in the percentiles).
Targets (prepared phase): ack p99 < 100 ms; full answer p95 < 500 ms.
--profile: after the run, one command in this process against the same fake, phase by phase,
and the steps of working an answer out afresh (bench/slack_profile.py).

Run from the project root:
    .venv/bin/python bench/slack.py [--requests 200] [--concurrency 10] [--gate answer|ack]
                                    [--rate R] [--phase both|prepared|cold] [--json] [--profile]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "tests", ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from fakes.slack_api import FakeSlack  # noqa: E402
from slack_load import SECRET, fire, percentiles, warm_up  # noqa: E402
from slack_profile import in_process_profile  # noqa: E402
from slack_store import PID, Store, build_store  # noqa: E402

TOKEN = "xoxb-bench-token"
ACK_TARGET_MS = 100  # p99
FULL_TARGET_MS = 500  # p95


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(probe: Callable[[], Any], timeout: float, every: float = 0.02) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = probe()
        if found or time.monotonic() > deadline:
            return found
        time.sleep(every)


def healthz(base: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
            return response.status == 200 and response.read() == b'{"status":"ok"}'
    except OSError:
        return False


def start_bot(store: Store, fake: FakeSlack, folder: Path,
              extra: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET,
           "CSP_SLACK_API_URL": fake.url, "CSP_DB_PATH": str(store.path),
           "CSP_LOG_FILE": str(folder / "csp.log"), "CSP_LOG_LEVEL": "INFO", **extra}
    env.pop("SLACK_APP_TOKEN", None)
    with (folder / "bot.out").open("wb") as out:  # a file, not a pipe nobody reads
        process = subprocess.Popen([sys.executable, "-m", "bot", "run", "--http", str(port)],
                                   cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    if not wait_for(lambda: healthz(base) or process.poll() is not None, 60, 0.1) \
            or process.poll() is not None:
        process.kill()
        raise SystemExit("the bot did not start:\n"
                         + (folder / "bot.out").read_text(errors="replace")[-3000:])
    return process, base


def stop_bot(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def reference(base: str, calls: int) -> dict[str, float]:
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        ok = healthz(base)
        times.append(time.perf_counter() - start if ok else math.inf)
    return percentiles(times)


def wait_prepared(store: Store, timeout: float) -> tuple[int, int]:
    """Wait until the bot has kept every latest answer of the partnership; (kept, expected)."""
    from briefings.answers import answer_version
    from briefings.method import MethodSettings
    from data.answers import answerable, kept_questions
    from data.db import open_db

    db = open_db(store.path)
    try:
        expected = len(answerable(db, PID))

        def kept() -> int:
            return len(kept_questions(db, PID, answer_version(db, PID, MethodSettings(), 5)))

        wait_for(lambda: kept() >= expected, timeout, 0.25)
        return kept(), expected
    finally:
        db.close()


def measure(args: argparse.Namespace, store: Store, folder: Path, phase: str) -> dict[str, Any]:
    extra = {"CSP_PREPARE_ANSWERS": "true" if phase == "prepared" else "false"}
    with FakeSlack(token=TOKEN) as fake:
        started = time.monotonic()
        process, base = start_bot(store, fake, folder, extra)
        try:
            prepared = None
            if phase == "prepared":
                kept, expected = wait_prepared(store, args.timeout)
                prepared = {"seconds": time.monotonic() - started, "kept": kept,
                            "expected": expected}
            floor = reference(base, args.reference)
            first = warm_up(f"{base}/slack/events", fake, store, args.timeout)
            sent, wall = fire(f"{base}/slack/events", fake, store, args.requests,
                              args.concurrency, args.timeout, args.rate, args.gate)
        finally:
            stop_bot(process)
        profile = in_process_profile(store, fake) if args.profile else None
    ack, text, full = (percentiles([getattr(s, k) for s in sent])
                       for k in ("ack_s", "text_s", "full_s"))
    done = [s for s in sent if not s.problems]
    problems = [f"#{s.n} {s.area.id}: {'; '.join(s.problems)}" for s in sent if s.problems]
    return {
        "phase": phase, "prepared": prepared,
        "store": {"values": store.rows, "indicators": len(store.indicators),
                  "areas": len(store.areas), "mb": round(store.megabytes, 1),
                  "build_s": round(store.seconds, 1)},
        "requests": args.requests, "concurrency": args.concurrency, "rate": args.rate,
        "gate": args.gate,
        "healthz_ms": floor, "reference_calls": args.reference,
        "first_command": {"ack_ms": first.ack_s * 1000, "full_ms": first.full_s * 1000,
                          "problems": first.problems},
        "ack_ms": ack, "text_answer_ms": text, "full_answer_ms": full,
        "wall_s": wall, "answers_per_s": len(done) / wall if wall > 0 else 0.0,
        "errors": {"non_200_acks": sum(s.status != 200 for s in sent),
                   "missing_answers": sum(s.status == 200 and s.answer is None for s in sent),
                   "missing_charts": sum(s.status == 200 and s.upload is None for s in sent),
                   "wrong": sum(any(p.startswith("wrong") for p in s.problems) for s in sent),
                   "total": len(problems), "first": problems[:5]},
        "targets": {"ack_p99_ms": {"target": ACK_TARGET_MS, "value": ack["p99"],
                                   "met": ack["p99"] < ACK_TARGET_MS},
                    "full_answer_p95_ms": {"target": FULL_TARGET_MS, "value": full["p95"],
                                           "met": full["p95"] < FULL_TARGET_MS}},
        "slowest": [{"n": s.n, "area": s.area.id, "ack_ms": s.ack_s * 1000,
                     "full_ms": s.full_s * 1000}
                    for s in sorted(sent, key=lambda s: -s.ack_s)[:5]],
        "profile": profile,
    }


def finite(value: Any) -> Any:
    """JSON has no Infinity: an infinitely slow answer (an error) becomes null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite(v) for v in value]
    return value


def fmt(figures: dict[str, float]) -> str:
    return " / ".join("-" if math.isinf(v) else f"{v:.0f}" if v >= 10 else f"{v:.1f}"
                      for v in (figures[k] for k in ("p50", "p95", "p99", "max")))


def report(r: dict[str, Any]) -> None:
    e, first, ready = r["errors"], r["first_command"], r["prepared"]
    print(f"\n== {r['phase']} ==")
    if ready:
        print(f"answers prepared by the bot: {ready['kept']} of {ready['expected']}, "
              f"{ready['seconds']:.1f} s from its start (not part of the figures below)")
    print(f"reference, GET /healthz x {r['reference_calls']} sequential, p50/p95/p99/max ms: "
          f"{fmt(r['healthz_ms'])}")
    print(f"first command after start (warm-up, not counted): ack {first['ack_ms']:.0f} ms, "
          f"full answer {first['full_ms']:.0f} ms" + (f" {first['problems']}"
                                                     if first["problems"] else ""))
    paced = f", at most {r['rate']:g} a second" if r["rate"] else ""
    gate = ("the next when the last answer has arrived" if r["gate"] == "answer"
            else "the next as soon as the last is acknowledged")
    print(f"{r['requests']} x `/csp burglary <area>`, {r['concurrency']} at a time ({gate})"
          f"{paced} (p50 / p95 / p99 / max, ms):")
    print(f"  ack          {fmt(r['ack_ms'])}")
    print(f"  text answer  {fmt(r['text_answer_ms'])}   (response_url post)")
    print(f"  full answer  {fmt(r['full_answer_ms'])}   (answer and chart both recorded)")
    print(f"  throughput   {r['answers_per_s']:.1f} full answers/s ({r['wall_s']:.1f} s from "
          f"the first send to the last answer)")
    print(f"  errors       {e['total']} (non-200 acks {e['non_200_acks']}, missing answers "
          f"{e['missing_answers']}, missing charts {e['missing_charts']}, wrong {e['wrong']})")
    for problem in e["first"]:
        print(f"    {problem}")
    print("  slowest acks " + ", ".join(f"#{w['n']} {w['ack_ms']:.0f} ms" for w in r["slowest"]))
    t = r["targets"]
    if r["phase"] != "prepared":
        print("(the targets apply to the prepared phase; this one is the reference)")
    for label, key in (("ack p99", "ack_p99_ms"), ("full answer p95", "full_answer_p95_ms")):
        value = t[key]["value"]
        shown = "missing answers" if math.isinf(value) else f"{value:.0f} ms"
        print(f"Target, {label} < {t[key]['target']} ms: {shown}: "
              f"{'met' if t[key]['met'] else 'NOT met'}")
    p = r["profile"]
    if p:
        print("\nIn process, one command (ms; cold = first in the process, warm = median of 5):")
        for name, ms in p["warm_median_ms"].items():
            print(f"  {name:32} cold {p['cold_ms'][name]:7.1f}   warm {ms:7.1f}")
        print(f"  {'total':32} cold {sum(p['cold_ms'].values()):7.1f}   warm "
              f"{p['warm_total_ms']:7.1f}")
        print("  the answer worked out afresh (mean of 5 runs):")
        for name, ms in p["afresh_parts_mean_ms"].items():
            print(f"    {name:30} {ms:7.1f}")
        print("\ncProfile of the answer worked out afresh, by cumulative time:")
        print(p["cprofile_cumulative"])
        print("by own time:")
        print(p["cprofile_own_time"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--reference", type=int, default=200, help="GET /healthz calls")
    parser.add_argument("--timeout", type=float, default=120,
                        help="seconds to wait for the answers after the last ack")
    parser.add_argument("--rate", type=float, default=None,
                        help="send at most this many commands a second (default: as fast as "
                        "the acks come back)")
    parser.add_argument("--profile", action="store_true",
                        help="then time one command in process, phase by phase, and cProfile it")
    parser.add_argument("--gate", choices=("answer", "ack"), default="answer",
                        help="a sender's next command goes when its last answer and chart have "
                        "arrived (answer: people asking, each waiting for the answer), or as "
                        "soon as the bot has acknowledged it (ack: a burst as fast as the bot "
                        "acknowledges)")
    parser.add_argument("--phase", choices=("both", "prepared", "cold"), default="both",
                        help="prepared: answers worked out by the bot before the burst (the "
                        "targets); cold: worked out when asked (the reference)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if args.requests < 1 or args.concurrency < 1:
        parser.error("--requests and --concurrency must be at least 1")
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-slack-") as tmp:
        folder = Path(tmp)
        built = build_store(folder)
        s = built
        print(f"store: {s.rows:,} monthly values ({len(s.indicators)} indicators x "
              f"{len(s.areas)} areas x 120 months), {s.megabytes:.1f} MB, built in "
              f"{s.seconds:.1f} s (not timed)", file=sys.stderr if args.json else sys.stdout)
        for n, phase in enumerate(["prepared", "cold"] if args.phase == "both" else [args.phase]):
            store = copy_store(built, folder / phase)
            args_here = argparse.Namespace(**{**vars(args), "profile": args.profile and n == 0})
            results.append(measure(args_here, store, store.path.parent, phase))
            if not args.json:
                report(results[-1])
    if args.json:
        print(json.dumps(finite({"phases": results}), indent=2))


def copy_store(store: Store, folder: Path) -> Store:
    """The store copied whole (SQLite's backup), so that each phase starts from the same one."""
    folder.mkdir()
    source, target = sqlite3.connect(store.path), sqlite3.connect(folder / store.path.name)
    with source, target:
        source.backup(target)
    source.close()
    target.close()
    return dataclasses.replace(store, path=folder / store.path.name)


if __name__ == "__main__":
    main()
