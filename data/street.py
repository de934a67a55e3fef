"""Reading one data.police.uk street-level crime file into counts, with every check it needs.

The hot loop runs in C (csv, itertools.islice, operator.itemgetter, Counter); each file becomes a
Counter keyed by (month, force, LSOA code, LSOA name, crime type), and a row with more or fewer
fields than the header is found on the way. A second Counter, made from the same rows a chunk
at a time, counts the file's map points by crime type (LSOA code, location text, longitude,
latitude, crime type), which data/points.py keeps to follow LSOA codes that changed (METHOD
2.9) and data/places.py keeps for "where": each point's fields joined by SEP into one
string, hashed once and compared whole, which counts and merges points much faster than
tuples of fresh strings. Checks that concern values (control characters, month, crime type,
LSOA code and name) run on the distinct keys afterwards, and only a file that fails is read
again to find the line to quote.
The file must not change while it is read (`Source.check_unchanged`).
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import gzip
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice
from operator import itemgetter
from typing import Any, NoReturn

from data.catalogue import SLUG_BY_POLICE_TYPE
from data.errors import (
    FORMULA_START,
    IngestError,
    control_character,
    did_you_mean,
    header_problem,
    shown,
)
from data.sources import Skipped, Source

HEADER = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
          "LSOA name,Crime type,Last outcome category,Context")
NEEDED = ("Month", "Falls within", "LSOA code", "LSOA name", "Crime type")
POINT = ("Location", "Longitude", "Latitude")  # optional: without them a file has no points
CHUNK = 128  # rows held at once, to count them twice (by key and by point) in C
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
LSOA_SUFFIX = re.compile(r"\s+\d{3}[A-Z]$")
LSOA_CODE = re.compile(r"[EW]0\d{7}", re.ASCII)  # England E01..., Wales W01...
KEY_MONTH, KEY_FORCE, KEY_LSOA, KEY_NAME, KEY_TYPE = range(5)
DOWNLOAD_AGAIN = "The file may be an incomplete download: download it again from data.police.uk."
FIELDS_HINT = ("Was the file edited by hand? A comma inside a field needs the field in double "
               "quotes; download the file again from data.police.uk if unsure.")
EDITED_HINT = ("Was the file edited by hand or in a spreadsheet? Download it again from "
               "data.police.uk.")
Key = tuple[str, str, str, str, str]
SEP = "\x1f"  # joins a point's fields into its key; a field holding it makes no point
PointKey = str  # LSOA code, location text, longitude, latitude, crime type, joined by SEP
ForceMonth = tuple[str, str]


@dataclass
class StreetCounts:
    """What one file holds: rows counted by (month, force, LSOA code, LSOA name, crime type),
    and per (force, month) by map point and crime type (LSOA code, location, longitude,
    latitude, crime type); the
    (force, month) pairs it holds, found by the checks."""

    source: Source
    counts: Counter[Key]
    points: dict[ForceMonth, Counter[PointKey]]
    force_months: set[ForceMonth]
    sha256: str = ""  # of the file as read, set once it is read whole
    rows: int = 0  # the file's rows (blank lines left out)
    # per (force, month): each map point's counts by crime type (data/reading.py's by_point)
    places: dict[ForceMonth, dict[str, list[int]]] = dataclasses.field(default_factory=dict)
    # per (force, month): what the store takes of it (data/reading.py's MonthRows)
    months: dict[ForceMonth, Any] = dataclasses.field(default_factory=dict)


@functools.lru_cache(maxsize=65536)
def local_authority_of(lsoa_name: str) -> str:
    """'Kettering 005C' -> 'Kettering'; 'Bournemouth, Christchurch and Poole 038C' -> ..."""
    return LSOA_SUFFIX.sub("", lsoa_name.strip())


def read_street_file(source: Source) -> StreetCounts | Skipped:
    """Count one file's rows, or say why it is skipped; raise IngestError for a bad file."""
    reader = None
    try:
        with source.open_text() as text:
            reader = csv.reader(text)
            header = next(reader, None)
            if header is None:
                raise IngestError(source.name, "is empty: it has no header and no rows.",
                                  hint=DOWNLOAD_AGAIN)
            columns = _check_header(source, [h.strip() for h in header])
            if isinstance(columns, Skipped):
                return columns
            # A chunk of rows at a time (in C, as everything here): the widths checked, then
            # each row counted under its key and under its map point (when the file has them).
            counts: Counter[Key] = Counter()
            points: Counter[PointKey] = Counter()
            width, rows = {len(header)}, filter(None, reader)
            key = itemgetter(*columns[:len(NEEDED)])
            point = (itemgetter(columns[KEY_LSOA], *columns[len(NEEDED):], columns[KEY_TYPE])
                     if len(columns) == len(NEEDED) + len(POINT) else None)
            for chunk in iter(lambda: list(islice(rows, CHUNK)), []):
                if set(map(len, chunk)) != width:
                    _refuse_width(source, len(header))
                counts.update(map(key, chunk))
                if point:
                    points.update(map(SEP.join, map(point, chunk)))
        source.check_unchanged()
    except IngestError:
        raise
    except (EOFError, gzip.BadGzipFile, zlib.error, zipfile.BadZipFile, UnicodeDecodeError,
            csv.Error) as exc:
        source.check_unchanged()  # a file rewritten while it was read looks damaged: say so
        raise _unreadable(source, exc, _line(reader)) from exc
    result = StreetCounts(source, counts, {}, set(), source.sha256, sum(counts.values()))
    _check_values(result)
    if point:
        result.points = ({next(iter(result.force_months)): points}
                         if len(result.force_months) == 1
                         else _points_per_force_month(source, columns))
    return result


