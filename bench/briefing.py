"""Benchmark: how long the monthly briefing and `cspbot assess` take.

Measures, in a fresh temporary store holding the demo (loaded first, not timed):
  * `build_monthly(db, "kettering", "2010-03")`: the first build in the process (fonts and
    caches cold) and the median of --repeat further builds;
  * its charts: each monthly indicator's ChartData is rebuilt as build_monthly makes it
    (choose_series, assess, briefings.sections.chart_data_of) and drawn again with
    draw_indicator_chart, then the overview and the survey charts, each timed on its own, next to
    the reference: a bare matplotlib Figure (Agg canvas) of one line plot of the same size saved
    to PNG in the same run;
  * `cspbot briefing` end to end (a subprocess: interpreter start, imports, build, files);
  * `cspbot assess` on 50 series (the six series of tests/golden/example-input.json repeated
    with new ids): `python -m bot assess` in a subprocess, wall time including interpreter
    start, best of --repeat; and assess() in process.
Targets: the whole briefing under 3 s, assess of 50 series under 2 s.

Run from the project root:
    .venv/bin/python bench/briefing.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from briefings.assess import assess  # noqa: E402
from briefings.charts import draw_indicator_chart, draw_overview, draw_survey_chart  # noqa: E402
from briefings.inputs import assess_input, choose_series  # noqa: E402
from briefings.method import MethodSettings  # noqa: E402
from briefings.monthly import build_monthly  # noqa: E402
from briefings.sections import chart_data_of  # noqa: E402
from data import briefing_data as store  # noqa: E402
from data.db import open_db  # noqa: E402
from data.demo import load_demo  # noqa: E402

PID, MONTH = "kettering", "2010-03"
BRIEFING_TARGET_S = 3.0
ASSESS_TARGET_S = 2.0
EXAMPLE = ROOT / "tests" / "golden" / "example-input.json"


def timed(work: Any, *args: Any, **kwargs: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    result = work(*args, **kwargs)
    return time.perf_counter() - start, result


def reference_png() -> float:
    """A bare Figure (Agg) with one line plot, 800 x 430 pixels, saved to PNG."""
    def draw() -> bytes:
        fig = Figure(figsize=(8, 4.3), dpi=100)
        FigureCanvasAgg(fig)
        fig.add_subplot().plot(range(72), [(i * 37) % 50 for i in range(72)])
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png")
        return buffer.getvalue()
    draw()  # the first figure of a process loads fonts: not the reference
    return statistics.median(timed(draw)[0] for _ in range(5))


def judge(db: Any) -> tuple[list[Any], dict[str, Any]]:
    """The series build_monthly chooses and their judgements, as it makes them."""
    specs = choose_series(db, PID, MONTH)
    document, _ = assess_input(specs, {s.area: store.population(db, PID, s.area)
                                       for s in specs})
    return specs, assess(document, MethodSettings())


def time_charts(specs: list[Any], out: dict[str, Any]) -> list[tuple[str, float]]:
    """Draw again, one by one, every chart build_monthly draws."""
    judged = {o["id"]: o for o in out["series"] + out["surveys"]}
    times, monthly = [], []
    for spec in specs:
        found = judged.get(spec.key)
        if found is None:
            continue
        if spec.kind == "survey":
            waves = [(w["wave"], w["percent"], *found[k]) for w, k in
                     ((spec.waves[-2], "wilson95_baseline_pct"),
                      (spec.waves[-1], "wilson95_current_pct"))]
            seconds, _ = timed(draw_survey_chart, spec.key, spec.name, waves,
                               found.get("target_pct"), "alt")
        elif not spec.sensitive:
            data = chart_data_of(spec, found, spec.key)
            monthly.append((spec.key, data))
            seconds, _ = timed(draw_indicator_chart, spec.key, data, "alt")
        else:
            continue
        times.append((spec.key, seconds))
    seconds, _ = timed(draw_overview, monthly, "overview", "alt")
    return times + [("overview", seconds)]


def fifty_series(into: Path) -> tuple[Path, dict[str, Any]]:
    document = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    base = document["series"]
    document["series"] = [dict(base[n % len(base)], id=f"{base[n % len(base)]['id']}_{n:02d}")
                          for n in range(50)]
    document["surveys"] = []
    path = into / "fifty.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path, document


def run_cli(args: list[str], env: dict[str, str]) -> float:
    seconds, done = timed(subprocess.run, [sys.executable, "-m", "bot", *args], cwd=ROOT,
                          env=env, capture_output=True)
    if done.returncode != 0:
        raise SystemExit(f"`cspbot {' '.join(args)}` failed:\n{done.stderr.decode()}")
    return float(seconds)


def verdict(seconds: float, target: float) -> str:
    return f"{'met' if seconds < target else 'NOT met'} (target < {target:g} s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {**os.environ, "CSP_DB_PATH": str(folder / "csp.db"),
               "CSP_LOG_FILE": str(folder / "csp.log")}
        db = open_db(folder / "csp.db")
        load_demo(db)
        cold, briefing = timed(lambda: build_monthly(db, PID, MONTH))
        warm = statistics.median(timed(lambda: build_monthly(db, PID, MONTH))[0]
                                 for _ in range(args.repeat))
        judging, (specs, judged) = timed(judge, db)
        charts = time_charts(specs, judged)
        reference = reference_png()
        cli = min(run_cli(["briefing", "-p", PID, "-m", MONTH, "--out", str(folder / f"o{n}")],
                          env) for n in range(args.repeat))
        path, document = fifty_series(folder)
        assess_cli = min(run_cli(["assess", str(path), "--out", str(folder / "a.json")], env)
                         for _ in range(args.repeat))
        assess_in = min(timed(lambda: assess(document, MethodSettings()))[0]
                        for _ in range(args.repeat))
        db.close()
    drawn = sum(s for _, s in charts)
    print(f"build_monthly({PID}, {MONTH}): first {cold:.2f} s, then median {warm:.2f} s "
          f"({len(briefing.sections)} sections, {len(briefing.charts())} charts)")
    print(f"  charts drawn again: {len(charts)} in {drawn:.2f} s, "
          f"{drawn / len(charts) * 1000:.0f} ms each on average; reference (bare Figure, one "
          f"line, PNG): {reference * 1000:.0f} ms")
    for name, seconds in charts:
        print(f"    {name:40} {seconds * 1000:6.0f} ms  ({seconds / reference:.1f}x reference)")
    print(f"  choosing the series and judging them (assess): {judging:.2f} s")
    print(f"cspbot briefing (subprocess, files written): best {cli:.2f} s")
    print(f"cspbot assess, 50 series (subprocess, interpreter start included): best "
          f"{assess_cli:.2f} s; assess() in process: best {assess_in:.2f} s")
    print(f"Target, whole briefing: build_monthly first {verdict(cold, BRIEFING_TARGET_S)}; "
          f"cspbot briefing end to end {verdict(cli, BRIEFING_TARGET_S)}")
    print(f"Target, assess of 50 series: cspbot assess {verdict(assess_cli, ASSESS_TARGET_S)}; "
          f"in process {verdict(assess_in, ASSESS_TARGET_S)}")


if __name__ == "__main__":
    main()
