"""The import against the real police.uk files in ../shared/data (skipped when absent)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import dump, policeuk
from fakes.policeuk_import import ingest

from data.catalogue import CATALOGUE, SLUG_BY_POLICE_TYPE, expand
from data.db import open_db
from data.queries import local_authorities

VINTAGE_MONTHS = [f"2021-{m:02d}" for m in range(3, 13)] + ["2022-01", "2022-02", "2022-03"]


def pandas_counts(folder: Path) -> pd.DataFrame:
    """month, local_authority, indicator -> count, by pandas from the raw files alone."""
    frames = [pd.read_csv(f, usecols=["Month", "LSOA code", "LSOA name", "Crime type"],
                          dtype=str, keep_default_na=False) for f in sorted(folder.glob("*.gz"))]
    raw = pd.concat(frames)
    raw = raw[raw["LSOA code"] != ""]
    raw["local_authority"] = raw["LSOA name"].str.replace(r"\s+\d{3}[A-Z]$", "", regex=True)
    raw["indicator"] = raw["Crime type"].map(SLUG_BY_POLICE_TYPE)
    counts = raw.groupby(["local_authority", "Month", "indicator"]).size().unstack(fill_value=0)
    counts = counts.reindex(columns=sorted(SLUG_BY_POLICE_TYPE.values()), fill_value=0)
    for ind in CATALOGUE:
        if ind.kind == "derived":
            counts[ind.slug] = counts[list(expand(ind.slug))].sum(axis=1)
    long = counts.stack().rename("count").reset_index()
    return long.rename(columns={"Month": "month", "level_2": "indicator"})


@pytest.fixture(scope="module")
def leicestershire_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = policeuk("leicestershire")
    path = tmp_path_factory.mktemp("leics") / "csp.db"
    from data.policeuk import ingest_police_uk
    db = open_db(path)
    ingest_police_uk(db, [folder])
    db.close()
    return path


def test_export_equals_an_independent_pandas_aggregation(leicestershire_store: Path,
                                                          cspbot_on) -> None:
    expected = pandas_counts(policeuk("leicestershire"))
    expected = expected.set_index(["local_authority", "month", "indicator"])["count"]
    db = open_db(leicestershire_store)
    authorities = local_authorities(db)
    assert set(authorities) == set(expected.index.get_level_values(0))
    compared = 0
    for la in authorities:
        result = cspbot_on(leicestershire_store, "export", "counts", "--local-authority", la)
        assert result.exit_code == 0, result.output
        got = {(la, r["month"], r["indicator"]): int(r["count"])
               for r in csv.DictReader(io.StringIO(result.stdout))}
        want = expected.loc[[la]].to_dict()
        assert {k: got[k] for k in want} == want, la
        # Months held with no row in the district are true zeros (METHOD 2.9), which a
        # groupby of the rows cannot show.
        assert {k: n for k, n in got.items() if k not in want} == dict.fromkeys(
            set(got) - set(want), 0), la
        compared += len(want)
    assert compared == len(expected) > 20_000  # 23,072 figures in the 56 files


def test_charnwood_burglary_known_figure(leicestershire_store: Path, cspbot_on) -> None:
    result = cspbot_on(leicestershire_store, "export", "counts", "-l", "Charnwood", "-i",
                       "burglary", "--from", "2021-03", "--to", "2021-03", "--format", "json")
    rows = json.loads(result.stdout)
    raw = pd.read_csv(policeuk("leicestershire", "2021-03-leicestershire-street.csv.gz"),
                      dtype=str, keep_default_na=False)
    n = ((raw["Crime type"] == "Burglary") & raw["LSOA name"].str.startswith("Charnwood ")).sum()
    assert rows == [{"month": "2021-03", "indicator": "burglary", "count": int(n)}]


def test_a_later_vintage_replaces_its_months_and_a_reimport_changes_nothing(
        leicestershire_store: Path, tmp_path: Path, cspbot_on) -> None:
    store = tmp_path / "csp.db"
    shutil.copy(leicestershire_store, store)
    vintage = policeuk("_vintages", "leicestershire-2022-07")
    counts_before = dump(store)["police_counts"]
    report = ingest(lambda *a: cspbot_on(store, *a), vintage)
    assert [f["status"] for f in report["files"]] == ["replaced"] * 13
    assert sorted(m for f in report["files"] for m in f["months"]) == VINTAGE_MONTHS
    # This vintage differs only in outcome categories: no count was revised.
    assert report["totals"]["figures_revised"] == 0 and report["revisions"] == []
    after = dump(store)
    assert after["police_counts"] == counts_before
    db = open_db(store)
    held = dict(db.execute("SELECT month, sha256 FROM police_months WHERE month IN "
                           f"({','.join('?' * 13)})", VINTAGE_MONTHS))
    assert held == {m: f["sha256"] for f in report["files"] for m in f["months"]}
    again = ingest(lambda *a: cspbot_on(store, *a), vintage)
    assert again["totals"]["files_unchanged"] == 13
    assert dump(store) == after


def test_british_transport_police_rows_without_crime_ids_are_all_counted(cspbot) -> None:
    path = policeuk("_format-variants", "2019-01-btp-street.csv.gz")
    report = ingest(cspbot, path)
    rows = len(pd.read_csv(path, dtype=str, keep_default_na=False))
    assert report["totals"]["rows_read"] == rows
    assert report["files"][0]["forces"] == ["British Transport Police"]


@pytest.fixture
def cspbot_on(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Run the CLI in-process against a given store."""
    from click.testing import CliRunner

    from bot.cli.main import cli

    def run(store: Path, *args: str):  # type: ignore[no-untyped-def]
        env = {"CSP_DB_PATH": str(store), "CSP_LOG_FILE": str(tmp_path / "csp.log")}
        return CliRunner().invoke(cli, [str(a) for a in args], env=env, catch_exceptions=False)

    return run
