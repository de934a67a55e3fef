"""Two periods on the real Leicestershire police.uk files in ../shared/data (skipped when
absent): the counts said equal rows counted here from the raw files with the csv module, the
p-values equal METHOD J1 worked out here with scipy, and months not held are refused or matched
and said (METHOD 2.9). Leicestershire's files skip 2019-03..2019-11, 2022-11..2023-12 and
2024-05..2024-12, and 2020-03 is an incomplete month for Harborough."""

from __future__ import annotations

import csv
import gzip
from collections import Counter
from typing import Any

import pytest
from conftest import FIXTURES, policeuk
from fakes.period_checks import facts, j1_p, said
from scipy import stats  # type: ignore[import-untyped]

from data.db import open_db
from data.partnership import load_partnership
from data.policeuk import ingest_police_uk
from data.queries import month_range
from handlers import Context, Reply, Settings, dispatch


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = policeuk("leicestershire")
    db = open_db(tmp_path_factory.mktemp("periods-real") / "csp.db")
    ingest_police_uk(db, [folder])
    for name in ("charnwood", "harborough"):
        load_partnership(db, FIXTURES / "leicestershire" / f"{name}.toml")
    yield db
    db.close()


@pytest.fixture(scope="module")
def raw() -> Counter[tuple[str, str, str]]:
    """Rows per (district, crime type, month) of Leicestershire's files, from the raw CSVs."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for path in sorted(policeuk("leicestershire").glob("*-street.csv.gz")):
        with gzip.open(path, "rt", encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                district = row["LSOA name"].rsplit(" ", 1)[0]
                counts[(district, row["Crime type"], row["Month"])] += 1
    return counts


def ask(store: Any, pid: str, text: str) -> Reply:
    result = dispatch(text, Context(None, "console", None, "2026-02-15"), store,
                      Settings(partnership=pid))
    assert isinstance(result, Reply)
    return result


@pytest.mark.parametrize(("now", "before"), [("2025-04", "2024-04"), ("2022-10", "2021-10"),
                                             ("2025-01", "2024-01")])
def test_two_held_months_give_the_raw_counts_and_the_exact_test(store: Any, raw: Counter,
                                                                now: str, before: str) -> None:
    reply = ask(store, "charnwood", f"burglary {now} vs {before}")
    c1, c2 = raw[("Charnwood", "Burglary", now)], raw[("Charnwood", "Burglary", before)]
    p = stats.binomtest(c1, c1 + c2, 0.5).pvalue
    shown = facts(reply)
    assert (shown[now], shown[before]) == (f"{c1:,}", f"{c2:,}")
    assert f"p = {p:.3f}" in shown["Significance"]
    assert said(reply)[0] == ("Taking this as: Burglary, Charnwood Community Safety Partnership, "
                              f"{now} against {before}.")


def test_2025_12_against_2024_12_is_refused_for_the_month_not_held(store: Any) -> None:
    for text in ("burglary 2025-12 vs 2024-12", "burglary last month"):
        reply = ask(store, "charnwood", text)
        said_ = " ".join(said(reply))
        assert reply.title == "Sorry"
        assert ("Taking this as 2025-12 against 2024-12: 2024-12 is not held for Charnwood "
                "Community Safety Partnership: Leicestershire Police's files for 2024-05 to "
                "2024-12 are not in the store.") in said_
        assert "Nearest held months: 2024-04 and 2025-01" in said_


def test_a_range_of_held_months(store: Any, raw: Counter) -> None:
    now, before = month_range("2025-01", "2025-04"), month_range("2024-01", "2024-04")
    reply = ask(store, "charnwood", "burglary 2025-01..2025-04 vs 2024-01..2024-04")
    c1 = [raw[("Charnwood", "Burglary", m)] for m in now]
    c2 = [raw[("Charnwood", "Burglary", m)] for m in before]
    shown = facts(reply)
    assert shown["2025-01 to 2025-04"] == f"{sum(c1):,}"
    assert shown["2024-01 to 2024-04"] == f"{sum(c2):,}"
    assert f"p = {j1_p(c1, c2):.3f}" in shown["Significance"]


def test_this_year_so_far_with_eight_months_not_held_is_refused(store: Any) -> None:
    text = " ".join(said(ask(store, "charnwood", "burglary this year so far")))
    assert "2025/26 so far (2025-04 to 2025-12)" in text
    assert "2024-05..2024-12 are not held here: too many months missing" in text


def test_an_incomplete_month_is_left_out_with_its_pair_and_said(store: Any,
                                                                  raw: Counter) -> None:
    reply = ask(store, "harborough", "violence 2020-01..2020-06 vs 2021-01..2021-06")
    kept = [m for m in range(1, 7) if m != 3]
    c1 = [raw[("Harborough", "Violence and sexual offences", f"2020-{m:02d}")] for m in kept]
    c2 = [raw[("Harborough", "Violence and sexual offences", f"2021-{m:02d}")] for m in kept]
    shown = facts(reply)
    assert shown["2020-01 to 2020-06"] == f"{sum(c1):,}"
    assert shown["2021-01 to 2021-06"] == f"{sum(c2):,}"
    assert f"p = {j1_p(c1, c2):.3f}" in shown["Significance"]
    notes = " ".join(said(reply))
    assert ("2020-03 is left out for Harborough Community Safety Partnership: Leicestershire "
            "Police could not place 1,157 crimes that month") in notes
    assert "Based on 5 matched months: 2020-03 is not held, so 2021-03 is left out too." in notes
    assert "Context: the periods compared include the COVID-19 restrictions" in notes
