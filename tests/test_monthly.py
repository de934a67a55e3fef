"""build_monthly: the demo reproduces the report's conclusions; thin data is worded honestly."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from conftest import policeuk

from briefings.monthly import build_monthly
from data.demo import load_demo
from data.loaders import ingest_csv
from data.partnership import load_partnership

# Section 1.2 of the Kettering report, as METHOD.md words it for the demo figures.
EXPECTED = [
    "Overall crime is down and the long-term trend is sufficient to meet the target.",
    "Vehicle crime is well down and the long-term trend is sufficient to meet the target.",
    "Domestic burglary is significantly up and the long-term trend is not sufficient to meet "
    "the target. This applies similarly to repeat domestic burglary.",
    "Violence and assault with injury, after a period of reduction, has increased although the "
    "long-term trend is sufficient to meet the target.",
    "Violence and assault with injury in Kettering Town Centre is slightly down but the "
    "long-term trend is not sufficient to meet the target.",
    "Criminal damage and arson is reducing and the long-term trend is sufficient to meet the "
    "target.",
    "Anti-social behaviour is down and the long-term trend is sufficient to meet the target.",
    "The percentage of residents perceiving a high level of anti-social behaviour (NI 17) has "
    "significantly reduced and the current position is below the target.",
    "The percentage of residents seeing teenagers hanging around as a fairly or very big "
    "problem has significantly reduced.",
]


@pytest.fixture(scope="module")
def demo_briefing(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from data.db import open_db

    db = open_db(tmp_path_factory.mktemp("demo") / "csp.db")
    load_demo(db)
    return build_monthly(db, "kettering", "2010-03")


def test_demo_principal_conclusions_are_those_of_the_report(demo_briefing) -> None:
    assert demo_briefing.conclusions == EXPECTED
    assert demo_briefing.illustrative and "ILLUSTRATIVE" in demo_briefing.notes[0]


def test_significantly_only_where_the_test_held(demo_briefing) -> None:
    for section in demo_briefing.sections:
        if "significantly" in section.sentence:
            j = section.judgement
            assert (j.get("yoy") or {}).get("significant") or j.get("significant"), section.key


def test_every_section_has_facts_a_chart_and_alt_text(demo_briefing) -> None:
    assert len(demo_briefing.sections) == 10
    for section in demo_briefing.sections:
        assert section.facts, section.key
        assert section.chart is not None and section.chart.png.startswith(b"\x89PNG")
        assert len(section.chart.png) <= 200_000
        assert section.sentence in section.chart.alt_text
        assert section.chart.rows
    overview = demo_briefing.overview
    assert overview is not None and len(overview.png) <= 200_000
    assert len(overview.rows) == 8  # the monthly series


def test_chart_tables_hold_the_figures(demo_briefing) -> None:
    vehicle = next(s for s in demo_briefing.sections if s.key == "vehicle-crime@kettering")
    values = {row[0]: row[1] for row in vehicle.chart.rows if row[1]}
    assert values["2010-03"] == next(f.value for f in vehicle.facts
                                     if f.label.startswith("Latest month"))
    assert len(values) == 60


def test_action_progress_and_owners(demo_briefing) -> None:
    assert demo_briefing.actions.status_counts == {"complete": 2, "on-track": 19}
    vehicle = next(s for s in demo_briefing.sections if s.key == "vehicle-crime@kettering")
    assert vehicle.leads == ["Northamptonshire Police"]


# --- thin data ------------------------------------------------------------------------------

PARTNERSHIP = """
[partnership]
id = "thin"
name = "Thin Partnership"
local_authorities = ["Nowhere"]

[[indicators]]
id = "local-thefts"
name = "Local thefts"

[[indicators]]
id = "rare-events"
name = "Rare events"

