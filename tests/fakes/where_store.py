"""Police.uk street files for the demo's Kettering, written by a test (no real data needed), so
that `/csp where` and the Where? button have neighbourhoods to break a change down by: 24 months
to the demo's 2010-03, burglaries in four LSOAs (two of them in the demo's town centre) whose
counts a test can work out by hand (`PER_MONTH`)."""

from __future__ import annotations

from pathlib import Path

from data.db import open_db
from data.policeuk import ingest_police_uk
from data.queries import month_range

HEADER = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
          "LSOA name,Crime type,Last outcome category,Context")
FORCE = "Northamptonshire Police"
BEFORE, NOW = month_range("2008-04", "2009-03"), month_range("2009-04", "2010-03")
# (LSOA code, police.uk name) -> burglaries a month (the 12 months before, the latest 12)
PER_MONTH = {("E01027110", "Kettering 007B"): (2, 5),  # town centre: +36
             ("E01027111", "Kettering 006C"): (1, 1),  # town centre: 0
             ("E01027079", "Kettering 004A"): (3, 2),  # -12
             ("E01027080", "Kettering 004B"): (0, 2)}  # +24; the whole: 72 -> 120, +48


def write_streets(folder: Path) -> Path:
    """The 24 street files in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for month in BEFORE + NOW:
        lines = [HEADER]
        for (code, name), counts in PER_MONTH.items():
            n = counts[1] if month in NOW else counts[0]
            lines += [f",{month},{FORCE},{FORCE},-0.72,52.39,On or near High Street,{code},"
                      f"{name},Burglary,Under investigation,"] * n
        (folder / f"{month}-northamptonshire-street.csv").write_text(
            "\n".join(lines) + "\n", encoding="utf-8")
    return folder


def add_streets(store: Path, folder: Path) -> None:
    """Import the street files into the store (the demo, as tests build it)."""
    db = open_db(store)
    try:
        ingest_police_uk(db, [write_streets(folder)])
    finally:
        db.close()
