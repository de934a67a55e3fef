"""An area's ground across the 2021 LSOA and district changes (METHOD 2.9, "Boundary changes").

An area is given as district names and/or LSOA codes. Its ground is every LSOA code filed under
those names in any file held (police.uk renamed Kettering's LSOAs "North Northamptonshire ..." in
2023 but kept their codes), its own codes, and the successors of every such code that no longer
appears: from ONS's LSOA 2011 to 2021 lookup when one is imported (data/lsoa_lookup.py), or else
learned from the files themselves. A code has ceased when its force's files go on after the last
month it appears in; each map point reported under it (data/points.py) is then looked for, by
its location text within about 150 m, under codes that first appear after it ceased, and a code
that takes at least a tenth of the matched points (and two) is a successor. A code missing from
fewer than three later months with no successor found is only quiet, and is not reported.
Successors are followed in turn, so a code changed twice is followed twice.

`area_ground` works this out from the store on each call (a few small indexed queries; the
matching runs only for codes that ceased) and keeps the answer per store and data version.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import asdict, dataclass, field

import sqlite_utils

from data.points import derive_points

NEAR_M = 150.0  # the same map point: the same location text within this distance
DEGREES_LAT = NEAR_M / 111_000 * 1.05  # latitude window for the index (a little wider)
SHARE = 0.10  # a successor takes at least this share of the matched points ...
MIN_POINTS = 2  # ... and at least this many
QUIET_MONTHS = 3  # a code missing from fewer later months, with no successor, is just quiet
EARTH_M = 6_371_000.0
ONS = "ONS lookup"
LEARNED = "learned"


@dataclass(frozen=True)
class Followed:
    """An LSOA code of the area that no longer appears, and the codes that took its place."""

    code: str
    last_month: str | None  # the last month it appears in the files held
    successors: tuple[str, ...]
    source: str  # ONS ("ONS lookup"), LEARNED ("learned") or "none" (no successor found)
    points: int = 0  # learned: the old code's map points found under its successors ...
    of_points: int = 0  # ... of this many points held under the old code


@dataclass(frozen=True)
class Ground:
    """The LSOA codes an area selects, and how they were found."""

    codes: tuple[str, ...]
    names: dict[str, list[str]] = field(default_factory=dict)  # district -> names filed under
    followed: tuple[Followed, ...] = ()


_cache: dict[tuple[object, ...], Ground] = {}


def area_ground(db: sqlite_utils.Database, pid: str, area: str) -> Ground:
    """The area's ground (see the module's docstring), kept per store and data version."""
    key = _version(db, pid, area)
    if key is None:
        return _work_out(db, pid, area)
    ground = _cache.get(key)
    if ground is None:
        if len(_cache) > 256:
            _cache.clear()
        ground = _cache[key] = _work_out(db, pid, area)
    return ground


def _version(db: sqlite_utils.Database, pid: str, area: str) -> tuple[object, ...] | None:
    """What the ground depends on: the store, its imports, the force-months whose map points
    are held (an older store's files imported again add points but no import) and the
    partnership file loaded. None for a store in memory (never kept)."""
    path = db.execute("PRAGMA database_list").fetchone()[2]
    if not path:
        return None
    ingests = db.execute("SELECT MAX(id), MAX(ingested_at), COUNT(*), (SELECT COUNT(*) FROM "
                         "police_point_months) FROM ingests").fetchone()  # points: see below
    loaded = db.execute("SELECT loaded_at, sha256 FROM partnerships WHERE id = ?",
                        (pid,)).fetchone()
    return (path, pid, area, *ingests, *(loaded or ()))


def _work_out(db: sqlite_utils.Database, pid: str, area: str) -> Ground:
    districts, codes = [], set()
    for kind, value in db.execute("SELECT kind, value FROM area_members WHERE partnership = ? "
                                  "AND area = ?", (pid, area)):
        if kind == "local_authority":
            districts.append(value)
        else:
            codes.add(value)
    names: dict[str, list[str]] = {}
    for district in districts:
        found = [r[0] for r in db.execute(
            "SELECT DISTINCT lsoa FROM police_counts WHERE local_authority = ?", (district,))]
        codes.update(found)
        names[district] = _names_of(db, found)
    followed: list[Followed] = []
    done: set[str] = set()
    todo = sorted(codes)
    while todo:  # successors are followed in turn
        done.update(todo)
        steps = _successors(db, todo)
        followed += steps
        new = {code for step in steps for code in step.successors}
        codes |= new
        todo = sorted(new - done)
    return Ground(tuple(sorted(codes)), names, tuple(followed))


def _names_of(db: sqlite_utils.Database, codes: list[str]) -> list[str]:
    """The districts these codes were filed under, in the order of their first month."""
    if not codes:
        return []
    marks = ",".join("?" * len(codes))
    return [r[0] for r in db.execute(
        f"SELECT local_authority FROM police_counts WHERE lsoa IN ({marks}) "
        "GROUP BY local_authority ORDER BY MIN(month), local_authority", codes)]


def _successors(db: sqlite_utils.Database, codes: list[str]) -> list[Followed]:
    """The codes among `codes` that changed, each with its successors."""
    marks = ",".join("?" * len(codes))
    ons: dict[str, list[str]] = {}
    for old, new in db.execute(f"SELECT old, new FROM lsoa_lookup WHERE old IN ({marks})",
                               codes):
        ons.setdefault(old, []).append(new)
    last = {code: (month, forces.split(",")) for code, month, forces in db.execute(
        f"SELECT lsoa, MAX(month), GROUP_CONCAT(DISTINCT force) FROM police_counts "
        f"WHERE lsoa IN ({marks}) GROUP BY lsoa", codes)}
    latest = dict(db.execute("SELECT force, MAX(month) FROM police_months GROUP BY force"))
    steps = []
    ceased = {code for code, (month, forces) in last.items() if code not in ons
              and month < max(latest.get(f, "") for f in forces)}
    if ceased:
        derive_points(db)  # the points of the months imported since they were last needed
    for code in codes:
        month, forces = last.get(code, (None, []))
        if code in ons:
            new = tuple(sorted(set(ons[code]) - {code}))
            if new:
                steps.append(Followed(code, month, new, ONS))
        elif code in ceased:
            step = _learn(db, code, month)
            if step.successors or _later_months(db, forces, month) >= QUIET_MONTHS:
                steps.append(step)
    return steps


def _later_months(db: sqlite_utils.Database, forces: list[str], month: str) -> int:
    """How many months after `month` the forces' files are held for."""
    marks = ",".join("?" * len(forces))
    return int(db.execute(f"SELECT COUNT(DISTINCT month) FROM police_months WHERE force IN "
                          f"({marks}) AND month > ?", [*forces, month]).fetchone()[0])


def _learn(db: sqlite_utils.Database, code: str, last_month: str) -> Followed:
    """The successors of a code that ceased after `last_month`, from the map points (derived
    by the caller)."""
    votes: dict[tuple[str, float, float], set[str]] = {}
    for location, lon, lat, new, nlon, nlat in db.execute(
            "SELECT o.location, o.longitude, o.latitude, n.lsoa, n.longitude, n.latitude "
            "FROM police_points o JOIN police_points n ON n.location = o.location "
            "AND n.latitude BETWEEN o.latitude - ? AND o.latitude + ? "
            "WHERE o.lsoa = ? AND n.lsoa <> o.lsoa AND n.first_month > ?",
            (DEGREES_LAT, DEGREES_LAT, code, last_month)):
        if metres(lon, lat, nlon, nlat) <= NEAR_M:
            votes.setdefault((location, lon, lat), set()).add(new)
    held = db.execute("SELECT COUNT(DISTINCT location || ' ' || longitude || ' ' || latitude) "
                      "FROM police_points WHERE lsoa = ?", (code,)).fetchone()[0]
    first = _first_months(db, {c for found in votes.values() for c in found})
    tally = Counter(c for found in votes.values() for c in found
                    if first.get(c, "") > last_month)  # a code new since the old one ceased
    matched = sum(1 for found in votes.values() if any(c in tally for c in found))
    chosen = tuple(sorted(c for c, n in tally.items()
                          if n >= max(MIN_POINTS, SHARE * matched)))
    if not chosen:
        return Followed(code, last_month, (), "none", 0, held)
    points = sum(1 for found in votes.values() if set(found) & set(chosen))
    return Followed(code, last_month, chosen, LEARNED, points, held)


def _first_months(db: sqlite_utils.Database, codes: set[str]) -> dict[str, str]:
    """Each code's first month in the files held."""
    if not codes:
        return {}
    marks = ",".join("?" * len(codes))
    return dict(db.execute(f"SELECT lsoa, MIN(month) FROM police_counts WHERE lsoa IN ({marks}) "
                           "GROUP BY lsoa", sorted(codes)))


def metres(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """The great-circle distance between two points (haversine), in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_M * math.asin(math.sqrt(a))


def boundary_changes(db: sqlite_utils.Database, pid: str) -> list[dict[str, object]]:
    """For `cspbot status -p`: each area's districts and the names their codes were filed
    under, the codes it selects and the codes it followed to their successors."""
    changes = []
    for (area,) in db.execute("SELECT id FROM areas WHERE partnership = ? ORDER BY "
                              "kind = 'sub-area', id", (pid,)).fetchall():
        ground = area_ground(db, pid, area)
        changes.append({"area": area, "codes": len(ground.codes), "names": ground.names,
                        "followed": [asdict(f) for f in ground.followed]})
    return changes