[[agencies]]
id = "council"
name = "The Council"
"""


def thin_store(tmp_path: Path, months: int, gap: str | None = None, level: int = 60):
    from data.db import open_db

    db = open_db(tmp_path / "thin.db")
    (tmp_path / "thin.toml").write_text(PARTNERSHIP)
    load_partnership(db, tmp_path / "thin.toml")
    rng = random.Random(1)
    lines = ["month,indicator,area,value"]
    for i in range(months):
        month = f"{2020 + (i + 3) // 12}-{(i + 3) % 12 + 1:02d}"
        if month != gap:
            lines.append(f"{month},local-thefts,thin,{rng.randint(level - 10, level + 10)}")
            lines.append(f"{month},rare-events,thin,{rng.randint(0, 1)}")
    (tmp_path / "values.csv").write_text("\n".join(lines) + "\n")
    ingest_csv(db, "values", tmp_path / "values.csv", "thin")
    last = f"{2020 + (months + 2) // 12}-{(months + 2) % 12 + 1:02d}"
    return db, last


def test_fewer_than_24_months_says_so(tmp_path: Path) -> None:
    db, last = thin_store(tmp_path, 20)
    briefing = build_monthly(db, "thin", last)
    thefts = next(s for s in briefing.sections if s.indicator == "local-thefts")
    assert thefts.sentence == ("Local thefts have too few months of figures to judge a change "
                               "yet (24 are needed).")
    assert "significantly" not in " ".join(briefing.conclusions)


def test_between_24_and_36_months_trend_on_fewer_months(tmp_path: Path) -> None:
    db, last = thin_store(tmp_path, 30)
    briefing = build_monthly(db, "thin", last)
    thefts = next(s for s in briefing.sections if s.indicator == "local-thefts")
    assert any("Trends use 24 months" in n for n in thefts.notes)


def test_small_counts_are_reported_as_counts(tmp_path: Path) -> None:
    db, last = thin_store(tmp_path, 40)
    briefing = build_monthly(db, "thin", last)
    rare = next(s for s in briefing.sections if s.indicator == "rare-events")
    assert "in the latest 12 months against" in rare.sentence
    assert "%" not in rare.sentence


def test_a_missing_month_is_flagged_not_read_as_zero(tmp_path: Path) -> None:
    db, last = thin_store(tmp_path, 40, gap="2021-06")
    briefing = build_monthly(db, "thin", last)
    thefts = next(s for s in briefing.sections if s.indicator == "local-thefts")
    assert any("No figures for 2021-06" in n and "not a zero" in n for n in thefts.notes)
    assert thefts.judgement["yoy"] is not None  # the run after the gap still has 33 months


def test_bad_month_and_unknown_partnership(tmp_path: Path) -> None:
    from data.errors import DataError

    db, _ = thin_store(tmp_path, 30)
    with pytest.raises(DataError, match="is not a month"):
        build_monthly(db, "thin", "March 2022")
    with pytest.raises(DataError, match="No partnership 'thn'"):
        build_monthly(db, "thn", "2022-03")


# --- real data -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def leicestershire(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from data.db import open_db
    from data.policeuk import ingest_police_uk

    folder = policeuk("leicestershire")
    db = open_db(tmp_path_factory.mktemp("leics") / "leics.db")
    ingest_police_uk(db, [folder])
    csps = sorted((Path(__file__).parent / "fixtures" / "leicestershire").glob("*.toml"))
    assert len(csps) == 9
    for path in csps:
        load_partnership(db, path)
    return db, [p.stem for p in csps]


@pytest.mark.parametrize("month", ["2022-10", "2025-12"])
def test_leicestershire_csps_brief_without_errors(leicestershire, month: str) -> None:
    db, csps = leicestershire
    for pid in csps:
        briefing = build_monthly(db, pid, month)
        assert briefing.sections and briefing.conclusions
        for section in briefing.sections:
            judged = section.judgement
            if month == "2025-12":  # 2024-05..2024-12 missing: J1 cannot run, METHOD 2.9
                assert judged["yoy"] is None, section.sentence
                assert "latest 12 months:" in section.sentence, section.sentence
                assert judged["latest_12_months"]["total"] > 0
                assert judged["trend_glm"] is None  # 16 of the 36 months held
                assert any("No figures for" in n and "2024-05..2024-12" in n for n in section.notes)
            else:  # 2019-12..2022-10 held (35 months): J1 and trends on held months
                assert judged["yoy"] is not None and judged["yoy"]["matched_months"] == 12
                lost = pid in ("harborough", "oadby-and-wigston", "rutland")  # 2020-03
                assert judged["trend_glm"]["held_months"] == 35 - lost
