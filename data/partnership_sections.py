"""The vocabulary of a partnership file and a reader for each of its sections.

`data.partnership_file` reads the file and goes through its sections in order; the readers here
check one table of a section each (an area, a person, an action...) and say where a mistake is
(`actions[3].lead`) and what is expected. The format is docs/partnership-file.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from data.catalogue import ALIASES, normalise
from data.errors import did_you_mean
from data.toml_reader import Reader

ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
NUMBERED = re.compile(r"^\d+(\.\d+)*[a-z]?$")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
DATE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
FY = re.compile(r"^(\d{4})/(\d{2})$")
PERIOD = re.compile(r"^(\d{4})-(\d{2})$")
LSOA = re.compile(r"^[EW]0\d{7}$")
SLACK_CHANNEL = re.compile(r"^[CGD][A-Z0-9]{6,}$")
# "day N" (1-28) or "working day N" (1-20), at HH:MM (24-hour, Europe/London).
SCHEDULE = re.compile(r"^(?:working day (?:[1-9]|1\d|20)|day (?:[1-9]|1\d|2[0-8])) at "
                      r"(?:[01]\d|2[0-3]):[0-5]\d$")
ROLES = ("member", "lead", "admin")
STATUSES = ("not-started", "on-track", "at-risk", "off-track", "complete", "withdrawn")
UNITS = ("count", "rate_per_1000", "percent")
POLARITIES = ("lower-is-better", "higher-is-better")
PLATFORMS = ("slack", "teams")
KINDS = ("local", "survey")


@dataclass
class Output:
    measure: str
    unit: str | None = None
    target: float | None = None
    current: float | None = None


def checked_tables(top: Reader, name: str, keys: tuple[str, ...]) -> list[Reader]:
    readers = top.tables(name)
    for r in readers:
        r.check_keys(keys)
    return readers


def unique_ids(top: Reader, name: str, items: list[dict[str, Any]]) -> set[str]:
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        if item["id"] in seen:
            top.fail(f"{name}[{i}].id", f"'{item['id']}' is already the id of "
                     f"{name}[{seen[item['id']]}]; ids must be unique")
        seen[item["id"]] = i
    return set(seen)


def reference(r: Reader, name: str, known: set[str], what: str,
              required: bool = True) -> str | None:
    value = r.text(name, required=required, expected=f"a {what} id")
    if value is not None and value not in known:
        r.fail(name, f"unknown {what} '{value}'." + did_you_mean(value, known)
               + f" {what.capitalize()} ids: {', '.join(sorted(known)) or 'none'}.")
    return value


def read_date(r: Reader, name: str) -> str | None:
    value = r.text(name, required=False, pattern=DATE, expected="a date YYYY-MM-DD")
    if value is not None:
        try:
            date.fromisoformat(value)
        except ValueError:
            r.fail(name, f"'{value}' is not a date in the calendar")
    return value


def read_area(r: Reader) -> dict[str, Any]:
    r.check_keys(("id", "name", "lsoas", "local_authorities"))
    area = {"id": r.text("id", pattern=ID, expected="an id"), "name": r.text("name"),
            "lsoas": r.texts("lsoas", LSOA, "LSOA codes like E01027058"),
            "local_authorities": r.texts("local_authorities")}
    if not (area["lsoas"] or area["local_authorities"]):
        r.fail("lsoas", "is missing: an area needs lsoas or local_authorities")
    return area


def read_indicator(r: Reader) -> dict[str, Any]:
    r.check_keys(("id", "name", "kind", "unit", "polarity", "aliases", "sensitive"))
    sensitive = r.table.get("sensitive", False)
    if not isinstance(sensitive, bool):
        r.fail("sensitive", "must be true or false")
    return {"id": r.text("id", pattern=ID, expected="an id"), "name": r.text("name"),
            "kind": r.choice("kind", KINDS, "local"), "unit": r.choice("unit", UNITS, "count"),
            "polarity": r.choice("polarity", POLARITIES, "lower-is-better"),
            "aliases": r.texts("aliases"), "sensitive": sensitive}


def indicator_words(top: Reader, local: list[dict[str, Any]]) -> dict[str, str]:
    """Every word that names an indicator -> its id: built-in ones and this file's own."""
    words = dict(ALIASES)
    for i, ind in enumerate(local):
        for word in (ind["id"], ind["name"], *ind["aliases"]):
            key = normalise(word)
            if words.get(key, ind["id"]) != ind["id"]:
                top.fail(f"indicators[{i}]", f"'{word}' already names indicator "
                         f"'{words[key]}'; choose another id or alias")
            words[key] = ind["id"]
    return words


def _indicator_ref(r: Reader, value: str, words: dict[str, str], name: str) -> str:
    slug = words.get(normalise(value))
    if slug is None:
        r.fail(name, f"unknown indicator '{value}'." + did_you_mean(normalise(value), words)
               + " Declare local indicators under [[indicators]].")
    return str(slug)


