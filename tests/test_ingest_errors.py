"""`cspbot ingest police-uk` refuses bad input with a message naming the file, line and problem,
and leaves the store exactly as it was; and it imports the odd-but-valid files it should."""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
import shutil
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import dump, policeuk

GOOD = "2021-04-leicestershire-street.csv"  # LF, 161 rows
MARCH_GZ = "2021-03-leicestershire-street.csv.gz"  # gzip, CRLF, 163 rows
OUTCOMES = "2021-03-northamptonshire-outcomes.csv"
CRIME_TYPE, MONTH = 9, 1  # column positions in a street-level row
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00"


@pytest.fixture
def before(cspbot, fixtures: Path, db_path: Path) -> dict[str, list[tuple]]:
    """A store already holding the valid April 2021 file, as a dump to compare with."""
    result = cspbot("ingest", "police-uk", fixtures / GOOD)
    assert result.exit_code == 0, result.output
    return dump(db_path)


def refused(cspbot, db_path: Path, before: dict, *paths: Path) -> str:
    """Run an import that must fail; check exit status 1 and an untouched store; the message."""
    result = cspbot("ingest", "police-uk", *paths)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "something went wrong" not in result.output
    assert result.output.startswith("Error: ")
    assert "Nothing was imported: the store is unchanged." in result.output
    assert dump(db_path) == before
    return result.output


def text_of(path: Path) -> str:
    data = path.read_bytes()
    return (gzip.decompress(data) if path.name.endswith(".gz") else data).decode("utf-8")


def write_text(path: Path, text: str) -> Path:
    data = text.encode("utf-8")
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return path


def edit_row(source: Path, target: Path, line: int, edit: Callable[[list[str]], list[str]]):
    """Copy `source` to `target` with the row on physical `line` (1 = header) edited."""
    lines = text_of(source).splitlines(keepends=True)
    ending = "\r\n" if lines[line - 1].endswith("\r\n") else "\n"
    [fields] = list(csv.reader([lines[line - 1]]))
    assert len(fields) == 12, "choose a line holding one whole row"
    out = io.StringIO()
    csv.writer(out, lineterminator=ending).writerow(edit(fields))
    lines[line - 1] = out.getvalue()
    return write_text(target, "".join(lines))


def setting(column: int, value: str) -> Callable[[list[str]], list[str]]:
    return lambda fields: [value if i == column else f for i, f in enumerate(fields)]


def damaged(data: bytes, at: int, length: int = 16) -> bytes:
    """`data` with `length` bytes from `at` inverted."""
    return data[:at] + bytes(b ^ 0xFF for b in data[at:at + length]) + data[at + length:]


# --- whole-file problems ------------------------------------------------------------------

def renamed_column(text: str) -> str:
    return text.replace(",Crime type,", ",Crime category,", 1)


def without_header(text: str) -> str:
    return text.split("\n", 1)[1]


def header_only(text: str) -> str:
    return text.split("\n", 1)[0] + "\n"


@pytest.mark.parametrize(("make", "line", "words"), [
    (renamed_column, 1, "its header lacks 'Crime type'"),
    (without_header, 1, "is not a police.uk street-level crime file"),
    (header_only, None, "has a header but no rows"),
], ids=["column-renamed", "no-header", "header-only"])
def test_bad_header_is_refused(cspbot, fixtures, tmp_path, db_path, before, make, line, words):
    bad = write_text(tmp_path / "2021-05-leicestershire-street.csv",
                     make(text_of(fixtures / GOOD)))
    output = refused(cspbot, db_path, before, bad)
    where = f"{bad}, line {line}:" if line else f"{bad}:"
    assert output.startswith(f"Error: {where} ") and words in output


@pytest.mark.parametrize(("content", "words"), [
    (PNG_HEADER + bytes(range(256)), "is not a CSV text file"),
    (random.Random(7).randbytes(4096), "is not a CSV text file"),
    (b"", "is empty: it has no header and no rows"),
], ids=["png-named-csv", "random-bytes", "empty"])
def test_binary_or_empty_file_is_refused(cspbot, tmp_path, db_path, before, content, words):
    bad = tmp_path / "2021-05-leicestershire-street.csv"
    bad.write_bytes(content)
    output = refused(cspbot, db_path, before, bad)
    assert f"Error: {bad}" in output and words in output


