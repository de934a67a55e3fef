"""Reading and checking a partnership file (TOML) into plain dataclasses, before any write.

Every mistake is reported with the key where it is (`actions[3].lead`) and what is expected;
the first mistake stops the load and nothing is written. The format is docs/partnership-file.md.
The file's sections are read in order here, each table by its reader in
`data.partnership_sections` (which also holds the file's vocabulary: statuses, roles, patterns).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from data.context import read_context
from data.forces import read_forces
from data.partnership_sections import (
    ID,
    LSOA,
    NUMBERED,
    SLACK_CHANNEL,
    checked_tables,
    indicator_words,
    read_action,
    read_area,
    read_date,
    read_indicator,
    read_person,
    read_priority,
    read_subscription,
    read_target,
    reference,
    unique_ids,
)
from data.toml_reader import PartnershipFileError, Reader, read_lsoa_lookup

TOP_KEYS = ("partnership", "areas", "indicators", "agencies", "people", "priorities", "themes",
            "actions", "targets", "subscriptions", "context")


@dataclass
class Partnership:
    id: str
    name: str
    formerly: str | None
    time_zone: str
    local_authorities: list[str]
    lsoas: list[str]
    as_of: str | None = None  # demonstrations and training: the date taken as today
    forces: list[str] = field(default_factory=list)  # home forces named (METHOD 2.9)
    peers: list[str] = field(default_factory=list)  # its own peer group (partnership ids)
    channels: list[tuple[str, str]] = field(default_factory=list)  # (platform, channel id)
    areas: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    agencies: list[dict[str, Any]] = field(default_factory=list)
    people: list[dict[str, Any]] = field(default_factory=list)
    priorities: list[dict[str, Any]] = field(default_factory=list)
    themes: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)
    subscriptions: list[dict[str, Any]] = field(default_factory=list)
    context: list[dict[str, Any]] = field(default_factory=list)  # notes: data/context.py


def read_partnership_file(path: Path, data: bytes | None = None) -> Partnership:
    """Parse and check the file (or `data`, its bytes as already read); raise
    PartnershipFileError naming the first mistake."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8") if data is None
                            else data.decode("utf-8"))
    except FileNotFoundError:
        raise PartnershipFileError(path, "", "no such file") from None
    except UnicodeDecodeError:
        raise PartnershipFileError(path, "", "is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise PartnershipFileError(path, "", f"is not valid TOML ({exc})") from None
    return _read_sections(path, Reader(path, "", raw))


def _read_sections(path: Path, top: Reader) -> Partnership:
    top.check_keys(TOP_KEYS)
    if "partnership" not in top.table:
        top.fail("partnership", "is missing: the file needs a [partnership] table")
    head = Reader(path, "partnership", top.table["partnership"])
    head.check_keys(("id", "name", "formerly", "local_authorities", "lsoas", "lsoa_lookup",
                     "time_zone", "slack_channels", "teams_channels", "as_of", "forces",
                     "peers"))
    p = Partnership(
        id=str(head.text("id", pattern=ID, expected="an id of lower-case letters, digits, -")),
        name=str(head.text("name")), formerly=head.text("formerly", required=False),
        time_zone=head.text("time_zone", required=False) or "Europe/London",
        local_authorities=head.texts("local_authorities", expected="local authority names"),
        lsoas=head.texts("lsoas", LSOA, "LSOA codes like E01027058"),
        as_of=read_date(head, "as_of"), forces=read_forces(head),
        peers=head.texts("peers", ID, "partnership ids like \"charnwood\""))
    lookup = head.text("lsoa_lookup", required=False)
    lookup_rows = read_lsoa_lookup(path.parent / lookup, head, "lsoa_lookup") if lookup else []
    p.lsoas += [code for code, _ in lookup_rows]  # every row is in the partnership
    p.channels = ([("slack", c) for c in head.texts("slack_channels", SLACK_CHANNEL,
                                                     "Slack channel ids like C0123ABCD")]
                  + [("teams", c) for c in head.texts("teams_channels",
                                                       expected="Teams conversation ids")])
    if not (p.local_authorities or p.lsoas or lookup_rows):
        head.fail("", "needs local_authorities, lsoas or lsoa_lookup: where is the partnership?")
    p.areas = [read_area(r) for r in top.tables("areas")]
    area_ids = unique_ids(top, "areas", p.areas) | {p.id}
    for code, area in lookup_rows:
        if area is not None:
            if area not in area_ids:
                head.fail("lsoa_lookup", f"area '{area}' (for {code}) is not an area id")
            if area != p.id:  # ... and a row naming an area is in that area too
                next(a for a in p.areas if a["id"] == area)["lsoas"].append(code)
    p.indicators = [read_indicator(r) for r in top.tables("indicators")]
    words = indicator_words(top, p.indicators)
    p.agencies = [{"id": r.text("id", pattern=ID, expected="an id"), "name": r.text("name"),
                   "kind": r.text("kind", required=False)}
                  for r in checked_tables(top, "agencies", ("id", "name", "kind"))]
    agencies = unique_ids(top, "agencies", p.agencies)
    p.people = [read_person(r, agencies) for r in top.tables("people")]
    unique_ids(top, "people", p.people)
    _unique_chat_ids(top, p.people)
    p.priorities = [read_priority(r, agencies, words) for r in top.tables("priorities")]
    priorities = unique_ids(top, "priorities", p.priorities)
    p.themes = [{"id": r.text("id", pattern=NUMBERED, expected="a number like 4.6"),
                 "name": r.text("name"),
                 "priority": reference(r, "priority", priorities, "priority", required=False)}
                for r in checked_tables(top, "themes", ("id", "name", "priority"))]
    themes = unique_ids(top, "themes", p.themes)
    p.actions = [read_action(r, agencies, themes, priorities) for r in top.tables("actions")]
    unique_ids(top, "actions", p.actions)
    p.targets = [read_target(r, words, area_ids) for r in top.tables("targets")]
    seen = set()
    for i, t in enumerate(p.targets):
        if (t["indicator"], t["area"]) in seen:
            top.fail(f"targets[{i}]", f"a second target for {t['indicator']} in {t['area']}")
        seen.add((t["indicator"], t["area"]))
    p.subscriptions = [read_subscription(r) for r in top.tables("subscriptions")]
    p.context = [read_context(r, area_ids) for r in top.tables("context")]
    return p


def _unique_chat_ids(top: Reader, people: list[dict[str, Any]]) -> None:
    """One Slack or Teams user id is one person: CSP Bot knows people by it, so two people
    sharing it would be one person with both their rights. Teams ids (GUIDs) are compared
    without regard to case."""
    for platform, label in (("slack", "Slack"), ("teams", "Teams")):
        seen: dict[str, int] = {}
        for i, person in enumerate(people):
            if person[platform] is None:
                continue
            key = person[platform].lower()
            if key in seen:
                first = people[seen[key]]
                top.fail(f"people[{i}].{platform}",
                         f"{label} user id {person[platform]} is already the id of "
                         f"{first['name']} (people[{seen[key]}]); {person['name']} needs "
                         "their own: one chat user id is one person")
            seen[key] = i