def read_person(r: Reader, agencies: set[str]) -> dict[str, Any]:
    r.check_keys(("id", "name", "agency", "role", "slack", "teams", "email"))
    return {"id": r.text("id", pattern=ID, expected="an id"), "name": r.text("name"),
            "agency": reference(r, "agency", agencies, "agency", required=False),
            "role": r.choice("role", ROLES, "member"),
            "slack": r.text("slack", required=False, pattern=re.compile(r"^[UW][A-Z0-9]{6,}$"),
                            expected="a Slack user id like U0123ABCD"),
            "teams": r.text("teams", required=False)}


def read_priority(r: Reader, agencies: set[str], words: dict[str, str]) -> dict[str, Any]:
    r.check_keys(("id", "name", "leads", "level", "delivery_group", "period", "indicators"))
    leads = r.texts("leads")
    for lead in leads:
        if lead not in agencies:
            r.fail("leads", f"unknown agency '{lead}'." + did_you_mean(lead, agencies)
                   + f" Agency ids: {', '.join(sorted(agencies))}.")
    level = r.choice("level", ("agency", "partnership"), "agency" if leads else "partnership")
    if level == "agency" and not leads:
        r.fail("leads", "is empty: name the lead agencies, or set level = \"partnership\"")
    start, end = _period(r)
    return {"id": r.text("id", pattern=ID, expected="an id"), "name": r.text("name"),
            "leads": leads, "level": level,
            "delivery_group": r.text("delivery_group", required=False),
            "period_start": start, "period_end": end,
            "indicators": [_indicator_ref(r, w, words, "indicators") for w in r.texts(
                "indicators")]}


def _period(r: Reader) -> tuple[str | None, str | None]:
    value = r.table.get("period")
    if value is None:
        return None, None
    if isinstance(value, str) and (m := PERIOD.match(value)):
        first = int(m.group(1))
        return f"{first}-04", f"{first // 100 * 100 + int(m.group(2))}-03"
    if isinstance(value, dict):
        sub = Reader(r.path, f"{r.key}.period", value)
        sub.check_keys(("start", "end"))
        return (sub.text("start", pattern=MONTH, expected="a month YYYY-MM"),
                sub.text("end", pattern=MONTH, expected="a month YYYY-MM"))
    r.fail("period", f"must be like \"2010-13\" or {{ start = \"2010-04\", end = \"2013-03\" }},"
           f" not {value!r}")
    return None, None


def read_action(r: Reader, agencies: set[str], themes: set[str],
                priorities: set[str]) -> dict[str, Any]:
    r.check_keys(("id", "title", "theme", "priority", "lead", "status", "due", "outputs"))
    action: dict[str, Any] = {
        "id": r.text("id", pattern=NUMBERED, expected="a number like 4.6.2"),
        "title": r.text("title"),
        "theme": reference(r, "theme", themes, "theme", required=False),
        "priority": reference(r, "priority", priorities, "priority", required=False),
        "lead": reference(r, "lead", agencies, "agency", required=False),
        "status": r.choice("status", STATUSES, "not-started"),
        "due": read_date(r, "due"),
        "outputs": []}
    outputs_read: list[Output] = action["outputs"]
    if not (action["theme"] or action["priority"]):
        r.fail("theme", "is missing: an action belongs to a theme or a priority")
    outputs = r.table.get("outputs", [])
    if not isinstance(outputs, list):
        r.fail("outputs", "must be a list of { measure = ..., current = ... } tables")
    for i, item in enumerate(outputs):
        o = Reader(r.path, f"{r.key}.outputs[{i}]", item)
        o.check_keys(("measure", "unit", "target", "current"))
        outputs_read.append(Output(str(o.text("measure")), o.text("unit", required=False),
                                   o.number("target"), o.number("current")))
    return action


def read_target(r: Reader, words: dict[str, str], areas: set[str]) -> dict[str, Any]:
    r.check_keys(("indicator", "area", "baseline_year", "reduction_pct", "value", "target_year"))
    year = re.compile(r"^\d{4}(/\d{2})?$")
    target = {"indicator": _indicator_ref(r, str(r.text("indicator")), words, "indicator"),
              "area": r.text("area", required=False) or None,
              "baseline_year": r.text("baseline_year", pattern=year,
                                      expected="a financial year like 2007/08 (or a survey year)"),
              "reduction_pct": r.number("reduction_pct"), "target_value": r.number("value"),
              "target_year": r.text("target_year", pattern=year,
                                    expected="a financial year like 2010/11 (or a survey year)")}
    if target["area"] is not None and target["area"] not in areas:
        r.fail("area", f"unknown area '{target['area']}'."
               + did_you_mean(str(target["area"]), areas)
               + f" Areas: {', '.join(sorted(areas))}.")
    if (target["reduction_pct"] is None) == (target["target_value"] is None):
        r.fail("reduction_pct", "give either reduction_pct or value (not both, not neither)")
    return target


def read_subscription(r: Reader) -> dict[str, Any]:
    r.check_keys(("platform", "channel", "schedule"))
    platform = r.choice("platform", PLATFORMS)
    channel = r.text("channel", pattern=SLACK_CHANNEL if platform == "slack" else None,
                     expected="a Slack channel id like C0123ABCD")
    schedule = r.text("schedule", pattern=SCHEDULE,
                      expected='a schedule like "day 5 at 09:00" or "working day 3 at 09:00"')
    return {"platform": platform, "channel": channel, "schedule": schedule}
