"""One indicator in one area, judged as the briefing judges it: what `/csp burglary` answers."""

from __future__ import annotations

import threading
from collections import OrderedDict

import sqlite_utils

from briefings.assess import assess
from briefings.inputs import SeriesSpec, assess_input, cut_series
from briefings.method import MethodSettings
from briefings.model import Section
from briefings.sections import make_section
from data import briefing_data as store
from data.errors import DataError
from data.values import partnership_values


def latest_month(db: sqlite_utils.Database, pid: str, indicator: str, area: str) -> str | None:
    rows = partnership_values(db, pid, area, indicator)
    return max((r.month for r in rows), default=None)


_CACHE: OrderedDict[tuple[object, ...], tuple[Section, str]] = OrderedDict()
_CACHE_SIZE = 256
_LOCK = threading.Lock()


def indicator_section(db: sqlite_utils.Database, pid: str, indicator: str, area: str,
                      month: str | None = None, settings: MethodSettings | None = None,
                      suppress_below: int = 5) -> tuple[Section, str]:
    """(the section, the month it is as of) for `indicator` in `area` of partnership `pid`.

    The answer depends only on the store's data and the settings, so it is kept (with its
    chart) until the data change: the same question asked again costs a lookup, not a chart.
    """
    key = (pid, indicator, area, month, settings, suppress_below,
           store.data_version(db, pid), str(db.conn.execute("PRAGMA database_list").fetchone()))
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            return _CACHE[key]
    answer = _judge(db, pid, indicator, area, month, settings, suppress_below)
    with _LOCK:
        _CACHE[key] = answer
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return answer


def _judge(db: sqlite_utils.Database, pid: str, indicator: str, area: str, month: str | None,
           settings: MethodSettings | None, suppress_below: int) -> tuple[Section, str]:
    meta = store.indicator_meta(db, pid)[indicator]
    areas = store.areas(db, pid)
    target = next((t for t in store.targets(db, pid)
                   if t["indicator"] == indicator and t["area"] == area), None)
    spec = SeriesSpec(
        key=f"{indicator}@{area}", indicator=indicator, area=area,
        kind="survey" if meta["kind"] == "survey" else "monthly", name=meta["name"],
        area_name=areas[area]["name"], unit=meta["unit"], polarity=meta["polarity"],
        sensitive=bool(meta["sensitive"]) and areas[area]["kind"] != "partnership",
        target=target)
    where = f"{meta['name']} in {areas[area]['name']}"
    if spec.kind == "survey":
        spec.waves = [w for w in store.survey_waves(db, pid, month or "9999-12")
                      if w["indicator"] == indicator and w["area"] == area]
        if not spec.waves:
            raise DataError(f"No survey results for {where} yet.")
        as_of = spec.waves[-1]["fieldwork_end"]
    else:
        rows = partnership_values(db, pid, area, indicator, end=month)
        if not rows:
            held = latest_month(db, pid, indicator, area)
            raise DataError(f"No figures for {where}" + (f" up to {month}" if month else "")
                            + "." + (f" The first figures are after {month}; the latest is "
                                     f"{held}." if held else " Import some first."))
        as_of = month or max(r.month for r in rows)
        cut_series(spec, {r.month: (r.value, r.source) for r in rows}, as_of)
    document, used = assess_input([spec], {area: store.population(db, pid, area)})
    judged = None
    if used:
        out = assess(document, settings)
        judged = (out["series"] + out["surveys"])[0]
    owner = store.owners(db, pid).get(indicator)
    return make_section(spec, judged, owner, pid, as_of, suppress_below).section, as_of
