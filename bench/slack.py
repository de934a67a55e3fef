"""Benchmark: `/csp burglary <area>` over signed HTTP, N at a time, against the local fake Slack.

Set up (not timed): a fresh store from bench/slack_store.py (one partnership of 40 areas, ten
years of all 16 built-in indicators: 76,800 monthly values, loaded through the real CLI), the
fake Slack Web API (tests/fakes/slack_api.py) and `python -m bot run --http PORT` in its own
process, as tests/test_slack_e2e.py starts it (waits for /healthz).

Measures:
  * reference: the round trip of a plain GET /healthz on the same server, --reference sequential
    calls (urllib, a new connection each, as the slash commands are sent): the floor of HTTP
    overhead;
  * one warm-up command (the bot's first, which loads the statistics and plotting libraries),
    reported on its own and left out of the figures below;
  * --requests signed `/csp burglary <area>` slash commands (form-encoded, signed as Slack signs
    them, each with its own response_url from the fake and its own user, so that its chart goes
    to its own direct message channel D...), --concurrency at a time from a thread pool, the
    area going round the 40; with --rate R also no faster than R a second (an open load,
    instead of a new command as soon as an ack comes back). Per command:
      ack = from sending until the bot's HTTP answer has arrived;
      text answer = from sending until the fake records the post to its response_url;
      full answer = from sending until the fake has recorded both that post and the chart's
        files.completeUploadExternal into the asker's direct message channel (sending time
        and the fake's records are both time.time()).
    Answers must name the area and charts must be the area's burglary chart; anything else, a
    non-200 ack, or an answer or chart still missing --timeout s after the last ack counts as an
    error (and as an infinitely slow answer in the percentiles).
Targets: ack p99 < 100 ms; full answer p95 < 500 ms.
--profile: after the run, one command in this process against the same fake (dispatch,
render_message, the response_url post, conversations.open and files_upload_v2 timed apart,
median of 5 warm runs; inside dispatch, the values query, the store lookups, assess and the chart
with its PNG encoding, mean of 5), then cProfile of one warm command: where the time goes.

Run from the project root:
    .venv/bin/python bench/slack.py [--requests 200] [--concurrency 10] [--rate R] [--json]
                                    [--profile]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "tests", ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from fakes.slack_api import Call, FakeSlack  # noqa: E402
from fakes.slack_signing import post_signed, slash_command  # noqa: E402
from slack_store import ADMIN, CHANNEL, PID, Area, Store, build_store  # noqa: E402

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
ACK_TARGET_MS = 100  # p99
FULL_TARGET_MS = 500  # p95


@dataclass
class Sent:
    """One slash command: what was asked, when, and what came back."""

    n: int
    area: Area
    user: str
    response_url: str
    sent: float = 0.0  # time.time() just before sending (the fake's clock)
    ack_s: float = math.inf
    status: int = 0
    answer: Call | None = None
    upload: Call | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def target(self) -> str:
        return self.response_url.rsplit("/", 1)[1]

    @property
    def channel(self) -> str:
        return "D" + self.user[1:]

    @property
    def text_s(self) -> float:
        return self.answer.time - self.sent if self.answer else math.inf

    @property
    def full_s(self) -> float:
        if self.answer is None or self.upload is None or self.problems:
            return math.inf
        return max(self.answer.time, self.upload.time) - self.sent


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


def start_bot(store: Store, fake: FakeSlack, folder: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET,
           "CSP_SLACK_API_URL": fake.url, "CSP_DB_PATH": str(store.path),
           "CSP_LOG_FILE": str(folder / "csp.log")}
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


def percentiles(seconds: list[float]) -> dict[str, float]:
    """p50/p95/p99/max in ms (nearest rank); an infinite value (an error) stays infinite."""
    ordered = sorted(seconds)
    if not ordered:
        return {k: math.nan for k in ("p50", "p95", "p99", "max")}

    def rank(p: float) -> float:
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] * 1000

    return {"p50": rank(50), "p95": rank(95), "p99": rank(99), "max": ordered[-1] * 1000}


def reference(base: str, calls: int) -> dict[str, float]:
    times = []
    for _ in range(calls):
        start = time.perf_counter()
        ok = healthz(base)
        times.append(time.perf_counter() - start if ok else math.inf)
    return percentiles(times)


def send(bot_url: str, one: Sent) -> Sent:
    text = "burglary " + one.area.name.lower()
    body = slash_command(text, one.user, CHANNEL, one.response_url, f"T{one.n}.trigger")
    one.sent = time.time()
    start = time.perf_counter()
    try:
        one.status, _ = post_signed(bot_url, SECRET, body)
    except OSError as exc:  # refused, reset or timed out
        one.problems.append(f"no ack ({exc})")
    else:
        one.ack_s = time.perf_counter() - start
    return one


def collect(fake: FakeSlack, sent: list[Sent], timeout: float) -> None:
    """Match each command's answer (its response_url) and chart (its DM channel) in the fake."""
    waiting = {s.target: s for s in sent if s.status == 200}
    by_channel = {s.channel: s for s in waiting.values()}
    seen = 0
    deadline = time.monotonic() + timeout
    while waiting and time.monotonic() < deadline:
        calls = list(fake.calls)
        for call in calls[seen:]:
            if call.method == "response_url" and call.target in waiting:
                waiting[call.target].answer = waiting[call.target].answer or call
            elif (call.method == "files.completeUploadExternal" and call.status == 200
                  and call.response.get("ok")):
                one = by_channel.get(str(call.params.get("channel_id")))
                if one is not None and one.upload is None:
                    one.upload = call
        seen = len(calls)
        for key in [k for k, s in waiting.items() if s.answer and s.upload]:
            del waiting[key]
        time.sleep(0.02)
    for one in sent:
        check(one)


