"""The store's migrations never change once shipped (tests/golden/schema.sql), and only the store
opener imports them.

`tests/golden/schema.sql` is what each migration does to a fresh store, migration by migration:
the schema objects (`sqlite_master`) it creates or alters, sorted, then the rows it inserts. A
shipped migration's section must never change (stores where it already ran would not follow);
a new migration adds a section at the end. To write the file again after adding a migration:

    python tests/test_migrations.py > tests/golden/schema.sql
"""

from __future__ import annotations

import difflib
import re
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from fakes.imports import import_graph, modules_of

ROOT = Path(__file__).resolve().parents[1]
if __name__ == "__main__":  # run as a script (see the docstring): import the project's packages
    sys.path.insert(0, str(ROOT))

from data.catalogue import ALIASES, CATALOGUE, POLICE_TYPES  # noqa: E402
from data.db import open_db  # noqa: E402
from data.migrations import migrations  # noqa: E402

GOLDEN = ROOT / "tests" / "golden" / "schema.sql"
SECTION = "-- migration "
MIGRATIONS_TABLE = migrations.migrations_table  # sqlite-utils' record of what was applied


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    if isinstance(value, bytes):
        return "X'" + value.hex() + "'"
    return repr(value)


def _objects(db: sqlite_utils.Database) -> dict[tuple[str, str], str]:
    """Every schema object of the store, (type, name) -> its SQL, the migrations table's aside."""
    return {(t, n): sql for t, n, sql in db.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND tbl_name != ?",
        [MIGRATIONS_TABLE])}


def _columns(db: sqlite_utils.Database) -> dict[str, list[str]]:
    """Each table's columns (the migrations table aside)."""
    return {t: [c.name for c in db.table(t).columns] for t in db.table_names()
            if t != MIGRATIONS_TABLE}


def _rows(db: sqlite_utils.Database, columns: dict[str, list[str]]) -> set[str]:
    """Every row of the tables in `columns`, as INSERT statements of those columns only (and of
    the rowid, where the table has one: the order rows were inserted in is kept too)."""
    rows: set[str] = set()
    for table, names in columns.items():
        sql = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", [table]).fetchone()[0]
        names = names if "WITHOUT ROWID" in sql.upper() else ["rowid", *names]
        quoted = ", ".join(f'"{c}"' if c != "rowid" else c for c in names)
        for row in db.execute(f'SELECT {quoted} FROM "{table}"'):
            rows.add(f'INSERT INTO "{table}" ({", ".join(names)}) VALUES '
                     f'({", ".join(_literal(v) for v in row)})')
    return rows


def _natural(text: str) -> list[Any]:
    """Sort key putting rowid 9 before rowid 10."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def _step(db: sqlite_utils.Database, name: str, objects: dict[tuple[str, str], str],
          columns: dict[str, list[str]]) -> list[str]:
    """Apply migration `name`, the next one pending; what it did, as the golden file's lines."""
    before = _rows(db, columns)
    migrations.apply(db, stop_before=[m.name for m in migrations.pending(db)[1:]])
    assert migrations.applied(db)[-1].name == name
    now_objects, now_columns = _objects(db), _columns(db)
    # Rows are compared on the columns they had before (a new column is not a new row); a new
    # column's values in the rows already there are given apart, as their distinct values.
    kept = {t: names for t, names in columns.items() if t in now_columns}
    after = _rows(db, kept | {t: n for t, n in now_columns.items() if t not in columns})
    lines = [f"{SECTION}{name}"]
    lines += [f"{sql};" for key, sql in sorted(now_objects.items()) if objects.get(key) != sql]
    lines += [f"-- dropped {t} {n}" for t, n in sorted(objects.keys() - now_objects)]
    lines += [f"{row};" for row in sorted(after - before, key=_natural)]
    lines += [f"-- deleted {row}" for row in sorted(before - after, key=_natural)]
    for table, names in sorted(kept.items()):
        for column in now_columns[table]:
            if column not in names:
                values = [_literal(v) for v, in db.execute(
                    f'SELECT DISTINCT "{column}" FROM "{table}" ORDER BY 1')]
                if values:
                    lines.append(f'-- "{table}"."{column}" in the rows already there: '
                                 + ", ".join(values))
    return lines


def snapshot(path: Path) -> str:
    """What each migration does to a fresh store at `path`, one section per migration in order:
    the schema objects it creates or changes (sorted), the ones it drops, then the rows it adds
    or removes (sorted)."""
    db = open_db(path, migrate=False)
    try:
        names = [m.name for m in migrations.pending(db)]
        objects, columns = _objects(db), _columns(db)
        sections = []
        for name in names:
            sections.append("\n".join(_step(db, name, objects, columns)) + "\n")
            objects, columns = _objects(db), _columns(db)
        return "\n".join(sections)
    finally:
        db.close()


