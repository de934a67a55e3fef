"""One section of the briefing per series: its sentence, facts, chart and notes.

Small counts of sensitive indicators below partnership level (1 to 4, configurable) are shown
as "fewer than 5" in facts and tables, and such series get no chart.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from briefings import narrative
from briefings.chart_axis import runs
from briefings.charts import ChartData, draw_indicator_chart, draw_survey_chart, visible_context
from briefings.inputs import SeriesSpec
from briefings.model import Fact, Section
from briefings.months import format_month, fy_position, parse_month
from briefings.narrative import Sentence, describe_series, describe_survey, subject_of
from data.words import counted

TREND_WORDS = {"decreasing": "falling", "increasing": "rising", "no trend": "no clear trend"}
CONFIDENCE_WORDS = {
    "confident_meet": "on course to meet the target (the whole interval meets it)",
    "likely_meet": "likely to meet the target",
    "likely_miss": "likely to miss the target",
    "confident_miss": "not on course to meet the target (the whole interval misses it)"}
SPC_FEWEST = 6  # fewer points than this since a gap: no position is given
SPC_TRIAL = 12  # fewer than this: the limits are trial limits, and the fact says so
SPC_FACTS = {"common_cause": "within normal variation",
             "special_cause_improvement": "unusual, and better than normal",
             "special_cause_concern": "unusual, and worse than normal",
             "special_cause_neutral": "unusual"}
SPC_WORDS = {"special_cause_improvement": "improvement", "special_cause_concern": "concern",
             "common_cause": "common_cause"}


@dataclass
class SectionBuild:
    section: Section
    sentence_parts: Sentence
    chart_data: ChartData | None
    title: str


def make_section(spec: SeriesSpec, judged: dict[str, Any] | None, owner: dict[str, Any] | None,
                 pid: str, month: str, suppress_below: int) -> SectionBuild:
    in_area = None if spec.area == pid else spec.area_name
    subject = subject_of(spec.indicator, spec.name, in_area, spec.unit)
    title = spec.name if in_area is None else f"{spec.name}, {in_area}"
    shown = _shower(spec, suppress_below)
    chart_data, chart = None, None
    if judged is None:
        sentence = Sentence(subject, "cannot be judged yet", f"{subject}: " + (
            " ".join(spec.notes) or "no figures to judge yet."))
        facts: list[Fact] = []
    elif spec.kind == "survey":
        sentence = describe_survey(judged, subject)
        facts = survey_facts(spec, judged)
        waves = [(w["wave"], w["percent"], *judged[k]) for w, k in
                 ((spec.waves[-2], "wilson95_baseline_pct"),
                  (spec.waves[-1], "wilson95_current_pct"))]
        chart = draw_survey_chart(spec.key, title, waves, judged.get("target_pct"),
                                  f"{title}: {sentence.text}")
    else:
        sentence = describe_series(judged, subject)
        facts = series_facts(spec, judged, shown)
        if not spec.sensitive:
            chart_data = chart_data_of(spec, judged, title, spec.context)
            chart = draw_indicator_chart(spec.key, chart_data, alt_text(
                spec, judged, title, sentence.text, chart_data))
        else:
            spec.notes.append(f"Counts below {suppress_below} are not shown for this area; "
                              "no chart is drawn.")
    if owner:
        facts.append(Fact("Priority", owner["priority"] + (
            f"; lead: {', '.join(owner['leads'])}" if owner["leads"] else
            "; held at partnership level")))
    flags = [f["message"] for f in (judged or {}).get("flags", [])
             if f["code"] not in ("no_target",)]
    section = Section(key=spec.key, indicator=spec.indicator, area=spec.area, title=title,
                      sentence=sentence.text, facts=facts, chart=chart,
                      judgement=judged or {}, notes=spec.notes + flags,
                      priority=owner["priority"] if owner else None,
                      leads=owner["leads"] if owner else [])
    return SectionBuild(section, sentence, chart_data, title)


def _shower(spec: SeriesSpec, suppress_below: int):  # type: ignore[no-untyped-def]
    def show(value: float) -> str:
        if spec.sensitive and 0 < value < suppress_below:
            return f"fewer than {suppress_below}"
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"
    return show


def series_facts(spec: SeriesSpec, out: dict[str, Any], show) -> list[Fact]:  # type: ignore[no-untyped-def]
    latest = spec.values[-1]
    facts = [Fact(f"Latest month ({spec.months[-1]})",
                  "no figure (the month is not held)" if latest is None else show(latest))]
    yoy = out.get("yoy")
    codes = {f["code"] for f in out.get("flags", [])}
    if yoy:
        change = (f"{yoy['pct_change']:+.1f}%" if yoy.get("pct_change") is not None
                  and not yoy.get("small_counts") else "counts too small for a %")
        verdict = ("significant" if yoy["significant"] else
                   "not significant: within normal year-to-year variation")
        matched = (f", based on {yoy['matched_months']} matched months"
                   if "matched_months" in codes else "")
        facts.append(Fact("Latest 12 months", f"{show(yoy['count_current'])}, against "
                          f"{show(yoy['count_previous'])} in the 12 months before{matched} "
                          f"({change}; {verdict}, {p_text(yoy['p_value'])})"))
    else:
        facts += gap_facts(out, show)
    mk = (out.get("mann_kendall") or {}).get("current")
    no_trend = narrative.flag_reason(out, "no_trend_gaps")
    if no_trend:
        facts.append(Fact("Trend", no_trend))
    if mk:
        facts.append(Fact(f"Trend ({mk['window_months'][0]} to {mk['window_months'][1]})",
                          f"{TREND_WORDS.get(mk['trend'], mk['trend'])} ({p_text(mk['p'])}): "
                          + slope_words(mk["slope_per_year"], spec.unit, mk["trend"])))
    projection = out.get("projection")
    if projection and projection.get("target_value") is not None and spec.target:
        t = spec.target
        how = (f"{t['reduction_pct']:g}% below the {t['baseline_year']}"
               if t.get("reduction_pct") is not None else "a stated value; the baseline")
        facts.append(Fact(f"Target {t['target_year']}", f"{projection['target_value']:,.0f}, "
                          f"{how} figure of {projection['baseline_value'] or 0:,.0f}"))
        facts.append(Fact(f"Projection {t['target_year']}",
                          f"{projection['projected_value']:,.0f} (95% interval "
                          f"{projection['ci95_low']:,.0f} to {projection['ci95_high']:,.0f}); "
                          f"{CONFIDENCE_WORDS.get(projection['confidence'] or '', '')}"))
    spc = out.get("spc")
    if spc:
        facts.append(Fact("Latest month against normal variation", spc_words(spc)))
    return facts


def slope_words(slope: float, unit: str, trend: str) -> str:
    """The Sen slope said plainly: 'about 3.0 more a month each year' (counts), 'the monthly
    figure about 0.4 lower each year' (rates, percentages); 'which could be chance' without a
    trend."""
    size = f"{abs(slope):,.1f}"
    if size in ("0.0", "-0.0"):
        words = "the monthly figure has hardly moved from year to year"
    elif unit == "count":
        words = f"about {size} {'more' if slope > 0 else 'fewer'} a month each year"
    else:
        words = f"the monthly figure about {size} {'higher' if slope > 0 else 'lower'} each year"
    return words + (", which could be chance" if trend == "no trend" and size != "0.0" else "")


def spc_words(spc: dict[str, Any]) -> str:
    """The latest month against normal variation, with trial limits said (METHOD 2.9): too few
    points since a gap to say anything, or a position on limits from fewer than 12 points."""
    words = SPC_FACTS.get(spc["latest_point_type"], spc["latest_point_type"])
    months = spc.get("months") or spc["window_months"]
    points = len(spc["point_type"])
    if points < SPC_FEWEST:
        return f"not judged: only {counted(points, 'month')} since {months[0]}"
    if points < SPC_TRIAL:
        return f"{words} (trial limits, from {counted(points, 'month')} since {months[0]})"
    return words


def gap_facts(out: dict[str, Any], show) -> list[Fact]:  # type: ignore[no-untyped-def]
    """With no J1 for gaps (METHOD 2.9): the month against a year earlier, the latest 12."""
    facts = []
    same, latest = out.get("same_month_last_year"), out.get("latest_12_months")
    if same:
        facts.append(Fact("Same month a year earlier", narrative.same_month_words(same, show)))
    if latest and "too_many_gaps_for_period_change" in {f["code"] for f in out["flags"]}:
        facts.append(Fact("Latest 12 months", f"{show(latest['total'])} ({latest['first']} "
                          f"to {latest['last']})"))
    return facts


def p_text(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def survey_facts(spec: SeriesSpec, out: dict[str, Any]) -> list[Fact]:
    base, cur = spec.waves[-2], spec.waves[-1]
    low, high = out["newcombe95_diff_pp"]
    facts = [Fact(f"Wave {w['wave']} (to {w['fieldwork_end']})",
                  f"{w['percent']:.1f}% of {w['base_n']:,} asked")
             for w in (base, cur)]
    facts.append(Fact("Change", f"{out['change_pp']:+.1f} percentage points (95% interval "
                      f"{low:+.1f} to {high:+.1f}; {p_text(out['p_value'])})"))
    if out.get("target_pct") is not None:
        facts.append(Fact("Target", f"{out['target_pct']:g}%; the latest wave is "
                          f"{out['position_vs_target']}"))
    return facts


def chart_data_of(spec: SeriesSpec, out: dict[str, Any], title: str,
                  context: list[tuple[str, str, str]] | None = None) -> ChartData:
    """The chart: the whole history held (a month with no data is None, a break in the line),
    SPC limits from the baseline's first month, put back on the scale of the raw counts (they
    follow the seasons), the fitted trend where it says something (significant, or leading into
    a projection) and the projection, both with the seasons evened out so that they compare with
    the target's monthly average, the target and the context spans."""
    data = ChartData(title=title, unit="per month" if spec.unit == "count" else spec.unit,
                     months=list(spec.months), values=list(spec.values),
                     context=list(context or []))
    trend, spc = out.get("trend_glm"), out.get("spc")
    factors = trend["seasonal_factors_apr_to_mar"] if trend else [1.0] * 12
    if spc:
        data.spc_months = spc.get("months") or _span(spc["window_months"])
        data.point_types = [SPC_WORDS.get(p, "common_cause") for p in spc["point_type"]]
        start = spc.get("baseline_start") or data.spc_months[0]
        f = [factors[fy_position(parse_month(m))] if m >= start else float("nan")
             for m in data.spc_months]
        data.mean = [spc["mean"] * k for k in f]
        data.lower_limit = [max(0.0, spc["lpl"]) * k for k in f]
        data.upper_limit = [spc["upl"] * k for k in f]
    data.seasonal = bool(trend and trend.get("seasonal_terms"))
    projection = out.get("projection")
    projected = bool(projection and projection.get("projected_monthly"))
    if trend and trend.get("fitted_monthly") and (trend.get("significant") or projected):
        data.fitted_months = trend.get("fitted_months") or _span(trend["window_months"])
        data.fitted = _evened(trend["fitted_monthly"], data.fitted_months, factors)
    if projection and projected:
        data.projection_months = _span(projection["target_months"])
        data.projection = _evened(projection["projected_monthly"], data.projection_months,
                                  factors)
        low = projection["ci95_low"] / projection["projected_value"]
        high = projection["ci95_high"] / projection["projected_value"]
        data.projection_low = [v * low for v in data.projection]
        data.projection_high = [v * high for v in data.projection]
        if projection.get("target_value") is not None and spec.unit == "count":
            data.target_monthly = projection["target_value"] / 12
            data.target_label = f"target {spec.target['target_year'] if spec.target else ''}" \
                                " per month"
    return data


