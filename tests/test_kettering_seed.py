"""The Kettering seed partnership file against the 2010 CDRP report it was written from.

Tests that read only data/seed run anywhere; those that read the report or the police.uk files
in the shared folder next to the repository skip when those are absent.
"""

from __future__ import annotations

import csv
import gzip
import math
import re
import statistics
import tomllib
from pathlib import Path

import pytest

from data.catalogue import ALIASES, BY_SLUG, normalise

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "data" / "seed"
TOML_PATH = SEED / "kettering.toml"
LSOA_CSV = SEED / "kettering-lsoas.csv"
# 2011 LSOAs of Kettering split into new codes in the 2021 census (police.uk files from 2024).
SPLIT_FROM = {"E01027110": ("E01035413", "E01035414"), "E01027101": ("E01035415", "E01035416"),
              "E01027124": ("E01035411", "E01035412")}
SPLIT_2021 = [code for parts in SPLIT_FROM.values() for code in parts]
SHARED = Path(__file__).resolve().parents[2] / "shared"
REPORT = SHARED / "seed" / "kettering-cdrp-report-2010.txt"
NORTHANTS = SHARED / "data" / "policeuk" / "northamptonshire"

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NUMBERED_RE = re.compile(r"^\s*(4\.\d+\.\d+)\s*$", re.MULTILINE)
STATUSES = {"not-started", "on-track", "at-risk", "off-track", "complete", "withdrawn"}
AGENCY_KINDS = {"police", "council", "health", "fire", "probation", "voluntary", "other"}

# Section 2.1: priority id -> (words the report's bullet starts with, lead agency ids).
PRIORITIES = {
    "asb-criminal-damage": ("anti-social behaviour and criminal damage", ["ncc"]),
    "serious-acquisitive-crime": ("serious acquisitive crime", ["police"]),
    "alcohol-related-violence": ("alcohol related violence", ["kbc"]),
    "domestic-abuse": ("domestic abuse", ["kbc", "sunflower"]),
    "hate-crime": ("hate crime", ["ncc"]),
    "public-confidence": ("public confidence", []),
}
# How the report names lead agencies in section 2.1.
REPORT_AGENCY = {"kbc": "kbc", "ncc": "ncc", "police": "police", "sunflower": "sunflower"}

# Every figure section 4 states: (action id, measure substring, output current, as the report
# writes it).
FIGURES = [
    ("4.1.1", "alcohol awareness training", 5000, "£5k"),
    ("4.1.1", "diversionary", 6000, "£6k"),
    ("4.1.1", "sessions", 4, "Four"),
    ("4.1.2", "taxis", 16, "16"),
    ("4.1.2", "polycarbonate", 10000, "£10k"),
    ("4.1.2", "body worn video", 12500, "£12.5k"),
    ("4.1.2", "Pubwatch", 2000, "£2k"),
    ("4.2.1", "Parenting support", 11000, "£11k"),
    ("4.3.1", "Safer Community Team areas", 5, "five"),
    ("4.4.2", "ex-offenders", 4, "4"),
    ("4.5.2", "active", 330, "330"),
    ("4.5.2", "New Neighbourhood Watch", 88, "88"),
    ("4.6.1", "active", 330, "330"),
    ("4.6.2", "Homes with upgraded security", 122, "122"),
    ("4.6.2", "Alleyways gated", 8, "8"),
    ("4.6.3", "SmartWater", 577, "577"),
    ("4.6.4", "CCTV cameras", 800, "800"),
    ("4.6.5", "letters", 152, "152"),
]
# Numbers in section 4 that are not outputs: dates, names, cross-references, descriptions.
NOT_FIGURES = {
    "4.1.1": {"4"},  # "Action 4 Schools"
    "4.2.1": {"2008", "2010", "2011"},  # started autumn 2008, funded into 2010/2011
    "4.4.1": {"three"},  # "the three strands are ..."
    "4.6.1": {"4.5.2"},  # "as mentioned above (4.5.2)"
    "4.6.3": {"2010"},  # rollout planned for April 2010
}
NUMBER_RE = re.compile(
    r"£?\d+(?:\.\d+)*k?|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b",
    re.IGNORECASE,
)

TOWN_CENTRE = (52.3985, -0.7265)  # Market Place, Kettering
TOWN_CENTRE_RADIUS_M = 700


@pytest.fixture(scope="module")
def seed() -> dict:
    with TOML_PATH.open("rb") as f:
        return tomllib.load(f)


