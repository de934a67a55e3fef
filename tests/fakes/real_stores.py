"""Stores built from the real police.uk files in ../shared/data, by the real loader, for the
tests of METHOD 2.9 on real data: the forces' files, the nine Leicestershire CSPs (test files in
tests/fixtures/leicestershire/), a partnership per Northamptonshire district, and the demo.
Callers skip when the data is absent (conftest.policeuk)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner, Result

from bot.cli.main import cli
from data.db import open_db
from data.demo import load_demo
from data.partnership import load_partnership
from data.policeuk import ingest_police_uk

# Northamptonshire's districts as its files name them: before 2021 (to 2022-03) and after
DISTRICTS = ("Corby", "Daventry", "East Northamptonshire", "Kettering", "Northampton",
             "South Northamptonshire", "Wellingborough", "North Northamptonshire",
             "West Northamptonshire")
DISTRICT = """[partnership]
id = "{pid}"
name = "{name}"
local_authorities = ["{name}"]

[[agencies]]
id = "council"
name = "The council"
"""


def pid_of(district: str) -> str:
    return "n-" + district.lower().replace(" ", "-")


def make_store(folder: Path, forces: list[Path], nine: list[Path]) -> Path:
    """The forces' files, the nine Leicestershire CSPs, a partnership per Northamptonshire
    district and the demo (Kettering, its own figures to 2010-03), in one store."""
    path = folder / "csp.db"
    db = open_db(path)
    try:
        ingest_police_uk(db, forces)
        for partnership in nine:
            load_partnership(db, partnership)
        for district in DISTRICTS:
            toml = folder / f"{pid_of(district)}.toml"
            toml.write_text(DISTRICT.format(pid=pid_of(district), name=district),
                            encoding="utf-8")
            load_partnership(db, toml)
        load_demo(db)
    finally:
        db.close()
    return path


def make_force_store(path: Path, force: Path, partnerships: list[Path]) -> Path:
    """One force's files and the given partnership files, in a new store at `path`."""
    db = open_db(path)
    try:
        ingest_police_uk(db, [force])
        for partnership in partnerships:
            load_partnership(db, partnership)
    finally:
        db.close()
    return path


def cli_on(store: Path, charts: Path) -> Callable[..., Result]:
    """`cspbot ARGS...` in-process on `store`; `ask` writes its charts to `charts`."""
    def run(*args: str) -> Result:
        env = {"CSP_DB_PATH": str(store), "CSP_LOG_FILE": str(charts / "csp.log")}
        if args[0] == "ask":
            args = (*args, "--charts", str(charts))
        return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return run
