"""A file that changes while it is imported is refused, never stored as a mix of two versions
under a SHA-256 that matches neither (issue 12, finding 7); a partnership file is read once, so
the SHA-256 stored is of the version that was loaded."""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import zipfile
from contextlib import closing, suppress
from pathlib import Path

import pytest
from conftest import dump
from fakes.processes import ROOT
from fakes.waiting import wait_for

from data.errors import IngestError
from data.policeuk import ingest_police_uk
from data.sources import Source

GOOD = "2021-04-leicestershire-street.csv"  # LF, 161 rows
MARCH_GZ = "2021-03-leicestershire-street.csv.gz"
KETTERING = ROOT / "data" / "seed" / "kettering.toml"
CHANGED = "changed while it was being imported"


def read_position(pid: int, path: Path) -> int | None:
    """How far process `pid` has read into `path` (Linux /proc), or None if it has not it open."""
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return None
    for fd in fds:
        try:
            if os.readlink(fd) == str(path):
                info = Path(f"/proc/{pid}/fdinfo/{fd.name}").read_text()
                return int(info.split("pos:", 1)[1].split()[0])
        except (OSError, IndexError):
            continue  # closed meanwhile (the listing's own descriptor, for one)
    return None


@pytest.mark.skipif(not Path("/proc/self/fdinfo").exists(), reason="needs Linux /proc")
def test_a_file_rewritten_while_it_is_read_is_refused(cspbot, fixtures, tmp_path, db_path):
    """Another process rewrites the file in place half-way through the import (a second copy
    or download over the first): the import is refused and the store is unchanged."""
    assert cspbot("ingest", "police-uk", fixtures / MARCH_GZ).exit_code == 0
    before = dump(db_path)
    header, rows = (fixtures / GOOD).read_text(encoding="utf-8").split("\n", 1)
    first = header + "\n" + rows * 1500  # about 55 MB, so that the import takes a while
    second = first.replace(",Shoplifting,", ",Other theft,")  # as long, other figures
    assert len(second) == len(first) and second != first
    big = tmp_path / GOOD
    big.write_text(first, encoding="utf-8")
    env = {**os.environ, "CSP_DB_PATH": str(db_path), "CSP_LOG_FILE": str(tmp_path / "csp.log")}
    importer = subprocess.Popen([sys.executable, "-m", "bot", "ingest", "police-uk", str(big)],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: 0 < (read_position(importer.pid, big) or 0) < len(first) // 2,
                 timeout=60, what="the import to be reading the first half of the file")
        with big.open("r+b") as f:  # the same file, rewritten in place
            f.write(second.encode("utf-8"))
        out, err = importer.communicate(timeout=120)
    finally:
        if importer.poll() is None:
            importer.kill()
            importer.wait()
    assert importer.returncode == 1, out + err
    assert f"Error: {big}: {CHANGED}" in err
    assert "Wait until the file is complete" in err
    assert "Nothing was imported: the store is unchanged." in err
    assert dump(db_path) == before


def test_a_file_changed_after_it_was_read_is_refused_before_anything_lands(db, fixtures,
                                                                         tmp_path, db_path):
    """A folder import: the March file grows (a download still running) once it has been read
    and while April is read. What was read of March is not what is on disk: refused."""
    folder = tmp_path / "downloads"
    folder.mkdir()
    march = Path(shutil.copy(fixtures / MARCH_GZ, folder))
    shutil.copy(fixtures / GOOD, folder)
    before = dump(db_path)

    def download_goes_on(source: Source) -> None:
        if source.name == str(march):
            with march.open("ab") as f:  # a second gzip member: still a valid .csv.gz
                f.write(gzip.compress(b""))

    with pytest.raises(IngestError) as refused:
        ingest_police_uk(db, [folder], on_file=download_goes_on)
    assert str(refused.value).startswith(f"{march}: {CHANGED}")
    assert dump(db_path) == before


