"""The in-process part of bench/slack.py (--profile): one `/csp burglary <area>` in this process,
phase by phase (dispatch, rendering, the posts to the fake Slack), then cProfile of one command.

With answers prepared (briefings/answers.py) dispatch is a lookup; the costly steps (queries,
statistics, chart) are timed apart on the answer worked out afresh (briefings.indicator.judge).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fakes.slack_api import FakeSlack
from slack_store import ADMIN, CHANNEL, PID, Store

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "xoxb-bench-token"


def in_process_profile(store: Store, fake: FakeSlack) -> dict[str, Any]:
    """One command in this process, phase by phase (cold: the first; warm: median of the next
    5, answered from the kept answer); the steps of working the answer out afresh (mean of 5);
    cProfile of working it out afresh."""
    import cProfile
    import io
    import pstats

    from slack_sdk.webhook import WebhookClient

    from bot.config import load_config
    from bot.services import Services
    from bot.slack.client import make_client
    from bot.slack.render import render_message
    from bot.slack.send import direct_channel, upload_charts
    from briefings.indicator import judge
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
        names = ("dispatch (finding the answer)", "render_message", "response_url post",
                 "conversations.open", "files_upload_v2 (3 calls)")
        return {name: (b - a) * 1000 for name, a, b in zip(names, marks, marks[1:],
                                                             strict=False)}

    cold = one()
    warm = [one() for _ in range(5)]
    phases = {name: statistics.median(w[name] for w in warm) for name in warm[0]}
    db, settings = services.db(), services.settings()

    def afresh() -> None:  # what answering costs when the answer is not kept yet
        judge(db, PID, "burglary", area.id, None, settings.method, settings.suppress_below)

    with timed_parts() as parts:
        for _ in range(5):
            start = time.perf_counter()
            afresh()
            parts["total (worked out afresh)"] += (time.perf_counter() - start) * 1000
    inside = {name: ms / 5 for name, ms in parts.items()}
    profiler = cProfile.Profile()
    profiler.enable()
    afresh()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(30)
    top_own = io.StringIO()
    pstats.Stats(profiler, stream=top_own).sort_stats("tottime").print_stats(15)
    return {"cold_ms": cold, "warm_median_ms": phases,
            "warm_total_ms": sum(phases.values()), "afresh_parts_mean_ms": inside,
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
