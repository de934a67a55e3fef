"""Shared fixtures: a real SQLite store in a temporary folder, the CLI in-process, data paths."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli.main import cli
from data.db import open_db

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


@pytest.fixture
def fixtures(tmp_path: Path) -> Path:
    """A private copy of tests/fixtures, which tests may rename, corrupt or add to."""
    copy = tmp_path / "fixtures"
    shutil.copytree(FIXTURES, copy, ignore=shutil.ignore_patterns("*.py", "*.md"))
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
