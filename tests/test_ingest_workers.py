"""Files read in worker processes (data/reading.py) make the very store that files read one by
one in the importing process make; an error in a worker refuses the run whole; the import's
bulk settings (no per-row foreign-key check) leave the store consistent and are undone."""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import FIXTURES, dump, policeuk

from data.db import open_db
from data.errors import IngestError
from data.policeuk import ingest_police_uk
from data.reading import worker_count

ROOT = Path(__file__).resolve().parents[1]
EXTRACT = FIXTURES / "northamptonshire-boundaries"


def run_ingest(store: Path, paths: list[Path], workers: int) -> subprocess.CompletedProcess[str]:
    """`cspbot ingest police-uk PATHS` as its own process (in which no other thread runs, so
    that workers are forked when asked for), logging at DEBUG."""
    env = {**os.environ, "CSP_DB_PATH": str(store), "CSP_INGEST_WORKERS": str(workers),
           "CSP_LOG_LEVEL": "DEBUG", "CSP_LOG_FILE": str(store.with_suffix(".log"))}
    return subprocess.run([sys.executable, "-m", "bot", "ingest", "police-uk",
                           *map(str, paths)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


def comparable(store: Path) -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    """Every row of every table, the times of each ingest and migration left out."""
    tables = dump(store)
    tables["ingests"] = [row[:-1] for row in tables["ingests"]]  # ingested_at is last
    tables["_sqlite_migrations"] = [row[:-1] for row in tables["_sqlite_migrations"]]
    return tables


def test_workers_make_the_same_store_as_one_process(tmp_path: Path) -> None:
    files = sorted(EXTRACT.glob("*.csv"))
    assert len(files) >= 3
    stores = {}
    for workers in (1, len(files) - 1):
        stores[workers] = tmp_path / f"w{workers}.db"
        done = run_ingest(stores[workers], files, workers)
        assert done.returncode == 0, done.stderr
        said = ("in this process" if workers == 1 else f"in {workers} worker processes")
        assert f"reading {len(files)} files {said}" in done.stderr
    assert comparable(stores[1]) == comparable(stores[3])
    assert comparable(stores[1])["police_place_counts"]


def test_real_files_read_by_workers_make_the_same_store(tmp_path: Path) -> None:
    files = sorted(policeuk("leicestershire").glob("*.csv.gz"))[:6]
    stores = [tmp_path / "one.db", tmp_path / "two.db"]
    for store, workers in zip(stores, (1, 2), strict=True):
        done = run_ingest(store, files, workers)
        assert done.returncode == 0, done.stderr
    assert comparable(stores[0]) == comparable(stores[1])


@pytest.mark.parametrize("damage", ["truncated", "width"])
def test_a_bad_file_read_by_a_worker_refuses_the_run_whole(tmp_path: Path, damage: str) -> None:
    folder = tmp_path / "files"
    folder.mkdir()
    files = sorted(EXTRACT.glob("*.csv"))
    for f in files:
        shutil.copy(f, folder / f.name)
    bad = folder / files[2].name
    if damage == "truncated":  # a gzip file cut short, read by the third worker
        data = gzip.compress(bad.read_bytes())
        bad.unlink()
        bad = bad.with_suffix(".csv.gz")
        bad.write_bytes(data[: len(data) // 2])
    else:
        lines = bad.read_text(encoding="utf-8").splitlines()
        lines[5] += ",an extra field"
        bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    store = tmp_path / "csp.db"
    good = run_ingest(store, [folder / files[0].name], 1)
    assert good.returncode == 0, good.stderr
    before = comparable(store)
    done = run_ingest(store, sorted(folder.iterdir()), 2)  # the third file: the second worker's
    assert done.returncode != 0
    message = " ".join(done.stderr.split())
    assert bad.name in message and "Nothing was imported" in message, message
    assert ("line 6" in message) if damage == "width" else ("truncated" in message), message
    assert comparable(store) == before


def test_the_import_leaves_foreign_keys_whole_and_checked_again(tmp_path: Path) -> None:
    db = open_db(tmp_path / "csp.db")
    try:
        ingest_police_uk(db, sorted(EXTRACT.glob("*.csv")), workers=1)
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert db.execute("SELECT COUNT(*) FROM police_place_counts").fetchone()[0] > 0
    finally:
        db.close()


def test_how_many_workers() -> None:
    assert worker_count(1, 12) == 1  # CSP_INGEST_WORKERS=1: read in the importing process
    assert worker_count(3, 3) == 2  # never more than the files after the first
    assert worker_count(3, 2) == 1 and worker_count(0, 1) == 1
    default = worker_count(0, 100)
    assert 1 <= default <= 4 and (default == 1 or default <= (os.cpu_count() or 1))


def test_a_worker_that_dies_is_said_as_such(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           ) -> None:
    """A worker killed while it reads (here: it exits at once) refuses the run with a message
    saying so and what to do, and nothing is written."""
    import data.reader_pool as pool

    if worker_count(2, 3) < 2 or threading.active_count() > 1:
        pytest.skip("workers are not forked here (no fork, or other threads running)")
    monkeypatch.setattr(pool, "read_file", _die_in_a_worker(os.getpid(), pool.read_file))
    db = open_db(tmp_path / "csp.db")
    try:
        with pytest.raises(IngestError) as refused:
            ingest_police_uk(db, sorted(EXTRACT.glob("*.csv")), workers=2)
        assert "the process reading it stopped" in str(refused.value)
        assert "CSP_INGEST_WORKERS=1" in (refused.value.hint or "")
        assert db.execute("SELECT COUNT(*) FROM police_months").fetchone()[0] == 0
    finally:
        db.close()


def _die_in_a_worker(parent: int, read):  # type: ignore[no-untyped-def]
    def read_or_die(source):  # type: ignore[no-untyped-def]
        if os.getpid() != parent:
            os._exit(3)  # as if killed
        return read(source)
    return read_or_die


def test_workers_started_early_for_other_paths_are_stopped() -> None:
    """`cspbot ingest police-uk` starts reading its files as it starts (bot/cli/main.py); if
    the import then asks for other paths, those workers are stopped and reaped."""
    import data.reader_pool as pool

    if worker_count(2, 4) < 2 or threading.active_count() > 1:
        pytest.skip("workers are not forked here (no fork, or other threads running)")
    files = sorted(EXTRACT.glob("*.csv"))
    pool.start_early(files, 2)
    [(_, _, _, _, reader)] = pool._early
    pids = list(reader.pids)
    assert len(pids) == 2
    assert pool.take_early(files[:2], 2) is None and not pool._early
    for pid in pids:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
    pool.start_early(files, 2)
    taken = pool.take_early([str(f) for f in files], 2)  # the same paths, as click gives them
    assert taken is not None
    sources, _, reader = taken
    with reader as results:
        assert [r.source for r in results] == sources  # type: ignore[union-attr]
