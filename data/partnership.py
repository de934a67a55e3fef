"""`load_partnership`: write a checked partnership file into the store, in one transaction.

Reloading updates in place. The audit trail of actions (`action_updates`) is only ever added to:
a new action, each field the file changes (an output's measure, unit, target and value, an output
added or removed), and an action dropped from the file (marked withdrawn) each leave a row, by
`file:<name>` with source `file`. A value someone changed from chat is kept unless the file's own
value for it changes (the file's last value is remembered in `file_status` / `file_current`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from data.action_plan import sync_action
from data.audit_trail import Author, now, record
from data.catalogue import normalise
from data.context import write_file_notes
from data.db import write_transaction
from data.errors import IngestError
from data.partnership_file import Partnership, read_partnership_file
from data.sources import read_whole
from data.toml_reader import PartnershipFileError


@dataclass
class LoadReport:
    partnership: str
    name: str
    created: bool
    counts: dict[str, int] = field(default_factory=dict)
    actions_added: list[str] = field(default_factory=list)
    actions_changed: list[str] = field(default_factory=list)
    actions_withdrawn: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def load_partnership(db: sqlite_utils.Database, path: str | Path,
                     as_of: str | None = None) -> LoadReport:
    """Check the file, then write it whole; a file with a mistake changes nothing. `as_of`
    (the demo's) takes the place of the file's own `as_of`."""
    path = Path(path)
    try:
        raw = read_whole(path)  # read once: what is checked, stored and hashed is one version
    except IngestError as exc:
        raise PartnershipFileError(path, "", exc.problem) from None
    p = read_partnership_file(path, raw)
    p.as_of = as_of or p.as_of
    sha = hashlib.sha256(raw).hexdigest()
    with write_transaction(db):
        _check_against_store(db, p, path)
        created = not db.execute("SELECT 1 FROM partnerships WHERE id = ?", (p.id,)).fetchone()
        report = LoadReport(p.id, p.name, created)
        db.execute(
            "INSERT INTO partnerships (id, name, formerly, time_zone, file, sha256, loaded_at, "
            "as_of, forces, peers) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO "
            "UPDATE SET "
            "name = excluded.name, formerly = excluded.formerly, time_zone = excluded.time_zone, "
            "file = excluded.file, sha256 = excluded.sha256, loaded_at = excluded.loaded_at, "
            "as_of = excluded.as_of, forces = excluded.forces, peers = excluded.peers",
            (p.id, p.name, p.formerly, p.time_zone, str(path.resolve()), sha, now(), p.as_of,
             json.dumps(p.forces), json.dumps(p.peers)))
        _write_areas(db, p)
        _write_indicators(db, p)
        _write_people_and_priorities(db, p)
        _write_actions(db, p, report, Author(f"file:{path.name}", "file"))
        _write_targets_and_subscriptions(db, p)
        _write_channels(db, p, path)
        write_file_notes(db, p.id, p.context, f"file:{path.name}")  # chat's notes stay
        report.counts = {t: db.execute(f"SELECT COUNT(*) FROM {t} WHERE partnership = ?",
                                       (p.id,)).fetchone()[0]
                         for t in ("areas", "agencies", "people", "priorities", "themes",
                                   "actions", "targets", "subscriptions")}
        if p.context:
            report.counts["context notes"] = len(p.context)
        report.warnings = _warnings(db, p)
    return report


def _check_against_store(db: sqlite_utils.Database, p: Partnership, path: Path) -> None:
    """A local indicator may not take an id or a word that names another's indicator."""
    for i, ind in enumerate(p.indicators):
        row = db.execute("SELECT partnership FROM indicators WHERE slug = ?",
                         (ind["id"],)).fetchone()
        if row and row[0] != p.id:
            owner = f"partnership '{row[0]}'" if row[0] else "CSP Bot (built in)"
            raise PartnershipFileError(path, f"indicators[{i}].id", f"'{ind['id']}' is already "
                                       f"an indicator of {owner}; choose another id")
        for word in (ind["id"], ind["name"], *ind["aliases"]):
            taken = db.execute(
                "SELECT a.slug FROM indicator_aliases a JOIN indicators i ON i.slug = a.slug "
                "WHERE a.alias IN (?, ?) AND a.slug != ? AND COALESCE(i.partnership, '') != ?",
                (word.lower(), normalise(word), ind["id"], p.id)).fetchone()
            if taken:
                raise PartnershipFileError(path, f"indicators[{i}]", f"'{word}' already names "
                                           f"the indicator '{taken[0]}'; choose another name "
                                           "or alias")


def _write_areas(db: sqlite_utils.Database, p: Partnership) -> None:
    db.execute("DELETE FROM area_members WHERE partnership = ?", (p.id,))
    db.execute("DELETE FROM areas WHERE partnership = ?", (p.id,))
    areas = [{"id": p.id, "name": p.name, "kind": "partnership", "lsoas": p.lsoas,
              "local_authorities": p.local_authorities}]
    for area in areas + [{**a, "kind": "sub-area"} for a in p.areas]:
        db.execute("INSERT INTO areas VALUES (?, ?, ?, ?)",
                   (p.id, area["id"], area["name"], area["kind"]))
        db.conn.executemany(
            "INSERT OR IGNORE INTO area_members VALUES (?, ?, ?, ?)",
            [(p.id, area["id"], "local_authority", la) for la in area["local_authorities"]]
            + [(p.id, area["id"], "lsoa", code) for code in area["lsoas"]])


def _write_indicators(db: sqlite_utils.Database, p: Partnership) -> None:
    db.execute("DELETE FROM indicator_aliases WHERE slug IN "
               "(SELECT slug FROM indicators WHERE partnership = ?)", (p.id,))
    for ind in p.indicators:
        db.table("indicators").upsert({
            "slug": ind["id"], "name": ind["name"], "kind": ind["kind"], "police_type": None,
            "unit": ind["unit"], "polarity": ind["polarity"], "components": "",
            "description": "", "partnership": p.id, "sensitive": int(ind["sensitive"])},
            pk="slug")
        words = {w.lower() for w in (ind["id"], ind["name"], *ind["aliases"])}
        db.conn.executemany("INSERT OR REPLACE INTO indicator_aliases VALUES (?, ?)",
                            [(w, ind["id"]) for w in words])


def _write_people_and_priorities(db: sqlite_utils.Database, p: Partnership) -> None:
    for table in ("priority_leads", "priorities", "themes", "people", "agencies"):
        db.execute(f"DELETE FROM {table} WHERE partnership = ?", (p.id,))
    db.conn.executemany("INSERT INTO agencies VALUES (?, ?, ?, ?)",
                        [(p.id, a["id"], a["name"], a["kind"]) for a in p.agencies])
    db.conn.executemany("INSERT INTO people VALUES (?, ?, ?, ?, ?, ?, ?)", [
        (p.id, x["id"], x["name"], x["agency"], x["role"], x["slack"], x["teams"])
        for x in p.people])
    for n, pr in enumerate(p.priorities):
        db.execute("INSERT INTO priorities VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (p.id, pr["id"], pr["name"], pr["level"], pr["delivery_group"],
                    pr["period_start"], pr["period_end"], json.dumps(pr["indicators"]), n))
        db.conn.executemany("INSERT INTO priority_leads VALUES (?, ?, ?)",
                            [(p.id, pr["id"], lead) for lead in pr["leads"]])
    db.conn.executemany("INSERT INTO themes VALUES (?, ?, ?, ?, ?)", [
        (p.id, t["id"], t["name"], t["priority"], n) for n, t in enumerate(p.themes)])


