"""Areas across the 2021 LSOA and district changes (METHOD 2.9, data/boundaries.py), on a small
extract of real Northamptonshire files (tests/fixtures/northamptonshire-boundaries: ten of
Kettering's LSOAs in 2022-03, named "Kettering ...", and in 2024-01, named "North
Northamptonshire ..."; three of them split in 2021). What each test expects is read from the
extract itself with csv, never from the store.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from conftest import FIXTURES
from fakes.policeuk_import import ingest
from fakes.street_files import KETTERING

from data.db import open_db
from data.points import derive_points

EXTRACT = FIXTURES / "northamptonshire-boundaries"
OLD = EXTRACT / "2022-03-northamptonshire-street.csv"
NEW = EXTRACT / "2024-01-northamptonshire-street.csv"


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def codes_in(path: Path) -> set[str]:
    return {r["LSOA code"] for r in rows_of(path) if r["LSOA code"]}


@pytest.fixture
def store(cspbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    ingest(cspbot, EXTRACT)
    (tmp_path / "kettering.toml").write_text(KETTERING, encoding="utf-8")
    result = cspbot("partnership", "load", str(tmp_path / "kettering.toml"))
    assert result.exit_code == 0, result.output
    return cspbot


def status(cspbot) -> dict:  # type: ignore[no-untyped-def, type-arg]
    result = cspbot("status", "-p", "kettering-district", "--json")
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))


def monthly_all_crime(cspbot) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """month -> all crime (every type but anti-social behaviour), as the store counts it."""
    result = cspbot("export", "counts", "-p", "kettering-district", "--indicator", "all-crime",
                    "--format", "json")
    assert result.exit_code == 0, result.output
    return {row["month"]: row["count"] for row in json.loads(result.stdout)}


def crime(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The rows all crime counts: placed, and not anti-social behaviour."""
    return [r for r in rows if r["LSOA code"] and r["Crime type"] != "Anti-social behaviour"]


def test_names_keep_their_ground_after_the_renaming(store) -> None:  # type: ignore[no-untyped-def]
    named = [r for r in rows_of(NEW) if r["LSOA name"].startswith("Kettering ")]
    assert named == []  # the newer file has no "Kettering" at all: the test means something
    counts = monthly_all_crime(store)
    old = [r for r in crime(rows_of(OLD)) if r["LSOA name"].startswith("Kettering ")]
    assert counts["2022-03"] == len(old) > 0
    [area] = status(store)["boundaries"]
    ground = codes_in(OLD) | {code for f in area["followed"] for code in f["successors"]}
    kept = [r for r in crime(rows_of(NEW)) if r["LSOA code"] in codes_in(OLD)]
    assert counts["2024-01"] == sum(1 for r in crime(rows_of(NEW)) if r["LSOA code"] in ground)
    assert counts["2024-01"] > len(kept)  # the successors' rows are counted too


def test_codes_that_ceased_are_followed_to_new_codes(store) -> None:  # type: ignore[no-untyped-def]
    ceased = codes_in(OLD) - codes_in(NEW)
    appeared = codes_in(NEW) - codes_in(OLD)
    [area] = status(store)["boundaries"]
    assert area["names"] == {"Kettering": ["Kettering", "North Northamptonshire"]}
    followed = {f["code"]: f for f in area["followed"]}
    assert set(followed) == ceased
    for step in followed.values():  # two months each side: a quiet half of a split may be
        assert step["source"] == "learned" and step["last_month"] == "2022-03"  # missed
        assert step["successors"] and set(step["successors"]) <= appeared
        assert 0 < step["points"] <= step["of_points"]
    text = " ".join(store("status", "-p", "kettering-district").output.split())
    some = sorted(ceased)[0]
    assert (f"{some} (last seen 2022-03) -> {', '.join(followed[some]['successors'])} (learned "
            f"from {followed[some]['points']} of its {followed[some]['of_points']} map points)"
            in text)


def write_lookup(path: Path, pairs: list[tuple[str, str, str]], bom: bool = True) -> Path:
    lines = ["LSOA11CD,LSOA11NM,CHGIND,LSOA21CD,LSOA21NM"]
    lines += [f"{old},Somewhere,{change},{new},Somewhere" for old, new, change in pairs]
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + "\r\n".join(lines).encode() + b"\r\n")
    return path


# ONS's lookup for Kettering's three 2011 LSOAs split in 2021 (as in tests/test_kettering_seed.py)
SPLIT_FROM = {"E01027110": ("E01035413", "E01035414"), "E01027101": ("E01035415", "E01035416"),
              "E01027124": ("E01035411", "E01035412")}