@pytest.mark.parametrize("damage", [
    lambda data: data[:len(data) // 2],
    lambda data: damaged(data, len(data) // 2),
], ids=["truncated", "corrupt-middle"])
def test_damaged_gzip_is_refused(cspbot, fixtures, db_path, before, damage):
    bad = fixtures / MARCH_GZ
    bad.write_bytes(damage(bad.read_bytes()))
    output = refused(cspbot, db_path, before, bad)
    assert f"Error: {bad}" in output and "is truncated or not valid gzip" in output
    assert "download it again" in output


# --- .zip archives ------------------------------------------------------------------------

def march_zip(path: Path, fixtures: Path, method: int = zipfile.ZIP_DEFLATED) -> Path:
    """A data.police.uk-style download: a YYYY-MM/ folder holding street and outcomes files."""
    with zipfile.ZipFile(path, "w", compression=method) as archive:
        archive.writestr("2021-03/2021-03-leicestershire-street.csv",
                         gzip.decompress((fixtures / MARCH_GZ).read_bytes()))
        archive.writestr(f"2021-03/{OUTCOMES}", (fixtures / OUTCOMES).read_bytes())
    return path


def test_truncated_zip_is_refused(cspbot, fixtures, tmp_path, db_path, before):
    archive = march_zip(tmp_path / "2021-03.zip", fixtures)
    archive.write_bytes(archive.read_bytes()[:archive.stat().st_size // 2])
    output = refused(cspbot, db_path, before, archive)
    assert f"Error: {archive}: is not a readable .zip archive" in output
    assert "download it again" in output


@pytest.mark.parametrize(("method", "fraction"), [
    (zipfile.ZIP_STORED, 2), (zipfile.ZIP_DEFLATED, 3), (zipfile.ZIP_DEFLATED, 2),
], ids=["stored-crc-fails", "deflated-crc-fails", "deflated-stream-broken"])
def test_zip_with_damaged_member_is_refused(cspbot, fixtures, tmp_path, db_path, before,
                                            method, fraction):
    archive = march_zip(tmp_path / "2021-03.zip", fixtures, method)
    with zipfile.ZipFile(archive) as z:
        info = z.getinfo("2021-03/2021-03-leicestershire-street.csv")
    data = archive.read_bytes()
    # Overwrite 16 bytes inside the street member's data with letters (stored text stays text).
    at = info.header_offset + 30 + len(info.filename) + info.compress_size // fraction
    archive.write_bytes(data[:at] + b"X" * 16 + data[at + 16:])
    output = refused(cspbot, db_path, before, archive)
    assert f"Error: {archive}:{info.filename}: is damaged inside its .zip archive" in output
    assert "gzip" not in output


# --- one bad row ------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "line", "edit", "words"), [
    (GOOD, 58, setting(CRIME_TYPE, "Burglery"),
     "unknown crime type 'Burglery'. Did you mean 'Burglary'?"),
    (MARCH_GZ, 101, setting(CRIME_TYPE, "Burglery"), "unknown crime type 'Burglery'"),
    (GOOD, 101, setting(MONTH, "2021-13"), "'2021-13' is not a valid month"),
    (GOOD, 77, setting(MONTH, "March 2021"), "'March 2021' is not a valid month"),
    (GOOD, 120, lambda fields: fields[:5], "this row has 5 fields, but the header has 12."),
    (GOOD, 120, lambda fields: fields[:6] + fields[7:],
     "this row has 11 fields, but the header has 12."),
], ids=["crime-type", "crime-type-gz-crlf", "month-13", "month-words", "row-cut-short",
        "row-missing-location-field"])
def test_bad_row_is_refused_with_its_line_number(cspbot, fixtures, tmp_path, db_path, before,
                                                 name, line, edit, words):
    bad = edit_row(fixtures / name, tmp_path / name, line, edit)
    output = refused(cspbot, db_path, before, bad)
    assert f"Error: {bad}, line {line}: {words}" in output


def test_month_disagreeing_with_file_name_is_refused(cspbot, fixtures, db_path, before):
    renamed = (fixtures / GOOD).rename(fixtures / "2021-05-leicestershire-street.csv")
    output = refused(cspbot, db_path, before, renamed)
    assert f"Error: {renamed}, line 2: holds month 2021-04, but its name says 2021-05." in output


# --- formats that cannot be placed in LSOAs (real samples) ---------------------------------

@pytest.mark.parametrize(("sample", "words"), [
    ("2012-04-avon-and-somerset-street_OLDFORMAT_sample.csv", "no LSOA code"),
    ("2012-04-avon-and-somerset-neighbourhood_OLDFORMAT_sample.csv", "cannot be placed in LSOAs"),
    ("2019-01-northern-ireland-street.csv.gz", "Northern Ireland file: its rows carry no LSOA"),
    ("2025-06-northern-ireland-street.csv.gz", "Northern Ireland file: its rows carry no LSOA"),
])
def test_file_without_lsoas_is_refused_saying_why(cspbot, db_path, before, sample, words):
    path = policeuk("_format-variants", sample)
    output = refused(cspbot, db_path, before, path)
    assert f"Error: {path}" in output and words in output


# --- the run as a whole -------------------------------------------------------------------

@pytest.mark.parametrize("spoil", [
    lambda bad: edit_row(bad, bad, 30, setting(CRIME_TYPE, "Burglery")),
    lambda bad: bad.write_bytes(bad.read_bytes()[:bad.stat().st_size // 2]),
], ids=["bad-row", "truncated-gzip"])
def test_good_file_is_not_kept_when_another_file_fails(cspbot, fixtures, tmp_path, db_path,
                                                       before, spoil):
    bad = tmp_path / "2021-05-leicestershire-street.csv.gz"
    write_text(bad, text_of(fixtures / GOOD).replace(",2021-04,", ",2021-05,"))
    spoil(bad)
    output = refused(cspbot, db_path, before, fixtures / MARCH_GZ, bad)
    assert f"Error: {bad}" in output
    assert "2021-03" not in {month for _, month, *_ in dump(db_path)["police_months"]}


def test_missing_path_is_refused(cspbot, tmp_path, db_path, before):
    missing = tmp_path / "downloads" / "2021-05-leicestershire-street.csv"
    output = refused(cspbot, db_path, before, missing)
    assert f"Error: {missing}: no such file or folder." in output


def test_folder_of_outcomes_files_only_is_refused(cspbot, fixtures, tmp_path, db_path, before):
    folder = tmp_path / "outcomes" / "2021-03"
    folder.mkdir(parents=True)
    shutil.copy(fixtures / OUTCOMES, folder)
    output = refused(cspbot, db_path, before, folder.parent)
    assert f"Error: {folder.parent}: holds no street-level crime files (skipped " in output
    assert f"{OUTCOMES}: an outcomes file" in output


# --- valid input that looks odd -----------------------------------------------------------

def test_zip_imports_street_file_and_skips_outcomes(cspbot, fixtures, tmp_path, db_path):
    archive = march_zip(tmp_path / "2021-03.zip", fixtures)
    result = cspbot("ingest", "police-uk", archive, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    [street] = report["files"]
    assert street["name"] == f"{archive}:2021-03/2021-03-leicestershire-street.csv"
    assert (street["months"], street["rows"]) == (["2021-03"], 163)
    assert report["skipped"] == [{"name": f"{archive}:2021-03/{OUTCOMES}", "reason":
                                  "an outcomes file (what happened to crimes), not "
                                  "street-level crime"}]
    assert [m[:2] for m in dump(db_path)["police_months"]] == [("Leicestershire Police",
                                                                  "2021-03")]


def test_btp_file_with_blank_crime_ids_imports_every_row(cspbot, db_path):
    path = policeuk("_format-variants", "2019-01-btp-street.csv.gz")
    data_lines = text_of(path).splitlines()[1:]
    assert data_lines[0].startswith(",2019-01,British Transport Police,")  # blank Crime ID
    result = cspbot("ingest", "police-uk", path, "--json")
    assert result.exit_code == 0, result.output
    totals = json.loads(result.stdout)["totals"]
    assert totals["rows_read"] == len(data_lines) == 4660
    assert totals["rows_placed"] + totals["rows_unplaced"] == totals["rows_read"]
    assert {m[:2] for m in dump(db_path)["police_months"]} == {("British Transport Police",
                                                                  "2019-01")}