def _sections(text: str) -> dict[str, str]:
    """The golden text by migration: name -> its section's lines."""
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.startswith(SECTION):
            out[line.removeprefix(SECTION)] = []
        elif out and line:
            out[next(reversed(out))].append(line)
    return {name: "\n".join(lines) for name, lines in out.items()}


def test_no_shipped_migration_changed(tmp_path: Path) -> None:
    produced = snapshot(tmp_path / "fresh.db")
    expected = GOLDEN.read_text(encoding="utf-8")
    if produced == expected:
        return
    (tmp_path / "schema.sql").write_text(produced, encoding="utf-8")
    ours, golden = _sections(produced), _sections(expected)
    changed = [name for name in golden if ours.get(name) != golden[name]]
    diff = "".join(difflib.unified_diff(
        expected.splitlines(keepends=True), produced.splitlines(keepends=True),
        fromfile=str(GOLDEN), tofile="a fresh store"))
    if changed:
        pytest.fail(f"Shipped migrations changed: {', '.join(changed)}. Never edit a migration "
                    f"that has shipped (stores where it ran would not follow): add a new one."
                    f"\n{diff}", pytrace=False)
    pytest.fail(f"New migrations {', '.join(n for n in ours if n not in golden)} are not in "
                f"{GOLDEN}: if they are meant, copy {tmp_path / 'schema.sql'} over it (or run "
                f"`python tests/test_migrations.py > tests/golden/schema.sql`).\n{diff}",
                pytrace=False)


def test_a_store_migrated_at_once_is_the_one_migrated_step_by_step(tmp_path: Path) -> None:
    """open_db applies every migration in one go; the snapshot applies them one at a time."""
    snapshot(tmp_path / "steps.db")
    steps, at_once = open_db(tmp_path / "steps.db"), open_db(tmp_path / "at_once.db")
    try:
        assert _objects(steps) == _objects(at_once)
        assert _columns(steps) == _columns(at_once)
        assert _rows(steps, _columns(steps)) == _rows(at_once, _columns(at_once))
    finally:
        steps.close()
        at_once.close()


def test_a_fresh_store_holds_the_catalogue(db: sqlite_utils.Database) -> None:
    """Migration 0001 froze data/catalogue.py as it was; a change to the catalogue needs a new
    migration that brings stores to it (the code and the store read indicators both)."""
    assert [tuple(r) for r in db.execute(
        "SELECT slug, name, kind, police_type, unit, polarity, components, description "
        "FROM indicators WHERE partnership IS NULL ORDER BY rowid")] == [
        (i.slug, i.name, i.kind, i.police_type, i.unit, i.polarity, ",".join(i.components),
         i.description) for i in CATALOGUE]
    assert dict(db.execute("SELECT alias, slug FROM indicator_aliases ORDER BY rowid")) == ALIASES
    columns = [c.name for c in db.table("police_counts").columns]
    assert columns[4:] == [i.slug for i in POLICE_TYPES]


def _is_migrations(module: str) -> bool:
    return module == "data.migrations" or module.startswith("data.migrations.")


def test_only_the_store_opener_imports_the_migrations() -> None:
    """Outside the migrations package itself, only data/db.py imports it (or any of its
    modules)."""
    graph, files = import_graph(), modules_of(["data"])
    importers = sorted(files[module].relative_to(ROOT).as_posix() for module in files
                       if not _is_migrations(module) and any(map(_is_migrations, graph[module])))
    assert importers == ["data/db.py"]


def test_a_migration_imports_nothing_from_the_project() -> None:
    """A migration's module imports no module of the project (what it does never changes with
    them); the package's __init__.py imports only its own migration modules."""
    graph = import_graph()
    package = ROOT / "data" / "migrations"
    modules = sorted(package.glob("m*.py"))
    assert modules, package
    for path in modules:
        imported = graph[f"data.migrations.{path.stem}"]
        assert not imported, f"{path.name} imports {sorted(imported)}"
    imported = graph["data.migrations"]
    assert imported <= {"data.migrations"} | {f"data.migrations.{p.stem}" for p in modules}


def test_every_migration_module_is_a_step_in_order() -> None:
    """data/migrations/m<NAME>.py, one a migration: each is in STEPS, in the order of its name."""
    from data.migrations import STEPS

    files = sorted(p.stem for p in (ROOT / "data" / "migrations").glob("m*.py"))
    assert [step.__name__.rpartition(".")[2] for step in STEPS] == files
    assert [f"m{step.NAME}" for step in STEPS] == files
    assert [m.name for m in migrations.pending(sqlite_utils.Database(memory=True))] == [
        step.NAME for step in STEPS]


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        sys.stdout.write(snapshot(Path(folder) / "fresh.db"))
