"""Reading one data.police.uk street-level crime file into counts, with every check it needs.

The hot loop runs in C (csv, operator.itemgetter, Counter); each file becomes a Counter keyed
by (month, force, LSOA code, LSOA name, crime type). Checks that concern values (month, crime
type) run on the distinct keys afterwards, and only a file that fails is read again to find the
line to quote.
"""

from __future__ import annotations

import csv
import gzip
import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass
from operator import itemgetter
from typing import NoReturn

from data.catalogue import SLUG_BY_POLICE_TYPE
from data.errors import IngestError, did_you_mean
from data.sources import Skipped, Source

HEADER = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
          "LSOA name,Crime type,Last outcome category,Context")
NEEDED = ("Month", "Falls within", "LSOA code", "LSOA name", "Crime type")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
KEY_MONTH, KEY_FORCE, KEY_LSOA, KEY_NAME, KEY_TYPE = range(5)
DOWNLOAD_AGAIN = "The file may be an incomplete download: download it again from data.police.uk."
FIELDS_HINT = ("Was the file edited by hand? A comma inside a field needs the field in double "
               "quotes; download the file again from data.police.uk if unsure.")


@dataclass
class StreetCounts:
    """What one file holds: rows counted by (month, force, LSOA code, LSOA name, crime type)."""

    source: Source
    counts: Counter[tuple[str, str, str, str, str]]

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    @property
    def sha256(self) -> str:
        return self.source.sha256


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
            counts: Counter[tuple[str, str, str, str, str]] = Counter()
            # The first getter also reads the row's last field, so a short row raises
            # IndexError; the second drops that field again. Both run in C.
            with_last = itemgetter(*columns, len(header) - 1)
            key = itemgetter(*range(len(columns)))
            try:
                counts.update(map(key, map(with_last, filter(None, reader))))
            except IndexError:
                raise IngestError(source.name, "this row has fewer fields than the header "
                                  f"({len(header)}).", reader.line_num,
                                  hint=FIELDS_HINT) from None
    except IngestError:
        raise
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        if source.in_zip:
            raise IngestError(source.name, f"is damaged inside its .zip archive ({exc}).",
                              _line(reader), hint=DOWNLOAD_AGAIN) from exc
        raise IngestError(source.name, f"is truncated or not valid gzip ({exc}).",
                          _line(reader), hint=DOWNLOAD_AGAIN) from exc
    except zipfile.BadZipFile as exc:
        raise IngestError(source.name, f"is damaged inside its .zip archive ({exc}).",
                          _line(reader), hint=DOWNLOAD_AGAIN) from exc
    except UnicodeDecodeError as exc:
        raise IngestError(source.name, "is not a CSV text file: it holds bytes that are not "
                          "UTF-8 text (a binary file?).", _line(reader) or 1,
                          hint="Give the street-level CSV files from data.police.uk.") from exc
    except csv.Error as exc:
        raise IngestError(source.name, f"is not a readable CSV file ({exc}).", _line(reader),
                          hint="Give the street-level CSV files from data.police.uk.") from exc
    result = StreetCounts(source, counts)
    _check_values(result)
    return result


def _line(reader: object) -> int | None:
    return getattr(reader, "line_num", None) or None


def _check_header(source: Source, header: list[str]) -> tuple[int, ...] | Skipped:
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
    return tuple(header.index(c) for c in NEEDED)


def _check_values(result: StreetCounts) -> None:
    source, keys = result.source, result.counts.keys()
    if not keys:
        raise IngestError(source.name, "has a header but no rows.", hint=DOWNLOAD_AGAIN)
    for month in sorted({k[KEY_MONTH] for k in keys}):
        if not MONTH.match(month):
            _refuse_row(result, KEY_MONTH, month, f"'{month}' is not a valid month: months are "
                        "written YYYY-MM, with MM from 01 to 12.")
        named = source.month_in_name
        if named and month != named:
            _refuse_row(result, KEY_MONTH, month, f"holds month {month}, but its name says "
                        f"{named}.", hint="Rename the file or fix its Month column.")
    for crime_type in sorted({k[KEY_TYPE] for k in keys}):
        if crime_type not in SLUG_BY_POLICE_TYPE:
            _refuse_row(result, KEY_TYPE, crime_type, f"unknown crime type '{crime_type}'."
                        + did_you_mean(crime_type, list(SLUG_BY_POLICE_TYPE)),
                        hint="police.uk crime types: " + ", ".join(sorted(SLUG_BY_POLICE_TYPE))
                        + ".")
    forces = {k[KEY_FORCE] for k in keys}
    if any("northern ireland" in f.lower() for f in forces):
        raise IngestError(source.name, "is a Police Service of Northern Ireland file: its rows "
                          "carry no LSOA codes, so none can be placed in a Community Safety "
                          "Partnership (CSPs are in England and Wales).",
                          hint="Leave Northern Ireland files out of the import.")


def _refuse_row(result: StreetCounts, field: int, value: str, problem: str,
                hint: str | None = None) -> NoReturn:
    """Read the file again to find the first row whose `field` is `value`, and refuse it.

    A row with more or fewer fields than the header is reported as such: its values have
    moved to other columns, which is the real problem.
    """
    with result.source.open_text() as text:
        reader = csv.reader(text)
        header = [h.strip() for h in next(reader)]
        column = header.index(NEEDED[field])
        for row in reader:
            if len(row) > column and row[column] == value:
                if len(row) != len(header):
                    raise IngestError(result.source.name, f"this row has {len(row)} fields, but "
                                      f"the header has {len(header)}.", reader.line_num,
                                      hint=FIELDS_HINT)
                raise IngestError(result.source.name, problem, reader.line_num, hint=hint)
    raise IngestError(result.source.name, problem, hint=hint)