def _evened(values: list[float], months: list[str], factors: list[float]) -> list[float]:
    """Monthly values with the seasons evened out (divided by their month's seasonal factor)."""
    return [v / factors[fy_position(parse_month(m))] for v, m in zip(values, months, strict=True)]


def _span(pair: list[str]) -> list[str]:
    """Every month of a window written [first, last]."""
    return [format_month(m) for m in range(parse_month(pair[0]), parse_month(pair[1]) + 1)]


def alt_text(spec: SeriesSpec, out: dict[str, Any], title: str, sentence: str,
             data: ChartData | None = None) -> str:
    """What the chart draws, in words: its months, its lines, the months with no data and the
    shaded context, then the sentence and the latest 12 months."""
    data = data or chart_data_of(spec, out, title)
    drawn = [words for words, shown in (
        ("the range of normal variation", any(v == v for v in data.mean)),
        ("the trend", bool(data.fitted)), ("its projection", bool(data.projection))) if shown]
    lines = (" and ".join(drawn) if len(drawn) < 3
             else f"{drawn[0]}, {drawn[1]} and {drawn[2]}")
    text = (f"Line chart of monthly figures for {title}, {data.months[0]} to "
            f"{data.months[-1]}" + (f", with {lines}." if lines else "."))
    gaps = runs([n for n, v in enumerate(data.values) if v is None])
    if gaps:
        text += " No figures for " + _and([
            data.months[a] if a == b else f"{data.months[a]} to {data.months[b]}"
            for a, b in gaps]) + "."
    for first, last, label in visible_context(data):
        text += f" Shaded: {label}, {first} to {last}."
    return f"{text} {sentence}{_latest_12(out)}"


def _latest_12(out: dict[str, Any]) -> str:
    yoy, total = out.get("yoy"), out.get("latest_12_months")
    if yoy and isinstance(yoy.get("matched_months"), int) and yoy["matched_months"] < 12:
        return (f" Latest 12 months, {yoy['matched_months']} matched months: "
                f"{yoy['count_current']:,}, against {yoy['count_previous']:,} in the same "
                "months a year before.")
    if yoy:
        return (f" Latest 12 months: {yoy['count_current']:,}, against "
                f"{yoy['count_previous']:,} in the 12 before.")
    if total:
        return f" Latest 12 months ({total['first']} to {total['last']}): {total['total']:,}."
    return ""


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
