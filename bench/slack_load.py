"""The load of bench/slack.py: signed `/csp burglary <area>` commands sent C at a time, and each
matched with its answer (its response_url post) and its chart (files.completeUploadExternal
into the asker's direct message channel) as the fake Slack records them.
"""

from __future__ import annotations

import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from fakes.slack_api import Call, FakeSlack
from fakes.slack_signing import post_signed, slash_command
from slack_store import ADMIN, CHANNEL, PID, Area, Store

SECRET = "bench-signing-secret"


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


def percentiles(seconds: list[float]) -> dict[str, float]:
    """p50/p95/p99/max in ms (nearest rank); an infinite value (an error) stays infinite."""
    ordered = sorted(seconds)
    if not ordered:
        return {k: math.nan for k in ("p50", "p95", "p99", "max")}

    def rank(p: float) -> float:
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] * 1000

    return {"p50": rank(50), "p95": rank(95), "p99": rank(99), "max": ordered[-1] * 1000}


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


def answered(fake: FakeSlack) -> list[Call]:
    """The fake's calls so far, up to the first it has not answered yet (a call is recorded
    just before its answer is set)."""
    calls = list(fake.calls)
    return next((calls[:n] for n, call in enumerate(calls) if call.response is None), calls)


def collect(fake: FakeSlack, sent: list[Sent], timeout: float) -> None:
    """Match each command's answer (its response_url) and chart (its DM channel) in the fake."""
    waiting = {s.target: s for s in sent if s.status == 200}
    by_channel = {s.channel: s for s in waiting.values()}
    seen = 0
    deadline = time.monotonic() + timeout
    while waiting and time.monotonic() < deadline:
        calls = answered(fake)
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


class Watcher(threading.Thread):
    """Marks each command whose answer and chart the fake has recorded (for --gate answer)."""

    def __init__(self, fake: FakeSlack) -> None:
        super().__init__(daemon=True)
        self.fake, self.seen, self.stopped = fake, 0, threading.Event()
        self.by_target: dict[str, Sent] = {}
        self.by_channel: dict[str, Sent] = {}
        self.done: dict[int, threading.Event] = {}
        self.lock = threading.Lock()

    def watch(self, one: Sent) -> threading.Event:
        with self.lock:
            self.by_target[one.target], self.by_channel[one.channel] = one, one
            return self.done.setdefault(one.n, threading.Event())

    def run(self) -> None:
        while not self.stopped.wait(0.002):
            calls = answered(self.fake)
            with self.lock:
                for call in calls[self.seen:]:
                    one = None
                    if call.method == "response_url":
                        one = self.by_target.get(str(call.target))
                        if one is not None and one.answer is None:
                            one.answer = call
                    elif (call.method == "files.completeUploadExternal" and call.status == 200
                          and call.response.get("ok")):
                        one = self.by_channel.get(str(call.params.get("channel_id")))
                        if one is not None and one.upload is None:
                            one.upload = call
                    if one is not None and one.answer and one.upload:
                        self.done[one.n].set()
                self.seen = len(calls)


def fire(bot_url: str, fake: FakeSlack, store: Store, requests: int, concurrency: int,
         timeout: float, rate: float | None = None, gate: str = "ack"
         ) -> tuple[list[Sent], float]:
    """Send the commands C at a time: each sender sends its next command when the bot has
    acknowledged its last (gate "ack") or when its last answer and chart have arrived (gate
    "answer": C people asking, each waiting for the answer); with a rate, also none before its
    turn (n / rate seconds after the start). Then wait for the answers; (commands, wall s)."""
    sent = [Sent(n, store.areas[n % len(store.areas)], f"U0BQ{n:06d}", fake.response_url())
            for n in range(requests)]
    watcher = Watcher(fake)
    watcher.start()
    start = time.time()

    def paced(one: Sent) -> Sent:
        if rate:
            time.sleep(max(0.0, start + one.n / rate - time.time()))
        answered = watcher.watch(one)
        send(bot_url, one)
        if gate == "answer" and one.status == 200:
            answered.wait(timeout)
        return one

    try:
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            list(pool.map(paced, sent))
        collect(fake, sent, timeout)
    finally:
        watcher.stopped.set()
    ends = [max(s.answer.time, s.upload.time) for s in sent if s.answer and s.upload]
    return sent, (max(ends) if ends else time.time()) - start


def warm_up(bot_url: str, fake: FakeSlack, store: Store, timeout: float) -> Sent:
    one = send(bot_url, Sent(-1, store.areas[1], ADMIN, fake.response_url()))
    collect(fake, [one], timeout)
    return one
