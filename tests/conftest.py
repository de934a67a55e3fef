"""Shared fixtures: a real SQLite store in a temporary folder, the demo store (and the demo
with street files, for `/csp where`), the CLI in-process, data paths. Shared helpers that are
not fixtures live in tests/fakes/."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from fakes.demo_store import make_demo_store
from fakes.where_store import add_streets

from bot.cli.main import cli
from data.db import open_db
from handlers import where
from handlers.where_kept import keep_where_answers

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
POLICEUK = SHARED_DATA / "policeuk"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "store" / "csp.db"


@pytest.fixture
def db(db_path: Path):  # type: ignore[no-untyped-def]
    database = open_db(db_path)
    yield database
    database.close()


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store (fakes/demo_store.py), built once for each test module that asks for it.
    A test that changes it works on a copy (fakes.demo_store.copy_store); the tests of
    test_teams_e2e.py share it with the bot they run, which changes it, so it is never shared
    between modules."""
    return make_demo_store(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def demo_streets(cspbot, db_path: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """The demo store with the street files of fakes/where_store.py imported, open: what
    `/csp where` breaks a change down by."""
    assert cspbot("demo").exit_code == 0
    add_streets(db_path, tmp_path / "streets")
    database = open_db(db_path)
    yield database
    database.close()


@pytest.fixture
def worked(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str | None]]:
    """The months of the where answers worked out afresh (not served kept)."""
    done: list[str | None] = []
    work = where.work_out_where

    def counted(req, indicator, area, month):  # type: ignore[no-untyped-def]
        done.append(month)
        return work(req, indicator, area, month)

    monkeypatch.setattr(where, "work_out_where", counted)
    keep_where_answers(True)
    yield done
    keep_where_answers(True)


@pytest.fixture
def fixtures(tmp_path: Path) -> Path:
    """A private copy of tests/fixtures, which tests may rename, corrupt or add to (without
    the Northamptonshire extract of tests/test_boundaries.py, which reads it in place)."""
    copy = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, copy, ignore=shutil.ignore_patterns(
        "*.py", "*.md", "northamptonshire-boundaries"))
    return copy


@pytest.fixture
def cspbot(db_path: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Run `cspbot ARGS...` in-process against the test store; returns click's Result."""
    runner = CliRunner()

    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        environment = {"CSP_DB_PATH": str(db_path), "CSP_LOG_FILE": str(tmp_path / "csp.log"),
                       **(env or {})}
        return runner.invoke(cli, [str(a) for a in args], env=environment,
                             catch_exceptions=False)

    return run


def policeuk(*parts: str) -> Path:
    """A path under ../shared/data/policeuk, skipping the test when the folder is absent."""
    path = POLICEUK.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"real police.uk data not present ({path})")
    return path


def dump(db_path: Path) -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    """Every row of every table, to compare a store before and after."""
    database = open_db(db_path)
    try:
        return {t: sorted(database.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)
                for t in database.table_names()}
    finally:
        database.close()