def _write_channels(db: sqlite_utils.Database, p: Partnership, path: Path) -> None:
    db.execute("DELETE FROM partnership_channels WHERE partnership = ?", (p.id,))
    for platform, channel in p.channels:
        other = db.execute("SELECT partnership FROM partnership_channels WHERE platform = ? AND "
                           "channel = ?", (platform, channel)).fetchone()
        if other:
            raise PartnershipFileError(path, f"partnership.{platform}_channels", f"channel "
                                       f"{channel} already belongs to partnership '{other[0]}'")
        db.execute("INSERT INTO partnership_channels VALUES (?, ?, ?)", (p.id, platform, channel))


def _write_targets_and_subscriptions(db: sqlite_utils.Database, p: Partnership) -> None:
    db.execute("DELETE FROM targets WHERE partnership = ?", (p.id,))
    db.conn.executemany("INSERT INTO targets VALUES (?, ?, ?, ?, ?, ?, ?)", [
        (p.id, t["indicator"], t["area"] or p.id, t["baseline_year"], t["reduction_pct"],
         t["target_value"], t["target_year"]) for t in p.targets])
    db.execute("UPDATE subscriptions SET active = 0 WHERE partnership = ? AND source = 'file'",
               (p.id,))
    for s in p.subscriptions:
        db.execute(
            "INSERT INTO subscriptions (partnership, platform, channel, schedule, time_zone, "
            "active, source) VALUES (?, ?, ?, ?, ?, 1, 'file') ON CONFLICT(partnership, "
            "platform, channel) DO UPDATE SET schedule = excluded.schedule, "
            "time_zone = excluded.time_zone, active = 1",
            (p.id, s["platform"], s["channel"], s["schedule"], p.time_zone))


def _warnings(db: sqlite_utils.Database, p: Partnership) -> list[str]:
    warnings = []
    for la in p.local_authorities:
        if not db.execute("SELECT 1 FROM police_counts WHERE local_authority = ? LIMIT 1",
                          (la,)).fetchone():  # in any file: a name police.uk no longer uses
            warnings.append(f"no police.uk figures for '{la}' yet: import police.uk files with "
                            "`cspbot ingest police-uk` (and check the name against "
                            "`cspbot status`).")
    for force in p.forces:
        if not db.execute("SELECT 1 FROM police_months WHERE force = ? LIMIT 1",
                          (force,)).fetchone():
            warnings.append(f"no police.uk file of '{force}' yet: no month is held until its "
                            "files are imported with `cspbot ingest police-uk`.")
    return warnings


def _write_actions(db: sqlite_utils.Database, p: Partnership, report: LoadReport,
                   author: Author) -> None:
    in_file = set()
    for n, action in enumerate(p.actions):
        in_file.add(action["id"])
        outcome = sync_action(db, p.id, action, n, author)
        if outcome == "added":
            report.actions_added.append(action["id"])
        elif outcome == "changed":
            report.actions_changed.append(action["id"])
    for (action_id, status) in db.execute(
            "SELECT id, status FROM actions WHERE partnership = ?", (p.id,)).fetchall():
        if action_id not in in_file and status != "withdrawn":
            _withdraw(db, p.id, action_id, status, author)
            report.actions_withdrawn.append(action_id)


def _withdraw(db: sqlite_utils.Database, partnership: str, action_id: str, status: str,
              author: Author) -> None:
    db.execute("UPDATE actions SET status = 'withdrawn', file_status = 'withdrawn', "
               "version = version + 1, updated_at = ?, updated_by = ? "
               "WHERE partnership = ? AND id = ?", (now(), author.name, partnership, action_id))
    record(db, partnership, action_id, author, "status", status, "withdrawn",
           "no longer in the partnership file")