def test_the_ons_lookup_is_used_before_learning(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    learned_only = sorted(SPLIT_FROM)[-1]  # left out of the lookup: still learned
    pairs = [(old, new, "S") for old, news in SPLIT_FROM.items() if old != learned_only
             for new in news] + [("E01027086", "E01027086", "U")]
    lookup = write_lookup(tmp_path / "lsoa11-lsoa21.csv", pairs)
    result = store("ingest", "lookup", str(lookup))
    assert result.exit_code == 0, result.output
    assert (f"{len(pairs)} rows, {len(SPLIT_FROM)} 2011 codes, {len(SPLIT_FROM) - 1} of them "
            "followed") in " ".join(result.output.split())
    [area] = status(store)["boundaries"]
    followed = {f["code"]: f for f in area["followed"]}
    assert followed[learned_only]["source"] == "learned"
    for old, news in SPLIT_FROM.items():
        if old != learned_only:
            assert (followed[old]["source"], followed[old]["successors"]) == (
                "ONS lookup", list(news))
    ground = codes_in(OLD) | {code for f in area["followed"] for code in f["successors"]}
    assert monthly_all_crime(store)["2024-01"] == sum(
        1 for r in crime(rows_of(NEW)) if r["LSOA code"] in ground)
    assert "(from the ONS lookup)" in store("status", "-p", "kettering-district").output
    again = store("ingest", "lookup", str(lookup))
    assert again.exit_code == 0 and "unchanged" in again.output


def test_with_the_whole_lookup_no_row_is_lost(store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    pairs = [(old, new, "S") for old, news in SPLIT_FROM.items() for new in news]
    assert store("ingest", "lookup", str(write_lookup(tmp_path / "l.csv", pairs, bom=False))
                 ).exit_code == 0
    assert monthly_all_crime(store)["2024-01"] == len(crime(rows_of(NEW)))


@pytest.mark.parametrize(("body", "words"), [
    ("LSOA11CD,CHGIND\nE01027101,S\n", ["header lacks LSOA21CD"]),
    ("LSOA11CD,LSOA21CD\nE01027101,E01035415\nE0102710,E01035416\n",
     ["line 3", "LSOA11CD 'E0102710' is not an LSOA code"]),
    ("LSOA11CD,LSOA21CD,CHGIND\nE01027101,E01035415,Q\n", ["line 2", "CHGIND 'Q'"]),
    ("LSOA11CD,LSOA21CD\nE01027101,E01035415,extra\n", ["line 2", "3 fields"]),
    ("LSOA11CD,LSOA21CD\n", ["no rows"]),
])
def test_a_bad_lookup_is_refused_whole(store, tmp_path: Path, body: str,  # type: ignore[no-untyped-def]
                                       words: list[str]) -> None:
    good = write_lookup(tmp_path / "good.csv", [("E01027101", "E01035415", "S")])
    assert store("ingest", "lookup", str(good)).exit_code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text(body, encoding="utf-8")
    result = store("ingest", "lookup", str(bad))
    assert result.exit_code != 0
    message = " ".join(result.output.split())
    assert all(w in message for w in words), message
    [area] = status(store)["boundaries"]  # the good lookup is still the one in use
    step = next(f for f in area["followed"] if f["code"] == "E01027101")
    assert (step["source"], step["successors"]) == ("ONS lookup", ["E01035415"])


def test_points_are_counted_once_and_kept_for_an_older_store(store, db_path) -> None:  # type: ignore[no-untyped-def]
    """The points are derived from the place counts when first needed (data/points.py), once
    per force-month, also for a store filled before either was kept."""
    placed = sum(1 for path in EXTRACT.glob("*.csv") for r in rows_of(path) if r["LSOA code"])

    def held(derive: bool = True) -> tuple[int, int]:
        db = open_db(db_path)
        try:
            if derive:
                derive_points(db)
            return db.execute("SELECT COUNT(*), COALESCE(SUM(rows), 0) FROM "
                              "police_points").fetchone()
        finally:
            db.close()

    assert held(derive=False) == (0, 0)  # an import alone derives none
    points, rows = held()
    assert rows == placed and 0 < points <= placed
    assert held() == (points, rows)  # derived once
    ingest(store, EXTRACT)  # the same files again: unchanged, nothing added
    assert held() == (points, rows)
    db = open_db(db_path)  # a store filled before the points and the place counts were kept
    for table in ("police_points", "police_point_months", "police_place_counts",
                  "police_places"):
        db.execute(f"DELETE FROM {table}")
    db.conn.commit()
    db.close()
    assert held() == (0, 0)  # nothing to derive them from
    report = ingest(store, EXTRACT)
    assert {f["status"] for f in report["files"]} == {"unchanged"}
    assert held() == (points, rows)


def test_points_of_a_first_import_are_those_of_imports_one_by_one(store, db_path,  # type: ignore[no-untyped-def]
                                                                   cspbot, tmp_path) -> None:
    """Points derived once after a first import of many months are those derived after each of
    imports made one file at a time (the later ones into a table that holds points already),
    and the matching uses the table's index."""
    def points_and_index(path: Path) -> tuple[list[tuple[object, ...]], object, str]:
        db = open_db(path)
        try:
            derive_points(db)
            index = db.execute("SELECT sql FROM sqlite_master WHERE name = "
                               "'police_points_location'").fetchone()
            plan = " ".join(r[3] for r in db.execute(
                "EXPLAIN QUERY PLAN SELECT n.lsoa FROM police_points o JOIN police_points n "
                "ON n.location = o.location AND n.latitude BETWEEN o.latitude - 0.01 AND "
                "o.latitude + 0.01 WHERE o.lsoa = 'E01027101'"))
            return db.execute("SELECT * FROM police_points ORDER BY 1, 2, 3, 4, 5").fetchall(), \
                index, plan
        finally:
            db.close()

    at_once, index, plan = points_and_index(db_path)
    fresh = open_db(tmp_path / "fresh.db")
    made = fresh.execute("SELECT sql FROM sqlite_master WHERE name = "
                         "'police_points_location'").fetchone()
    fresh.close()
    assert at_once and index == made and "INDEX police_points_location" in plan
    one_by_one = tmp_path / "one-by-one.db"
    for path in sorted(EXTRACT.glob("*.csv")):
        result = cspbot("ingest", "police-uk", path, env={"CSP_DB_PATH": str(one_by_one)})
        assert result.exit_code == 0, result.output
        db = open_db(one_by_one)
        assert derive_points(db) == 1  # the month just imported
        db.close()
    assert points_and_index(one_by_one)[0] == at_once