def check(one: Sent) -> None:
    if one.status != 200:
        one.problems.append(f"ack HTTP {one.status}" if one.status else "no ack")
        return
    if one.answer is None:
        one.problems.append("no answer")
    else:
        text = str(one.answer.params.get("text", ""))
        where = "" if one.area.id == PID else f", {one.area.name}"  # the partnership: no name
        if not text.startswith(f"Burglary{where}, to "):
            one.problems.append(f"wrong answer: {text[:120]!r}")
    if one.upload is None:
        one.problems.append("no chart")
    else:
        names = [f["name"] for f in one.upload.response.get("files", [])]
        if not any(n.startswith(f"burglary_{one.area.id}-") for n in names):
            one.problems.append(f"wrong chart: {names}")


def fire(bot_url: str, fake: FakeSlack, store: Store, requests: int, concurrency: int,
         timeout: float, rate: float | None = None) -> tuple[list[Sent], float]:
    """Send the commands C at a time (and, given a rate, none before its turn: n / rate seconds
    after the start); wait for their answers; (the commands, wall seconds)."""
    sent = [Sent(n, store.areas[n % len(store.areas)], f"U0BQ{n:06d}", fake.response_url())
            for n in range(requests)]
    start = time.time()

    def paced(one: Sent) -> Sent:
        if rate:
            time.sleep(max(0.0, start + one.n / rate - time.time()))
        return send(bot_url, one)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(paced, sent))
    collect(fake, sent, timeout)
    ends = [max(s.answer.time, s.upload.time) for s in sent if s.answer and s.upload]
    return sent, (max(ends) if ends else time.time()) - start


def warm_up(bot_url: str, fake: FakeSlack, store: Store, timeout: float) -> Sent:
    one = send(bot_url, Sent(-1, store.areas[1], ADMIN, fake.response_url()))
    collect(fake, [one], timeout)
    return one


