"""Stores built from the real police.uk files in ../shared/data, by the real loader, for the
tests of METHOD 2.9 on real data: the forces' files, the nine Leicestershire CSPs (test files in
tests/fixtures/leicestershire/), a partnership per Northamptonshire district, and the demo.
Callers skip when the data is absent (conftest.policeuk)."""

from __future__ import annotations

from pathlib import Path

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