def _points_per_force_month(source: Source, columns: tuple[int, ...]
                            ) -> dict[ForceMonth, Counter[PointKey]]:
    """The map points of a file holding several forces or months (police.uk's hold one of
    each), read again: its points were counted together."""
    found: dict[ForceMonth, Counter[PointKey]] = {}
    get = itemgetter(columns[KEY_FORCE], columns[KEY_MONTH], columns[KEY_LSOA],
                     *columns[len(NEEDED):], columns[KEY_TYPE])
    with source.open_text() as text:
        reader = csv.reader(text)
        next(reader)
        for force, month, *point in map(get, filter(None, reader)):
            found.setdefault((force, month), Counter())[SEP.join(point)] += 1
    source.check_unchanged()
    return found


def _line(reader: object) -> int | None:
    return getattr(reader, "line_num", None) or None


def _unreadable(source: Source, exc: Exception, line: int | None) -> IngestError:
    """What a file that cannot be read whole (damaged, not text, not CSV) is refused with."""
    if isinstance(exc, zipfile.BadZipFile) or (source.in_zip and not isinstance(
            exc, UnicodeDecodeError | csv.Error)):
        return IngestError(source.name, f"is damaged inside its .zip archive ({exc}).", line,
                           hint=DOWNLOAD_AGAIN)
    if isinstance(exc, UnicodeDecodeError):
        return IngestError(source.name, "is not a CSV text file: it holds bytes that are not "
                           "UTF-8 text (a binary file?).", line or 1,
                           hint="Give the street-level CSV files from data.police.uk.")
    if isinstance(exc, csv.Error):
        return IngestError(source.name, f"is not a readable CSV file ({exc}).", line,
                           hint="Give the street-level CSV files from data.police.uk.")
    return IngestError(source.name, f"is truncated or not valid gzip ({exc}).", line,
                       hint=DOWNLOAD_AGAIN)


def _check_header(source: Source, header: list[str]) -> tuple[int, ...] | Skipped:
    """The columns to read: NEEDED's, then POINT's when the header has them all."""
    if "Outcome type" in header:
        return Skipped(source.name, "an outcomes file (what happened to crimes), not "
                                    "street-level crime")
    if "Part of a policing operation" in header:
        return Skipped(source.name, "a stop and search file, not street-level crime")
    if header[:3] == ["Month", "Force", "Neighbourhood"]:
        raise IngestError(source.name, "is a 2010-2012 neighbourhood summary (counts by police "
                          "neighbourhood), which cannot be placed in LSOAs.", 1,
                          hint="Use street-level files from 2013 on, which carry LSOA codes.")
    if "Easting" in header and "LSOA code" not in header:
        raise IngestError(source.name, "is in the 2010-2012 police.uk format (Easting/Northing, "
                          "no LSOA code): its crimes cannot be placed in a partnership's LSOAs.",
                          1, hint="Use street-level files from 2013 on, which carry LSOA codes.")
    missing = [c for c in NEEDED if c not in header]
    if missing:
        raise IngestError(source.name, "is not a police.uk street-level crime file: its header "
                          f"lacks {', '.join(repr(c) for c in missing)}.", 1,
                          hint=f"The header should be: {HEADER}")
    if problem := header_problem(header):
        raise IngestError(source.name, problem, 1, hint=f"The header should be: {HEADER}")
    return (*(header.index(c) for c in NEEDED),
            *(header.index(c) for c in POINT if all(p in header for p in POINT)))