@pytest.fixture(scope="module")
def report() -> str:
    if not REPORT.exists():
        pytest.skip(f"report not found: {REPORT}")
    return REPORT.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def lookup() -> list[dict[str, str]]:
    with LSOA_CSV.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def by_id(items: list[dict]) -> dict[str, dict]:
    return {item["id"]: item for item in items}


def section_4_paragraphs(report: str) -> dict[str, str]:
    """Numbered paragraph id -> its text, for section 4 of the report."""
    start = re.search(r"^\s*4\.\s*$", report, re.MULTILINE)
    assert start, "section 4 heading not found in the report"
    end = report.find("PURPOSE OF REPORT", start.end())
    section = report[start.end() : end if end != -1 else None]
    matches = list(NUMBERED_RE.finditer(section))
    paragraphs = {}
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        text = section[match.end() : following.start() if following else None]
        # Drop a trailing subsection heading ("4.2\nVulnerable Young People").
        paragraphs[match.group(1)] = re.split(r"^\s*4\.\d+\s*$", text, flags=re.MULTILINE)[0]
    return paragraphs


def section_2_1_bullets(report: str) -> list[str]:
    match = re.search(r"^\s*2\.1\s*$(.*?)^\s*2\.2\s*$", report, re.MULTILINE | re.DOTALL)
    assert match, "section 2.1 not found in the report"
    return [line.strip(" ·\t") for line in match.group(1).splitlines() if line.strip()
            and line.strip().startswith("·")]


def output(action: dict, measure: str) -> dict:
    """The one output of `action` with a figure whose measure contains `measure`."""
    found = [o for o in action["outputs"]
             if "current" in o and measure.lower() in o["measure"].lower()]
    assert len(found) == 1, f"{action['id']}: {len(found)} figures match {measure!r}"
    return found[0]


# --- the file alone --------------------------------------------------------------------------


def test_partnership(seed: dict) -> None:
    p = seed["partnership"]
    assert p["id"] == "kettering"
    assert p["name"] == "Kettering Community Safety Partnership"
    assert p["formerly"] == "Kettering CDRP"
    assert p["local_authorities"] == ["Kettering"]
    assert (TOML_PATH.parent / p["lsoa_lookup"]) == LSOA_CSV
    assert "LSOA codes: ONS, Open Government Licence v3.0" in TOML_PATH.read_text("utf-8")


def test_ids_are_well_formed(seed: dict) -> None:
    for section in ("areas", "indicators", "agencies", "people", "priorities"):
        for item in seed[section]:
            assert ID_RE.match(item["id"]), f"{section}: bad id {item['id']!r}"
        ids = [item["id"] for item in seed[section]]
        assert len(ids) == len(set(ids)), f"duplicate ids in {section}"
    for theme in seed["themes"]:
        assert re.fullmatch(r"4\.\d+", theme["id"])


def test_action_ids_unique_and_numbered(seed: dict) -> None:
    ids = [a["id"] for a in seed["actions"]]
    assert len(ids) == len(set(ids))
    for action in seed["actions"]:
        assert re.fullmatch(r"4\.\d+\.\d+", action["id"])
        assert action["id"].rsplit(".", 1)[0] == action["theme"]


def test_actions_are_complete(seed: dict) -> None:
    for action in seed["actions"]:
        where = action["id"]
        assert action["title"], where
        assert action["status"] in STATUSES, where
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", action["due"]), where
        assert isinstance(action["outputs"], list), where
        for out in action["outputs"]:
            assert out["measure"], where
            if "current" in out:
                assert out["unit"], where
                assert isinstance(out["current"], int | float), where


@pytest.mark.parametrize(("action_id", "measure", "value", "as_written"), FIGURES)
def test_figures_are_outputs(
    seed: dict, action_id: str, measure: str, value: int, as_written: str
) -> None:
    action = by_id(seed["actions"])[action_id]
    out = output(action, measure)
    assert out["current"] == value
    if as_written.startswith("£"):
        assert out["unit"] == "GBP"


