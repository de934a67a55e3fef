"""Small police.uk street-level files written by a test, in the real files' layout, for the real
loader to import (`cspbot ingest police-uk`): rows placed in named LSOAs and rows with "No
Location"."""

from __future__ import annotations

import zlib
from pathlib import Path

HEADER = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
          "LSOA name,Crime type,Last outcome category,Context")


def street_file(folder: Path, force: str, month: str, placed: dict[str, int],
                unplaced: int) -> Path:
    """A police.uk street-level file: `placed[lsoa name]` burglaries in that LSOA (its code
    made from the name) and `unplaced` with "No Location"."""
    lines = [HEADER]
    for name, n in placed.items():
        code = f"E0{zlib.crc32(name.encode()) % 10**7:07d}"
        lines += [f",{month},{force},{force},-1.0,52.6,On or near Main Street,{code},{name},"
                  "Burglary,Under investigation,"] * n
    lines += [f",{month},{force},{force},,,No Location,,,Burglary,Under investigation,"] * unplaced
    slug = force.split()[0].lower()
    path = folder / f"{month}-{slug}-street.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
