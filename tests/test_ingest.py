"""The police.uk import on the committed fixtures: counts, unplaced rows, re-import, revisions."""

from __future__ import annotations

import csv
import gzip
import io
import zipfile
from collections import Counter
from pathlib import Path

from conftest import dump
from fakes.policeuk_import import ingest

from data.catalogue import SLUG_BY_POLICE_TYPE
from data.street import local_authority_of

MARCH = "2021-03-leicestershire-street.csv.gz"
APRIL = "2021-04-leicestershire-street.csv"


def rows_of(path: Path) -> list[dict[str, str]]:
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def expected_counts(*paths: Path) -> Counter[tuple[str, str, str]]:
    """(month, local authority, indicator) -> rows, counted straight from the CSVs."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for path in paths:
        for row in rows_of(path):
            if row["LSOA code"]:
                counts[(row["Month"], local_authority_of(row["LSOA name"]),
                        SLUG_BY_POLICE_TYPE[row["Crime type"]])] += 1
    return counts


def exported(cspbot, la: str, *args: str) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    result = cspbot("export", "counts", "--local-authority", la, *args)
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


def test_ingest_counts_every_row_and_reports_totals(cspbot, fixtures: Path) -> None:
    report = ingest(cspbot, fixtures / MARCH, fixtures / APRIL)
    march, april = rows_of(fixtures / MARCH), rows_of(fixtures / APRIL)
    no_location = sum(1 for r in march + april if not r["LSOA code"])
    assert no_location > 0
    assert report["totals"] == {
        "files": 2, "files_unchanged": 0, "files_skipped": 0, "months": 2,
        "rows_read": len(march) + len(april), "rows_placed": len(march) + len(april) - no_location,
        "rows_unplaced": no_location, "figures_revised": 0}
    assert {f["status"] for f in report["files"]} == {"imported"}


def test_export_equals_counts_taken_straight_from_the_files(cspbot, fixtures: Path) -> None:
    ingest(cspbot, fixtures / MARCH, fixtures / APRIL)
    expected = expected_counts(fixtures / MARCH, fixtures / APRIL)
    rows = exported(cspbot, "Rutland")
    months = sorted({r["month"] for r in rows})
    assert months == ["2021-03", "2021-04"]
    assert len(rows) == 2 * 16  # every indicator, every month, zeros included
    for row in rows:
        if row["indicator"] in SLUG_BY_POLICE_TYPE.values():
            assert int(row["count"]) == expected[(row["month"], "Rutland", row["indicator"])]
    sac = {r["month"]: int(r["count"]) for r in rows
           if r["indicator"] == "serious-acquisitive-crime"}
    assert sac["2021-03"] == sum(expected[("2021-03", "Rutland", t)]
                                 for t in ("burglary", "robbery", "vehicle-crime"))


def test_a_crime_type_missing_from_a_month_is_zero(cspbot, fixtures: Path) -> None:
    ingest(cspbot, fixtures / MARCH)
    expected = expected_counts(fixtures / MARCH)
    missing = [s for s in SLUG_BY_POLICE_TYPE.values() if not expected[("2021-03", "Rutland", s)]]
    assert missing, "the fixture should lack at least one crime type in Rutland"
    rows = {r["indicator"]: r["count"] for r in exported(cspbot, "rutland")}
    assert all(rows[slug] == "0" for slug in missing)


def test_no_location_rows_are_kept_as_unplaced_per_force(cspbot, fixtures: Path, db) -> None:
    ingest(cspbot, fixtures / MARCH)
    unplaced = dict(db.execute("SELECT indicator, count FROM police_unplaced "
                               "WHERE force = 'Leicestershire Police' AND month = '2021-03'"))
    expected = Counter(SLUG_BY_POLICE_TYPE[r["Crime type"]] for r in rows_of(fixtures / MARCH)
                       if not r["LSOA code"])
    assert unplaced == dict(expected)


def test_quoted_commas_in_locations_are_read_as_one_field(cspbot, fixtures: Path, db) -> None:
    ingest(cspbot, fixtures / MARCH)
    quoted = [r for r in rows_of(fixtures / MARCH) if "," in r["Location"]]
    assert quoted
    for row in quoted:
        assert db.execute("SELECT local_authority FROM lsoas WHERE code = ?",
                          (row["LSOA code"],)).fetchone()[0] == local_authority_of(row["LSOA name"])


def test_reimporting_the_same_files_changes_nothing(cspbot, fixtures: Path, db_path: Path) -> None:
    ingest(cspbot, fixtures / MARCH, fixtures / APRIL)
    before = dump(db_path)
    report = ingest(cspbot, fixtures / MARCH, fixtures / APRIL)
    assert dump(db_path) == before
    assert report["totals"]["files_unchanged"] == 2
    assert report["totals"]["months"] == 0


def test_the_same_content_gzipped_or_not_is_one_file(cspbot, fixtures: Path, tmp_path: Path,
                                                     db_path: Path) -> None:
    ingest(cspbot, fixtures / MARCH)
    plain = tmp_path / "2021-03-leicestershire-street.csv"
    plain.write_bytes(gzip.decompress((fixtures / MARCH).read_bytes()))
    before = dump(db_path)
    assert ingest(cspbot, plain)["files"][0]["status"] == "unchanged"
    assert dump(db_path) == before


def test_a_later_download_replaces_the_month_and_reports_revisions(cspbot, fixtures: Path,
                                                                   tmp_path: Path, db) -> None:
    ingest(cspbot, fixtures / APRIL)
    lines = (fixtures / APRIL).read_text().splitlines(keepends=True)
    burglaries = [i for i, line in enumerate(lines) if ",Rutland 0" in line and "Burglary" in line]
    shoplifting = [i for i, line in enumerate(lines) if ",Rutland 0" in line
                   and "Shoplifting" in line]
    # The later download: one burglary recorded as shoplifting, one more burglary row.
    lines[burglaries[0]] = lines[burglaries[0]].replace(",Burglary,", ",Shoplifting,")
    lines.append(lines[burglaries[1]])
    later = tmp_path / "later" / APRIL
    later.parent.mkdir()
    later.write_text("".join(lines))
    old = expected_counts(fixtures / APRIL)
    report = ingest(cspbot, later)
    assert report["files"][0]["status"] == "replaced"
    revised = {(r["indicator"], r["old"], r["new"]) for r in report["revisions"]}
    burglary, shop = old[("2021-04", "Rutland", "burglary")], len(shoplifting)
    assert revised == {("shoplifting", shop, shop + 1)}  # burglary: -1 +1, unchanged
    assert all(r["month"] == "2021-04" and r["local_authority"] == "Rutland"
               for r in report["revisions"])
    rows = {r["indicator"]: int(r["count"]) for r in exported(cspbot, "Rutland")}
    assert rows["burglary"] == burglary and rows["shoplifting"] == shop + 1
    assert db.execute("SELECT COUNT(*) FROM revisions").fetchone()[0] == 1
    human = cspbot("ingest", "police-uk", fixtures / APRIL)
    assert f"2021-04 Rutland shoplifting {shop + 1} -> {shop}" in human.stdout


def test_folders_and_zip_archives_as_downloaded(cspbot, fixtures: Path, tmp_path: Path) -> None:
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(f"2021-04/{APRIL}", (fixtures / APRIL).read_bytes())
        z.write(fixtures / "2021-03-northamptonshire-outcomes.csv",
                "2021-03/2021-03-northamptonshire-outcomes.csv")
    report = ingest(cspbot, archive)
    assert report["totals"]["months"] == 1
    assert [s["reason"] for s in report["skipped"]] == [
        "an outcomes file (what happened to crimes), not street-level crime"]
    folder_report = ingest(cspbot, fixtures)
    assert folder_report["totals"]["files"] == 2
    assert folder_report["totals"]["files_unchanged"] == 1  # April came in through the zip