def test_references_resolve(seed: dict) -> None:
    agencies = set(by_id(seed["agencies"]))
    themes = set(by_id(seed["themes"]))
    priorities = set(by_id(seed["priorities"]))
    for priority in seed["priorities"]:
        assert set(priority["leads"]) <= agencies, priority["id"]
    for action in seed["actions"]:
        assert action["lead"] in agencies, action["id"]
        assert action["theme"] in themes, action["id"]
        assert action.get("priority", next(iter(priorities))) in priorities, action["id"]
    for person in seed["people"]:
        assert person["agency"] in agencies, person["id"]
    for theme in seed["themes"]:
        assert theme.get("priority", next(iter(priorities))) in priorities, theme["id"]
    for agency in seed["agencies"]:
        assert agency.get("kind", "other") in AGENCY_KINDS, agency["id"]


def test_agencies(seed: dict) -> None:
    agencies = by_id(seed["agencies"])
    for agency_id in ("kbc", "ncc", "police", "sunflower", "can", "aquarius", "u-turn", "pct",
                      "fire", "probation", "age-concern", "ambulance", "pubwatch", "kleen-sweep"):
        assert agency_id in agencies


def test_priorities(seed: dict) -> None:
    priorities = by_id(seed["priorities"])
    assert set(priorities) == set(PRIORITIES)
    for pid, (words, leads) in PRIORITIES.items():
        priority = priorities[pid]
        assert priority["name"].lower().startswith(words)
        assert priority["leads"] == leads
        assert priority["period"] == "2010-13"
        assert priority["delivery_group"]
    assert priorities["public-confidence"]["level"] == "partnership"
    assert all("level" not in p for pid, p in priorities.items() if pid != "public-confidence")


def test_indicators(seed: dict) -> None:
    local = by_id(seed["indicators"])
    assert set(local) == {"domestic-burglary", "repeat-domestic-burglary", "violence-with-injury",
                          "asb-perception", "teenagers-hanging-around"}
    assert local["repeat-domestic-burglary"]["sensitive"] is True
    for ind in local.values():
        assert ind["kind"] == ("survey" if ind["unit"] == "percent" else "local")
        assert ind["polarity"] == "lower-is-better"
        assert ind["id"] not in BY_SLUG
        for alias in ind["aliases"]:
            assert normalise(alias) not in ALIASES, f"{alias!r} is already a built-in alias"
    for priority in seed["priorities"]:
        for ind in priority["indicators"]:
            assert ind in local or ind in BY_SLUG, f"{priority['id']}: unknown indicator {ind}"


def test_targets(seed: dict) -> None:
    got = {(t["indicator"], t.get("area")): t for t in seed["targets"]}
    assert len(got) == len(seed["targets"])
    expected = {("all-crime", None): 10, ("vehicle-crime", None): 15,
                ("domestic-burglary", None): 10, ("repeat-domestic-burglary", None): 10,
                ("violence-with-injury", None): 5, ("violence-with-injury", "town-centre"): 10,
                ("criminal-damage-arson", None): 10, ("anti-social-behaviour", None): 5}
    for key, pct in expected.items():
        target = got.pop(key)
        assert target["reduction_pct"] == pct, key
        assert (target["baseline_year"], target["target_year"]) == ("2007/08", "2010/11"), key
        assert "value" not in target, key
    survey = got.pop(("asb-perception", None))
    assert survey["value"] == 20.0 and "reduction_pct" not in survey
    assert (survey["baseline_year"], survey["target_year"]) == ("2008", "2010")
    assert got == {}, "unexpected targets (teenagers-hanging-around has none)"


def test_people_and_subscriptions_are_illustrative(seed: dict) -> None:
    roles = [p["role"] for p in seed["people"]]
    assert roles.count("admin") == 1
    assert {p["agency"] for p in seed["people"] if p["role"] == "lead"} == {
        "kbc", "ncc", "police", "sunflower"}
    assert roles.count("member") == 2
    for person in seed["people"]:
        assert person["slack"].startswith("U0KET")
        assert person["teams"].startswith("00000000-0000-0000-0000-")
    (sub,) = seed["subscriptions"]
    assert sub["platform"] == "slack" and sub["channel"].startswith("C")
    assert re.fullmatch(r"(working )?day \d+ at \d\d:\d\d", sub["schedule"])


def test_lookup_csv(lookup: list[dict[str, str]]) -> None:
    assert LSOA_CSV.read_text("utf-8").splitlines()[0] == "lsoa_code,lsoa_name"
    codes = [row["lsoa_code"] for row in lookup]
    assert codes == sorted(set(codes))
    for row in lookup:
        assert re.fullmatch(r"E01\d{6}", row["lsoa_code"])
        assert re.fullmatch(r"(Kettering|North Northamptonshire) \d{3}[A-Z]", row["lsoa_name"])
    assert {r["lsoa_code"] for r in lookup} >= set(SPLIT_2021)


