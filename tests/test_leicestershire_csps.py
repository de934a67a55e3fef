"""The nine Community Safety Partnerships of the Leicestershire force area (test partnership files
in tests/fixtures/leicestershire/) against the real police.uk Leicestershire files in
../shared/data (skipped when absent): a partnership's counts are the sum of its local
authorities', and the nine together are what pandas counts in the raw files."""

from __future__ import annotations

import csv
import io
import tomllib
from collections import defaultdict
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import FIXTURES, SHARED_DATA, policeuk

from bot.cli.main import cli
from data.catalogue import POLICE_TYPES
from data.db import open_db
from data.held_series import area_coverage
from data.partnership import LoadReport, load_partnership
from data.policeuk import ingest_police_uk
from data.values import monthly_counts

FILES = sorted((FIXTURES / "leicestershire").glob("*.toml"))
PARTNERSHIPS: dict[str, list[str]] = {
    path.stem: tomllib.loads(path.read_text(encoding="utf-8"))["partnership"]["local_authorities"]
    for path in FILES}
LOCAL_AUTHORITIES = sorted(la for las in PARTNERSHIPS.values() for la in las)
LOOKUP = SHARED_DATA / "lookups" / "LAD17_CSP17_PFA17_lookup_Jan2017.csv"
Counts = dict[tuple[str, str], int]


def as_dict(rows: list) -> Counts:  # type: ignore[type-arg]
    return {(r.month, r.indicator): r.count for r in rows}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, LoadReport]]:
    """The Leicestershire police.uk files and the nine partnerships, in one store."""
    folder = policeuk("leicestershire")
    path = tmp_path_factory.mktemp("leicestershire-csps") / "csp.db"
    db = open_db(path)
    try:
        ingest_police_uk(db, [folder])
        reports = {p.stem: load_partnership(db, p) for p in FILES}
    finally:
        db.close()
    return path, reports


@pytest.fixture(scope="module")
def db(store: tuple[Path, dict[str, LoadReport]]):  # type: ignore[no-untyped-def]
    database = open_db(store[0])
    yield database
    database.close()


@pytest.fixture(scope="module")
def raw_counts() -> pd.Series:
    """(local authority, month, police.uk crime type) -> rows, by pandas from the raw files,
    for LSOAs whose police.uk name is one of the nine local authorities and a code."""
    files = sorted(policeuk("leicestershire").glob("*-street.csv.gz"))
    raw = pd.concat([pd.read_csv(f, usecols=["Month", "LSOA name", "Crime type"], dtype=str,
                                 keep_default_na=False) for f in files])
    names = "|".join(LOCAL_AUTHORITIES)
    raw["local_authority"] = raw["LSOA name"].str.extract(rf"^({names}) \d{{3}}[A-Z]$")[0]
    raw = raw.dropna(subset=["local_authority"])
    return raw.groupby(["local_authority", "Month", "Crime type"]).size()


def test_the_fixture_files_are_the_nine_csps_of_the_leicestershire_force_area() -> None:
    assert len(PARTNERSHIPS) == 9
    assert all(len(las) == 1 for las in PARTNERSHIPS.values())
    if not LOOKUP.exists():
        pytest.skip(f"lookup not present ({LOOKUP})")
    with LOOKUP.open(newline="", encoding="utf-8-sig") as f:
        rows = [r for r in csv.DictReader(f) if r["PFA17NM"] == "Leicestershire"]
    assert sorted(r["LAD17NM"] for r in rows) == LOCAL_AUTHORITIES
    assert sorted(r["CSP17NM"] for r in rows) == LOCAL_AUTHORITIES  # one CSP per district


def test_each_partnership_loads_cleanly(store: tuple[Path, dict[str, LoadReport]]) -> None:
    reports = store[1]
    assert sorted(reports) == sorted(PARTNERSHIPS)
    for pid, report in reports.items():
        assert report.created and report.partnership == pid
        assert report.warnings == [], pid  # the names are police.uk's spelling
        assert report.counts == {"areas": 1, "agencies": 1, "people": 0, "priorities": 1,
                                 "themes": 0, "actions": 0, "targets": 0, "subscriptions": 0}


@pytest.mark.parametrize("pid", sorted(PARTNERSHIPS))
def test_a_partnership_counts_what_its_local_authorities_count(db, pid: str) -> None:
    summed: Counts = defaultdict(int)
    for la in PARTNERSHIPS[pid]:
        for key, n in as_dict(monthly_counts(db, local_authority=la)).items():
            summed[key] += n
    partnership = as_dict(monthly_counts(db, partnership=pid))
    left_out = {i.month for i in area_coverage(db, pid, pid).left_out}
    assert partnership == {k: n for k, n in summed.items() if k[0] not in left_out}
    months = {m for m, _ in partnership}
    assert len(months) == 56 - len(left_out)
    # Leicestershire's 2020-03 file could not place 1,157 crimes; three districts lost so many
    # rows that the month is left out for them (METHOD 2.9, incomplete months).
    assert left_out == ({"2020-03"} if pid in ("harborough", "oadby-and-wigston", "rutland")
                        else set())
    assert sum(n for (_, slug), n in partnership.items() if slug == "all-crime") > 1000


def test_the_nine_partnerships_together_are_what_pandas_counts_in_the_raw_files(
        db, raw_counts: pd.Series) -> None:
    police_type = {i.slug: i.police_type for i in POLICE_TYPES}
    total: Counts = defaultdict(int)
    for pid in PARTNERSHIPS:
        for (month, slug), n in as_dict(monthly_counts(db, partnership=pid)).items():
            if slug in police_type and n:
                total[(month, police_type[slug])] += n
        for month in {i.month for i in area_coverage(db, pid, pid).left_out}:
            for la in PARTNERSHIPS[pid]:  # what an incomplete month left out, added back
                for r in monthly_counts(db, local_authority=la, start=month, end=month):
                    if r.indicator in police_type and r.count:
                        total[(month, police_type[r.indicator])] += r.count
    expected = raw_counts.groupby(level=["Month", "Crime type"]).sum()
    assert dict(total) == {key: int(n) for key, n in expected.items()}
    assert len(total) > 56 * 10
    assert sum(total.values()) == int(raw_counts.sum()) > 400_000


def test_export_counts_by_partnership_on_the_command_line(
        store: tuple[Path, dict[str, LoadReport]], db, raw_counts: pd.Series,
        tmp_path: Path) -> None:
    env = {"CSP_DB_PATH": str(store[0]), "CSP_LOG_FILE": str(tmp_path / "csp.log")}

    def export(*args: str) -> list[dict[str, str]]:
        result = CliRunner().invoke(cli, ["export", "counts", *args], env=env,
                                    catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return list(csv.DictReader(io.StringIO(result.stdout)))

    rows = export("--partnership", "rutland")
    got = {(r["month"], r["indicator"]): int(r["count"]) for r in rows}
    rutland = as_dict(monthly_counts(db, local_authority="Rutland"))
    assert got == {k: n for k, n in rutland.items() if k[0] != "2020-03"}
    assert len(got) == 55 * 16  # every month held but 2020-03 (incomplete), zeros included
    march = export("--partnership", "rutland", "--indicator", "burglary", "--from", "2021-03",
                   "--to", "2021-03")
    assert march == [{"month": "2021-03", "indicator": "burglary",
                      "count": str(raw_counts[("Rutland", "2021-03", "Burglary")])}]
