"""A full disk is said as such, with the store unchanged (issue 12, finding 10): before, the
user read "Sorry, something went wrong (reference ...)" after a logging traceback.

The disk is made full for real: a small tmpfs mounted for the test (when the test may mount,
as root), and SQLite's own limit on the store's size (`PRAGMA max_page_count`, which raises the
same SQLITE_FULL error as a full disk) where it may not; and /dev/full for the files written."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import dump
from fakes.processes import ROOT

from data.db import open_db
from data.errors import DiskFull
from data.loaders import ingest_csv
from data.partnership import load_partnership
from data.policeuk import ingest_police_uk

GOOD = "2021-04-leicestershire-street.csv"
MARCH_GZ = "2021-03-leicestershire-street.csv.gz"
KETTERING = ROOT / "data" / "seed" / "kettering.toml"
UNCHANGED = "The disk is full, so nothing was written: the store is unchanged."


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 4 MB tmpfs mounted for the test, or a skip where mounting is not allowed."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=True)


def fill(disk: Path, leave: int) -> Path:
    """Fill the disk with one file, then give back `leave` bytes of it; the file."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    written = 0
    try:
        while True:
            written += os.write(fd, bytes(65536))
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)
    os.truncate(filler, written - leave)
    return filler


def cspbot_process(store: Path, *args: object) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` as a user runs it, the log file next to the store (the default)."""
    env = {k: v for k, v in os.environ.items() if k != "CSP_LOG_FILE"}
    return subprocess.run([sys.executable, "-m", "bot", *map(str, args)], cwd=ROOT,
                          env={**env, "CSP_DB_PATH": str(store)}, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize(("leave", "message"), [
    (40 * 1024, UNCHANGED),
    (0, "The disk is full, so the store cannot be opened (nothing was written)."),
], ids=["full-while-importing", "full-before-opening"])
def test_a_full_disk_is_said_and_the_store_is_unchanged(small_disk, fixtures, leave, message):
    store = small_disk / "csp.db"
    first = cspbot_process(store, "ingest", "police-uk", fixtures / GOOD)
    assert first.returncode == 0, first.stderr
    before = dump(store)
    filler = fill(small_disk, leave)

    result = cspbot_process(store, "ingest", "police-uk", fixtures / MARCH_GZ)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"Error: {message}\nFree some space on the disk that holds the store ({store})" in (
        result.stderr)
    for never in ("Traceback", "Logging error", "something went wrong", "reference"):
        assert never not in result.stdout + result.stderr

    filler.unlink()
    assert dump(store) == before
    again = cspbot_process(store, "ingest", "police-uk", fixtures / MARCH_GZ)
    assert again.returncode == 0, again.stderr


def capped(db_path: Path):  # type: ignore[no-untyped-def]
    """The store, opened with no room to grow: SQLite raises SQLITE_FULL, as on a full disk."""
    db = open_db(db_path)
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {pages}")
    return db


def test_police_uk_import_into_a_full_store_says_the_disk_is_full(fixtures, tmp_path, db_path):
    db = open_db(db_path)
    ingest_police_uk(db, [fixtures / GOOD])
    db.close()
    before = dump(db_path)
    later = tmp_path / "later"  # the April file again as May to December: pages to add
    later.mkdir()
    april = (fixtures / GOOD).read_text(encoding="utf-8")
    for month in range(5, 13):
        (later / f"2021-{month:02d}-leicestershire-street.csv").write_text(
            april.replace(",2021-04,", f",2021-{month:02d},"), encoding="utf-8")
    db = capped(db_path)
    with pytest.raises(DiskFull) as full:
        ingest_police_uk(db, [later])
    db.close()
    assert str(full.value) == (f"{UNCHANGED}\nFree some space on the disk that holds the store "
                               f"({db_path}), then try again.")
    assert dump(db_path) == before


def test_a_csv_import_into_a_full_store_says_the_disk_is_full(tmp_path, db_path):
    db = open_db(db_path)
    load_partnership(db, KETTERING)
    db.close()
    before = dump(db_path)
    values = tmp_path / "values.csv"
    values.write_text("month,indicator,area,value\n" + "".join(
        f"{year}-{month:02d},domestic-burglary,kettering,{month}\n"
        for year in range(1990, 2010) for month in range(1, 13)), encoding="utf-8")
    db = capped(db_path)
    with pytest.raises(DiskFull, match="^The disk is full, so nothing was written"):
        ingest_csv(db, "values", values, "kettering")
    db.close()
    assert dump(db_path) == before


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_an_export_to_a_full_disk_says_so(cspbot, fixtures):
    assert cspbot("ingest", "police-uk", fixtures / GOOD).exit_code == 0
    result = cspbot("export", "counts", "--local-authority", "Charnwood", "--out", "/dev/full")
    assert result.exit_code == 1
    assert result.output.startswith("Error: The disk is full, so what was being written may "
                                    "be incomplete.")
    assert "something went wrong" not in result.output