def test_town_centre_lsoas_in_lookup(seed: dict, lookup: list[dict[str, str]]) -> None:
    codes = {row["lsoa_code"] for row in lookup}
    (area,) = seed["areas"]
    assert area["id"] == "town-centre"
    assert 3 <= len(area["lsoas"]) <= 10
    assert len(set(area["lsoas"])) == len(area["lsoas"])
    assert set(area["lsoas"]) <= codes


# --- against the report ----------------------------------------------------------------------


def test_report_priorities_and_leads(seed: dict, report: str) -> None:
    priorities = by_id(seed["priorities"])
    bullets = section_2_1_bullets(report)
    assert len(bullets) == len(priorities)
    for bullet in bullets:
        heading = re.split(r"[(,]", bullet)[0].strip().lower()
        (pid,) = [pid for pid, (words, _) in PRIORITIES.items() if heading == words]
        priority = priorities[pid]
        if "CDRP level" in bullet:
            assert priority["leads"] == [] and priority["level"] == "partnership"
            continue
        lead_text = re.search(r"\(([^()]*) lead\)", bullet)
        assert lead_text, bullet
        leads = [REPORT_AGENCY[w.lower()] for w in re.split(r"\s+and\s+", lead_text.group(1))]
        assert priority["leads"] == leads, bullet


def test_every_section_4_paragraph_is_an_action(seed: dict, report: str) -> None:
    paragraphs = section_4_paragraphs(report)
    assert len(paragraphs) >= 20
    actions = by_id(seed["actions"])
    missing, extra = sorted(set(paragraphs) - set(actions)), sorted(set(actions) - set(paragraphs))
    assert not missing, f"section 4 paragraphs with no action: {missing}"
    assert not extra, f"actions not in section 4 of the report: {extra}"
    themes = set(re.findall(r"^\s*(4\.\d+)\s*$", report, re.MULTILINE))
    assert themes == set(by_id(seed["themes"]))


def test_every_section_4_figure_is_accounted_for(report: str) -> None:
    paragraphs = section_4_paragraphs(report)
    listed: dict[str, set[str]] = {}
    for action_id, _, _, as_written in FIGURES:
        listed.setdefault(action_id, set()).add(as_written.lower())
    for pid, text in paragraphs.items():
        found = {n.lower() for n in NUMBER_RE.findall(text)} - NOT_FIGURES.get(pid, set())
        assert found == listed.get(pid, set()), f"{pid}: figures in the report {sorted(found)}"


# --- against the police.uk files ---------------------------------------------------------------


def _kettering_2021() -> dict[str, tuple[str, list[tuple[float, float]]]]:
    files = sorted(NORTHANTS.glob("2021-*-northamptonshire-street.csv.gz"))
    if not files:
        pytest.skip(f"no 2021 police.uk files in {NORTHANTS}")
    found: dict[str, tuple[str, list[tuple[float, float]]]] = {}
    for path in files:
        with gzip.open(path, "rt", newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                if not re.fullmatch(r"Kettering \d{3}[A-Z]", row["LSOA name"]):
                    continue
                _, points = found.setdefault(row["LSOA code"], (row["LSOA name"], []))
                if row["Latitude"] and row["Longitude"]:
                    points.append((float(row["Latitude"]), float(row["Longitude"])))
    return found


def _metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6_371_000 * math.asin(math.sqrt(h))


def test_lookup_and_town_centre_match_policeuk_2021(
    seed: dict, lookup: list[dict[str, str]]
) -> None:
    found = _kettering_2021()
    assert {row["lsoa_code"]: row["lsoa_name"] for row in lookup
            if row["lsoa_code"] not in SPLIT_2021} == {
        code: name for code, (name, _) in found.items()}
    near = set()
    for code, (_, points) in found.items():
        median = (statistics.median(p[0] for p in points), statistics.median(p[1] for p in points))
        if _metres(TOWN_CENTRE, median) <= TOWN_CENTRE_RADIUS_M:
            near.add(code)
    assert set(seed["areas"][0]["lsoas"]) - set(SPLIT_2021) == near
    assert set(seed["areas"][0]["lsoas"]) & set(SPLIT_2021) == {
        new for old, parts in SPLIT_FROM.items() if old in near for new in parts}