def _check_values(result: StreetCounts) -> None:
    source, keys = result.source, result.counts.keys()
    if not keys:
        raise IngestError(source.name, "has a header but no rows.", hint=DOWNLOAD_AGAIN)
    pairs = set(map(itemgetter(KEY_MONTH, KEY_FORCE), keys))  # one pass for both: keys are many
    result.force_months = set(map(itemgetter(1, 0), pairs))
    distinct = [set(map(itemgetter(0), pairs)), set(map(itemgetter(1), pairs)),
                *(set(map(itemgetter(column), keys)) for column in (KEY_LSOA, KEY_NAME, KEY_TYPE))]
    for field, values in enumerate(distinct):
        if not "".join(values).isprintable():  # the fast path: no control character at all
            for value in sorted(values):
                if problem := control_character(value):
                    _refuse_row(result, field, value, f"{NEEDED[field]} {shown(value)} "
                                f"contains {problem}.", hint=EDITED_HINT)
    for month in sorted(distinct[KEY_MONTH]):
        if not MONTH.match(month):
            _refuse_row(result, KEY_MONTH, month, f"'{month}' is not a valid month: months are "
                        "written YYYY-MM, with MM from 01 to 12.")
        named = source.month_in_name
        if named and month != named:
            _refuse_row(result, KEY_MONTH, month, f"holds month {month}, but its name says "
                        f"{named}.", hint="Rename the file or fix its Month column.")
    for crime_type in sorted(distinct[KEY_TYPE] - SLUG_BY_POLICE_TYPE.keys()):
        _refuse_row(result, KEY_TYPE, crime_type, f"unknown crime type '{crime_type}'."
                    + did_you_mean(crime_type, list(SLUG_BY_POLICE_TYPE)),
                    hint="police.uk crime types: " + ", ".join(sorted(SLUG_BY_POLICE_TYPE))
                    + ".")
    _check_places(result, distinct)
    if any("northern ireland" in f.lower() for f in distinct[KEY_FORCE]):
        raise IngestError(source.name, "is a Police Service of Northern Ireland file: its rows "
                          "carry no LSOA codes, so none can be placed in a Community Safety "
                          "Partnership (CSPs are in England and Wales).",
                          hint="Leave Northern Ireland files out of the import.")


def _check_places(result: StreetCounts, distinct: list[set[str]]) -> None:
    """LSOA codes are E0 or W0 and 7 digits, each with a name; no name or force can be taken
    for a spreadsheet formula. A row with neither code nor name is "No Location": unplaced."""
    for code in sorted(distinct[KEY_LSOA] - {""}):
        if not LSOA_CODE.fullmatch(code):
            _refuse_row(result, KEY_LSOA, code, f"LSOA code {shown(code)} is not an LSOA code: "
                        "codes are E0 or W0 followed by 7 digits, e.g. E01027058.",
                        hint=EDITED_HINT)
    if "" in distinct[KEY_NAME]:
        for code in sorted({k[KEY_LSOA] for k in result.counts if not k[KEY_NAME]} - {""}):
            _refuse_row(result, KEY_LSOA, code, f"LSOA {code} has no LSOA name, which says its "
                        "local authority.", hint=EDITED_HINT, also={KEY_NAME: ""})
    for field in (KEY_NAME, KEY_FORCE):
        for value in sorted(v for v in distinct[field] if v.startswith(FORMULA_START)):
            _refuse_row(result, field, value, f"{NEEDED[field]} {shown(value)} starts with "
                        f"'{value[0]}', which a spreadsheet would run as a formula: it is not "
                        "a place name.", hint=EDITED_HINT)


def _first_row(source: Source, wanted: Callable[[list[str]], bool]) -> tuple[int, list[str]]:
    """Read the file again for the first row that is `wanted`: its line and its fields."""
    source.check_unchanged()  # a file that changed since would not hold the row any more
    with source.open_text() as text:
        reader = csv.reader(text)
        next(reader)
        for row in filter(None, reader):
            if wanted(row):
                return reader.line_num, row
    return 0, []


def _refuse_width(source: Source, width: int) -> NoReturn:
    line, row = _first_row(source, lambda row: len(row) != width)
    raise IngestError(source.name, f"this row has {len(row)} fields, but the header has "
                      f"{width}.", line or None, hint=FIELDS_HINT)


def _refuse_row(result: StreetCounts, field: int, value: str, problem: str,
                hint: str | None = None, also: dict[int, str] | None = None) -> NoReturn:
    """Find the first row whose `field` is `value` (and whose fields in `also` hold the values
    given there), and refuse it."""
    source = result.source
    with source.open_text() as text:
        header = [h.strip() for h in next(csv.reader(text))]
    wanted = [(header.index(NEEDED[f]), v) for f, v in {field: value, **(also or {})}.items()]
    line, _ = _first_row(source, lambda row: all(row[c] == v for c, v in wanted))
    raise IngestError(source.name, problem, line or None, hint=hint)