def measure(args: argparse.Namespace, store: Store, folder: Path) -> dict[str, Any]:
    with FakeSlack(token=TOKEN) as fake:
        process, base = start_bot(store, fake, folder)
        try:
            floor = reference(base, args.reference)
            first = warm_up(f"{base}/slack/events", fake, store, args.timeout)
            sent, wall = fire(f"{base}/slack/events", fake, store, args.requests,
                              args.concurrency, args.timeout, args.rate)
        finally:
            stop_bot(process)
        profile = in_process_profile(store, fake) if args.profile else None
    ack, text, full = (percentiles([getattr(s, k) for s in sent])
                       for k in ("ack_s", "text_s", "full_s"))
    done = [s for s in sent if not s.problems]
    problems = [f"#{s.n} {s.area.id}: {'; '.join(s.problems)}" for s in sent if s.problems]
    return {
        "store": {"values": store.rows, "indicators": len(store.indicators),
                  "areas": len(store.areas), "mb": round(store.megabytes, 1),
                  "build_s": round(store.seconds, 1)},
        "requests": args.requests, "concurrency": args.concurrency, "rate": args.rate,
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


def in_process_profile(store: Store, fake: FakeSlack) -> dict[str, Any]:
    """One command in this process, phase by phase (median of 5 warm runs), then cProfile."""
    import cProfile
    import io
    import pstats

    from slack_sdk.webhook import WebhookClient

    from bot.config import load_config
    from bot.render_slack import render_message
    from bot.services import Services
    from bot.slack_client import make_client
    from bot.slack_send import direct_channel, upload_charts
    from handlers.reply import Context, Reply
    from handlers.router import dispatch

    config = load_config({"CSP_DB_PATH": str(store.path),
                          "CSP_LOG_FILE": str(store.path.with_suffix(".log"))})
    services = Services(config)
    client = make_client(TOKEN, fake.url)
    area = store.areas[5]

    def one() -> dict[str, float]:
        marks = [time.perf_counter()]
        ctx = Context(user=ADMIN, platform="slack", channel=CHANNEL, today=services.today(),
                      extra={"slack_channel": CHANNEL})
        reply = dispatch("burglary " + area.name.lower(), ctx, services.db(),
                         services.settings())
        assert isinstance(reply, Reply)
        marks.append(time.perf_counter())
        message = render_message(reply)
        marks.append(time.perf_counter())
        WebhookClient(fake.response_url()).send(blocks=message.blocks, text=message.text,
                                                response_type="ephemeral")
        marks.append(time.perf_counter())
        channel = direct_channel(client, ADMIN)
        marks.append(time.perf_counter())
        upload_charts(client, message.charts, channel)
        marks.append(time.perf_counter())
        names = ("dispatch (query, judge, chart)", "render_message", "response_url post",
                 "conversations.open", "files_upload_v2 (3 calls)")
        return {name: (b - a) * 1000 for name, a, b in zip(names, marks, marks[1:],
                                                             strict=False)}

    cold = one()
    warm = [one() for _ in range(5)]
    phases = {name: statistics.median(w[name] for w in warm) for name in warm[0]}
    with timed_parts() as parts:
        for _ in range(5):
            one()
    inside = {name: ms / 5 for name, ms in parts.items()}
    profiler = cProfile.Profile()
    profiler.enable()
    one()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(30)
    top_own = io.StringIO()
    pstats.Stats(profiler, stream=top_own).sort_stats("tottime").print_stats(15)
    return {"cold_ms": cold, "warm_median_ms": phases,
            "warm_total_ms": sum(phases.values()), "dispatch_parts_mean_ms": inside,
            "cprofile_cumulative": _trim(out.getvalue()),
            "cprofile_own_time": _trim(top_own.getvalue())}


@contextmanager
def timed_parts() -> Iterator[dict[str, float]]:
    """Total ms spent in the main steps of `/csp <indicator>` while inside the block.

    Wraps module attributes for the block's duration only: the store queries, assess, the chart
    (its drawing and, inside it, the PNG encoding: savefig)."""
    import briefings.charts
    import briefings.indicator
    import briefings.sections
    from data import briefing_data

    spent: dict[str, float] = defaultdict(float)
    targets = [(briefings.indicator, "partnership_values", "values query"),
               (briefings.indicator, "assess", "assess (statistics)"),
               (briefings.sections, "draw_indicator_chart", "chart (all)"),
               (briefings.charts, "_png", "chart: PNG (savefig)"),
               *((briefing_data, name, "store lookups") for name in
                 ("indicator_meta", "areas", "targets", "population", "owners"))]

    def wrap(work: Callable[..., Any], label: str) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return work(*args, **kwargs)
            finally:
                spent[label] += (time.perf_counter() - start) * 1000
        return timed

    saved = [(module, name, getattr(module, name)) for module, name, _ in targets]
    for module, name, label in targets:
        setattr(module, name, wrap(getattr(module, name), label))
    try:
        yield spent
    finally:
        for module, name, work in saved:
            setattr(module, name, work)


def _trim(report: str) -> str:
    """pstats output without its preamble, paths shortened to the project or site-packages."""
    lines = report.splitlines()
    start = next((n for n, line in enumerate(lines) if "ncalls" in line), 0)
    text = "\n".join(lines[start:])
    for prefix in (str(ROOT) + "/", str(Path(sys.prefix)) + "/lib/python3.11/site-packages/",
                   str(Path(sys.base_prefix)) + "/lib/python3.11/"):
        text = text.replace(prefix, "")
    return text


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
    s, e, first = r["store"], r["errors"], r["first_command"]
    print(f"store: {s['values']:,} monthly values ({s['indicators']} indicators x {s['areas']} "
          f"areas x 120 months), {s['mb']} MB, built in {s['build_s']} s (not timed)")
    print(f"reference, GET /healthz x {r['reference_calls']} sequential, p50/p95/p99/max ms: "
          f"{fmt(r['healthz_ms'])}")
    print(f"first command after start (warm-up, not counted): ack {first['ack_ms']:.0f} ms, "
          f"full answer {first['full_ms']:.0f} ms" + (f" {first['problems']}"
                                                     if first["problems"] else ""))
    paced = f", at most {r['rate']:g} a second" if r["rate"] else ""
    print(f"{r['requests']} x `/csp burglary <area>`, {r['concurrency']} at a time{paced} "
          f"(p50 / p95 / p99 / max, ms):")
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
        print("  inside dispatch (mean of 5 warm runs):")
        for name, ms in p["dispatch_parts_mean_ms"].items():
            print(f"    {name:30} {ms:7.1f}")
        print("\ncProfile of one warm command, by cumulative time:")
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
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if args.requests < 1 or args.concurrency < 1:
        parser.error("--requests and --concurrency must be at least 1")
    with tempfile.TemporaryDirectory(prefix="bench-slack-") as tmp:
        folder = Path(tmp)
        store = build_store(folder)
        result = measure(args, store, folder)
    if args.json:
        print(json.dumps(finite(result), indent=2))
    else:
        report(result)


if __name__ == "__main__":
    main()
