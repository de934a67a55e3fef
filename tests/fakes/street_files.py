"""Small police.uk street-level files written by a test, in the real files' layout, for the real
loader to import (`cspbot ingest police-uk`): rows placed in named LSOAs and rows with "No
Location"; and small partnership files of named local authorities."""

from __future__ import annotations

import zlib
from pathlib import Path

HEADER = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
          "LSOA name,Crime type,Last outcome category,Context")
PARTNERSHIP = """[partnership]
id = "{pid}"
name = "{pid} Community Safety Partnership"
local_authorities = [{places}]

[[agencies]]
id = "council"
name = "The council"
kind = "council"

[[priorities]]
id = "burglary"
name = "Burglary"
leads = ["council"]
indicators = ["burglary"]
"""

# A partnership of the district abolished in 2021, by its old name (METHOD 2.9, boundaries)
KETTERING = """[partnership]
id = "kettering-district"
name = "Kettering (the district before 2021)"
local_authorities = ["Kettering"]

[[agencies]]
id = "council"
name = "Kettering Borough Council"
kind = "council"

[[priorities]]
id = "burglary"
name = "Burglary"
leads = ["council"]
indicators = ["burglary"]
"""


def lsoa_code(name: str) -> str:
    """A made-up LSOA code, the same for the same name."""
    return f"E0{zlib.crc32(name.encode()) % 10**7:07d}"


def street_file(folder: Path, force: str, month: str, placed: dict[str, int],
                unplaced: int) -> Path:
    """A police.uk street-level file: `placed[lsoa name]` burglaries in that LSOA (its code
    made from the name) and `unplaced` with "No Location"."""
    lines = [HEADER]
    for name, n in placed.items():
        lines += [f",{month},{force},{force},-1.0,52.6,On or near Main Street,{lsoa_code(name)},"
                  f"{name},Burglary,Under investigation,"] * n
    lines += [f",{month},{force},{force},,,No Location,,,Burglary,Under investigation,"] * unplaced
    slug = force.split()[0].lower()
    path = folder / f"{month}-{slug}-street.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def partnership(folder: Path, pid: str, *places: str) -> Path:
    """A partnership file of the local authorities `places` (one priority: burglary)."""
    path = folder / f"{pid}.toml"
    path.write_text(PARTNERSHIP.format(pid=pid, places=", ".join(f'"{p}"' for p in places)),
                    encoding="utf-8")
    return path


def add_kettering_burglaries(store: Path, folder: Path) -> None:
    """Import 24 months (2023-01..2024-12) of Northamptonshire Police street files placing
    burglaries in two of the demo's Kettering LSOAs (3 a month, then 5), with the real loader:
    what `/csp compare burglary 2024-12` compares in the end-to-end tests."""
    from data.db import open_db
    from data.policeuk import ingest_police_uk
    from data.queries import month_range

    force, paths = "Northamptonshire Police", []
    folder.mkdir(parents=True, exist_ok=True)
    for month in month_range("2023-01", "2024-12"):
        n = 3 if month < "2024-01" else 5
        lines = [HEADER] + [f",{month},{force},{force},-0.7,52.4,On or near High Street,"
                            f"{code},{name},Burglary,Under investigation,"
                            for code, name in (("E01027079", "Kettering 004A"),
                                               ("E01027080", "Kettering 004B"))] * n
        paths.append(folder / f"{month}-northamptonshire-street.csv")
        paths[-1].write_text("\n".join(lines) + "\n", encoding="utf-8")
    db = open_db(store)
    try:
        ingest_police_uk(db, paths)
    finally:
        db.close()
