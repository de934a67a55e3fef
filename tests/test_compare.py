"""Compared with what, and rates (issue 14), on a fresh clone: small police.uk files written
here (tests/fakes/street_files.py) for three partnerships of one force, a neighbouring force's
rows in one of them, a peer group named in a file and a population CSV; asked through
`cspbot` (the console goes through the router, as chat does)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from fakes.policeuk_import import ingest
from fakes.street_files import lsoa_code, partnership, street_file

from data.comparison import force_counts, force_lsoa_counts
from data.db import open_db
from data.queries import month_range

FORCE, NEIGHBOUR = "Testshire Police", "Otherford Police"
MONTHS = month_range("2023-01", "2024-12")
BEFORE = {"Alpha 001A": 6, "Alpha 001B": 4, "Beta 001A": 10, "Gamma 001A": 10}
NOW = {"Alpha 001A": 10, "Alpha 001B": 6, "Beta 001A": 11, "Gamma 001A": 5}


@pytest.fixture
def store(cspbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    files = tmp_path / "files"
    files.mkdir()
    paths = []
    for month in MONTHS:
        placed = BEFORE if month < "2024-01" else NOW
        paths.append(street_file(files, FORCE, month, placed, 1))
        other = files / "other"
        other.mkdir(exist_ok=True)  # the neighbour places one row a month in Alpha 001A
        paths.append(street_file(other, NEIGHBOUR, month, {"Alpha 001A": 1, "Delta 001A": 3}, 0))
    ingest(cspbot, *paths)
    for pid, place in (("alpha", "Alpha"), ("beta", "Beta"), ("gamma", "Gamma")):
        loaded = cspbot("partnership", "load", partnership(tmp_path, pid, place))
        assert loaded.exit_code == 0, loaded.output
    population = tmp_path / "population.csv"
    population.write_text("area,financial_year,population\nalpha,2023/24,19000\n"
                          "alpha,2024/25,20000\n", encoding="utf-8")
    loaded = cspbot("ingest", "population", population, "--partnership", "alpha")
    assert loaded.exit_code == 0, loaded.output
    return tmp_path


def expected(lsoas: list[str], counts: dict[str, int]) -> int:
    return 12 * sum(counts[n] for n in lsoas)


def test_the_table_ranks_every_partnership_and_force_area(cspbot, store: Path) -> None:
    export = cspbot("export", "compare", "--indicator", "burglary", "--format", "csv")
    assert export.exit_code == 0, export.output
    rows = list(csv.DictReader(io.StringIO(export.stdout)))
    assert [r["name"] for r in rows] == ["alpha", "beta", "Testshire", "Otherford", "gamma"]
    by_name = {r["name"]: r for r in rows}
    alpha_now = expected(["Alpha 001A", "Alpha 001B"], NOW) + 12  # + the neighbour's rows
    alpha_before = expected(["Alpha 001A", "Alpha 001B"], BEFORE) + 12
    assert (int(by_name["alpha"]["count_now"]), int(by_name["alpha"]["count_before"])) == (
        alpha_now, alpha_before)
    assert float(by_name["alpha"]["pct_change"]) == pytest.approx(
        (alpha_now / alpha_before - 1) * 100)
    assert float(by_name["alpha"]["rate_per_1000"]) == pytest.approx(alpha_now / 20)
    assert by_name["beta"]["rate_per_1000"] == ""  # no population loaded
    force_now, force_before = expected(list(NOW), NOW), expected(list(BEFORE), BEFORE)
    assert by_name["Testshire"]["kind"] == "force"
    assert (int(by_name["Testshire"]["count_now"]), int(by_name["Testshire"]["count_before"])
            ) == (force_now, force_before)  # its own rows only: not the neighbour's in Alpha
    assert float(by_name["gamma"]["p_value"]) < 0.001 < float(by_name["beta"]["p_value"])
    assert "2024-01 to 2024-12 against 2023-01 to 2023-12" in export.stderr


def test_the_force_change_is_the_sum_of_its_lsoas_changes(store: Path) -> None:
    db = open_db(store / "store" / "csp.db")
    try:
        whole = force_counts(db, FORCE, "burglary", "2024-12")
        parts = force_lsoa_counts(db, FORCE, "burglary", whole.window)
    finally:
        db.close()
    assert set(parts) == {lsoa_code(n) for n in NOW}
    assert sum(n for n, _ in parts.values()) == whole.count_now
    assert sum(b for _, b in parts.values()) == whole.count_before
    assert whole.count_now - whole.count_before == sum(n - b for n, b in parts.values())


def test_each_answer_says_the_force_and_the_rank_among_peers(cspbot, store: Path) -> None:
    answer = cspbot("ask", "-p", "beta", "burglary")
    assert answer.exit_code == 0, answer.output
    force = (expected(list(NOW), NOW) / expected(list(BEFORE), BEFORE) - 1) * 100
    assert (f"Testshire as a whole: {force:+.0f}%; beta is 2nd of 3 Testshire partnerships "
            "(1st = the largest rise)") in " ".join(answer.output.split())


def test_a_peer_group_named_in_the_file_is_the_one_ranked(cspbot, store: Path) -> None:
    path = store / "gamma.toml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        'local_authorities = ["Gamma"]', 'local_authorities = ["Gamma"]\npeers = ["beta"]'),
        encoding="utf-8")
    assert cspbot("partnership", "load", path).exit_code == 0
    answer = cspbot("ask", "-p", "gamma", "burglary")
    assert "gamma is 2nd of 2 in its peer group" in " ".join(answer.output.split())
    wrong = path.read_text(encoding="utf-8").replace('["beta"]', '["Beta CSP"]')
    path.write_text(wrong, encoding="utf-8")
    refused = cspbot("partnership", "load", path)
    assert refused.exit_code != 0 and "peers" in refused.output


def test_compare_through_the_router(cspbot, store: Path) -> None:
    answer = cspbot("ask", "-p", "beta", "compare burglary")
    assert answer.exit_code == 0, answer.output
    text = " ".join(answer.output.split())
    assert "beta is 2nd of 3 Testshire partnerships" in text
    assert text.index("alpha") < text.index("Testshire force") < text.index("gamma")
    assert "compare" in cspbot("ask", "-p", "beta", "help").output


def test_rates_are_given_where_population_is_loaded(cspbot, store: Path) -> None:
    answer = cspbot("ask", "-p", "alpha", "burglary rate")
    assert answer.exit_code == 0, answer.output
    now = expected(["Alpha 001A", "Alpha 001B"], NOW) + 12
    before = expected(["Alpha 001A", "Alpha 001B"], BEFORE) + 12
    assert (f"Per 1,000 residents {now / 20:.1f} in the latest 12 months, against "
            f"{before / 19:.1f} in the 12 months before (population 20,000 in 2024/25)"
            ) in " ".join(answer.output.split())
    other = cspbot("ask", "-p", "beta", "burglary rate")
    assert other.exit_code == 0, other.output
    assert "No area called" not in other.output
    assert "no population is loaded for beta Community Safety Partnership" in " ".join(
        other.output.split())


def test_the_export_as_json_and_a_month_that_cannot_be_compared(cspbot, store: Path) -> None:
    export = cspbot("export", "compare", "-i", "burglary", "--month", "2023-12",
                    "--format", "json")
    assert export.exit_code == 0, export.output
    rows = json.loads(export.stdout)
    assert {r["kind"] for r in rows} == {"partnership", "force"}
    assert all(r["pct_change"] is None and r["count_now"] is None for r in rows)
    assert "are not held" in export.stderr


def test_another_partnership_named_as_an_area_is_said_to_be_one(cspbot, store: Path) -> None:
    """"burglary alpha" asked of beta's bot: alpha is another partnership, not an unknown area;
    compare is offered. A word naming nothing held stays "No area called"."""
    answer = " ".join(cspbot("ask", "-p", "beta", "burglary alpha").output.split())
    assert ("alpha Community Safety Partnership is another partnership in this store; here the "
            "answers are beta Community Safety Partnership's.") in answer
    assert "Try: /csp compare burglary" in answer
    where = " ".join(cspbot("ask", "-p", "beta", "where burglary gamma").output.split())
    assert "gamma Community Safety Partnership is another partnership" in where
    assert "No area called 'nowhere'" in cspbot("ask", "-p", "beta", "burglary nowhere").output
