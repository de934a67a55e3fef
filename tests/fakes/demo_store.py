"""The demo store (the Kettering partnership and its illustrative figures, 2005-04..2010-03, as
`cspbot demo` loads it) in a folder, and private copies of a store for tests that change it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from data.db import open_db
from data.demo import load_demo


def make_demo_store(folder: Path) -> Path:
    """`folder`/csp.db with the demo loaded, as `cspbot --db PATH demo` makes it."""
    store = folder / "csp.db"
    db = open_db(store)
    try:
        load_demo(db)
    finally:
        db.close()
    return store


def copy_store(store: Path, folder: Path) -> Path:
    """A copy of `store` as `folder`/csp.db (SQLite's backup: consistent even while a bot has
    it open)."""
    target = folder / "csp.db"
    source, copy = sqlite3.connect(store), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        source.close()
        copy.close()
    return target
