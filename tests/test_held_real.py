"""The months held (METHOD 2.9, J0) on the real police.uk files in ../shared/data (skipped when
absent): home forces of the nine Leicestershire CSPs and of the Northamptonshire districts, the
demo's Kettering not taken over by Leicestershire's spill-over, the incomplete month stored by
the import, and a briefing for a month that is not held refused as the issue asks."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import FIXTURES, policeuk
from fakes import real_stores
from fakes.real_stores import DISTRICTS, pid_of

from data.coverage import home_forces, months_held, stored_incomplete_months
from data.db import open_db
from data.errors import DataError
from data.held import NotHeld, require_held
from data.policeuk import ingest_police_uk

LEICS, NORTHANTS = "Leicestershire Police", "Northamptonshire Police"
NINE = sorted((FIXTURES / "leicestershire").glob("*.toml"))


def make_store(folder: Path, forces: list[str]) -> Path:
    return real_stores.make_store(folder, [policeuk(force) for force in forces], NINE)


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    db = open_db(make_store(tmp_path_factory.mktemp("held-both"),
                            ["leicestershire", "northamptonshire"]))
    yield db
    db.close()


@pytest.fixture(scope="module")
def leics(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    db = open_db(make_store(tmp_path_factory.mktemp("held-leics"), ["leicestershire"]))
    yield db
    db.close()


def test_each_partnership_gets_its_own_force_with_both_loaded(both) -> None:
    for partnership in NINE:
        assert home_forces(both, partnership.stem) == [LEICS], partnership.stem
    for district in DISTRICTS:
        assert home_forces(both, pid_of(district)) == [NORTHANTS], district
    assert home_forces(both, "kettering") == [NORTHANTS]  # the demo's LSOAs are Kettering's


def test_a_neighbours_spill_over_is_no_home_force(leics) -> None:
    """Leicestershire places a few rows a month in Kettering's LSOAs (0.4 a month in 12 of
    them): with only its files, Kettering has no home force, and the demo is held where its
    own figures are."""
    for partnership in NINE:
        assert home_forces(leics, partnership.stem) == [LEICS], partnership.stem
    for district in ("Kettering", "Daventry", "Corby", "Wellingborough"):
        assert home_forces(leics, pid_of(district)) == [], district
        assert months_held(leics, pid_of(district)) == []
    assert home_forces(leics, "kettering") == []
    held = months_held(leics, "kettering")
    assert (held[0], held[-1], len(held)) == ("2005-04", "2010-03", 60)


def test_the_demo_answers_with_its_own_figures_beside_leicestershire_rows(leics) -> None:
    from briefings.indicator import judge
    from briefings.monthly import build_monthly

    # the demo's police.uk figures are all crime and vehicle crime, to 2010-03; Leicestershire
    # places rows of every type in Kettering LSOAs to 2025-12, in months not held
    _, as_of = judge(leics, "kettering", "vehicle-crime", "kettering", None, None, 5)
    assert as_of == "2010-03"
    with pytest.raises(NotHeld, match="2025-11 is not held for Kettering"):
        judge(leics, "kettering", "vehicle-crime", "kettering", "2025-11", None, 5)
    with pytest.raises(DataError, match="No figures for Burglary in Kettering Community "
                       "Safety Partnership in a month held for the partnership"):
        judge(leics, "kettering", "burglary", "kettering", None, None, 5)
    briefing = build_monthly(leics, "kettering", "2010-03", since="2010-03-01")
    assert len(briefing.conclusions) == 9
    assert "Domestic burglary is significantly up" in " ".join(briefing.conclusions)


def test_the_import_stores_leicestershires_one_incomplete_month(both) -> None:
    [march] = stored_incomplete_months(both, LEICS)
    assert (march.month, march.unplaced, march.rows, march.usual_unplaced) == (
        "2020-03", 1157, 8146, 249)
    assert stored_incomplete_months(both, NORTHANTS) == []


def test_a_reimport_stores_them_again(tmp_path: Path) -> None:
    """The July 2022 download of 2021-03..2022-03 replaces those months; the incomplete months
    are worked out again in the same import, and 2020-03 stays the one."""
    db = open_db(tmp_path / "csp.db")
    try:
        ingest_police_uk(db, [policeuk("leicestershire")])
        first = stored_incomplete_months(db)
        report = ingest_police_uk(db, [policeuk("_vintages", "leicestershire-2022-07")])
        assert {f.status for f in report.files} == {"replaced"}
        assert stored_incomplete_months(db) == first
        assert [(i.month, i.unplaced) for i in first] == [("2020-03", 1157)]
    finally:
        db.close()


def test_a_briefing_for_a_month_in_a_gap_is_refused(both) -> None:
    with pytest.raises(NotHeld) as refused:
        require_held(both, "charnwood", "2023-06")
    assert refused.value.message == (
        "2023-06 is not held for Charnwood Community Safety Partnership: Leicestershire "
        "Police's files for 2022-11 to 2023-12 are not in the store. Nearest held months: "
        "2022-10 and 2024-01; latest held: 2025-12.")
    assert "cspbot ingest police-uk FILES" in refused.value.hint
    assert require_held(both, "charnwood", "2022-10")[-1] == "2025-12"
    # the Daventry 2022-05: Northamptonshire's file is missing; a cross-border row of
    # Leicestershire's in a Daventry LSOA that month never makes it held
    with pytest.raises(NotHeld, match="Northamptonshire Police's files for 2022-04 to 2023-12 "
                       "are not in the store. Nearest held months: 2022-03 and 2024-01"):
        require_held(both, pid_of("Daventry"), "2022-05")