def test_a_zip_rewritten_between_its_members_is_refused_as_changed(db, fixtures, tmp_path,
                                                                  db_path):
    """A .zip is read member by member through one handle: rewritten in place after its first
    member, the rest would be read from the new archive at the old one's offsets."""
    april = (fixtures / GOOD).read_bytes()
    march = gzip.decompress((fixtures / MARCH_GZ).read_bytes())

    def archive(path: Path, april_text: bytes) -> None:
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_STORED) as z:
            z.writestr("2021-03/2021-03-leicestershire-street.csv", march)
            z.writestr("2021-04/2021-04-leicestershire-street.csv", april_text)

    download = tmp_path / "download.zip"
    archive(download, april)
    revised = tmp_path / "revised.zip"
    archive(revised, april.replace(b",Shoplifting,", b",Other theft,"))
    before = dump(db_path)

    def redownloaded(source: Source) -> None:
        if source.name.endswith("2021-03-leicestershire-street.csv"):
            with download.open("r+b") as f:
                f.write(revised.read_bytes())

    with pytest.raises(IngestError) as refused:
        ingest_police_uk(db, [download], on_file=redownloaded)
    # Read one at a time, April is found changed when it is read; read ahead by the workers
    # (data/reading.py), the archive is found changed when the run ends, at its first member.
    assert re.match(rf"{re.escape(str(download))}:2021-0[34]/2021-0[34]-leicestershire-street"
                    rf"\.csv: {re.escape(CHANGED)}", str(refused.value))
    assert "damaged" not in str(refused.value)
    assert dump(db_path) == before


@pytest.mark.skipif(not Path("/proc/self/fdinfo").exists(), reason="needs Linux /proc")
def test_the_partnership_file_is_read_once_and_its_sha256_is_of_that_reading(cspbot, tmp_path,
                                                                             db_path):
    """The file is a pipe that gives one version to its first reader and another to a second:
    what is loaded and the SHA-256 stored must both be of the first."""
    shutil.copy(KETTERING.parent / "kettering-lsoas.csv", tmp_path)
    first = KETTERING.read_bytes()
    second = first.replace(b'name = "Kettering Community Safety Partnership"',
                           b'name = "Kettering, another version"')
    assert second != first
    fifo = tmp_path / "kettering.toml"
    os.mkfifo(fifo)
    done = threading.Event()

    def readers(besides: int) -> bool:  # the load runs in this process (click's test runner)
        for fd in Path("/proc/self/fd").iterdir():
            with suppress(OSError):  # closed meanwhile
                if fd.name != str(besides) and os.readlink(fd) == str(fifo):
                    return True
        return False

    def pause() -> bool:
        """A hundredth of a second, then whether the load has ended (time.sleep, not a timed
        Event.wait: libfaketime, which the suite is also run under, stalls timed lock waits)."""
        time.sleep(0.01)
        return done.is_set()

    def offer(version: bytes) -> bool:
        """Give `version` to the next reader to open the pipe, once it has it open; wait until
        it has read it all and closed it. False when the load ended first."""
        while not done.is_set():
            try:  # succeeds once a reader is opening the pipe
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
                break
            except OSError:
                pause()
        else:
            return False
        while not readers(besides=fd) and not pause():
            pass  # its open() has returned: the version goes to that reader alone
        os.set_blocking(fd, True)
        os.write(fd, version)
        os.close(fd)
        while readers(besides=-1) and not pause():
            pass
        return True

    def serve() -> None:
        try:
            if offer(first):
                offer(second)
        finally:  # whatever happened, never leave the load blocked opening the pipe
            with suppress(OSError):
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

    writer = threading.Thread(target=serve, daemon=True)
    writer.start()
    try:
        result = cspbot("partnership", "load", fifo)
    finally:
        done.set()
        writer.join(timeout=10)
    assert result.exit_code == 0, result.output
    with closing(sqlite3.connect(db_path)) as conn:
        assert conn.execute("SELECT name, sha256 FROM partnerships").fetchall() == [
            ("Kettering Community Safety Partnership", hashlib.sha256(first).hexdigest())]
