"""The police forces as data.police.uk names them ("Falls within" and "Reported by" in its street
files), and the reader of a partnership file's `forces` key: the home forces it names (METHOD 2.9).

A named force must be spelt as police.uk spells it, since its files are matched by that name: a
known name exactly, or a name of the same shape ("... Police", "... Constabulary", "Police
Service of ...") for a force not listed here. "Leicestershire" or "leicestershire police" is
refused with the name meant.
"""

from __future__ import annotations

import re

from data.errors import did_you_mean
from data.toml_reader import Reader

POLICE_FORCES = (
    "Avon and Somerset Constabulary", "Bedfordshire Police", "British Transport Police",
    "Cambridgeshire Constabulary", "Cheshire Constabulary", "City of London Police",
    "Cleveland Police", "Cumbria Constabulary", "Derbyshire Constabulary",
    "Devon & Cornwall Police", "Dorset Police", "Durham Constabulary", "Dyfed-Powys Police",
    "Essex Police", "Gloucestershire Constabulary", "Greater Manchester Police", "Gwent Police",
    "Hampshire Constabulary", "Hertfordshire Constabulary", "Humberside Police", "Kent Police",
    "Lancashire Constabulary", "Leicestershire Police", "Lincolnshire Police",
    "Merseyside Police", "Metropolitan Police Service", "Norfolk Constabulary",
    "North Wales Police", "North Yorkshire Police", "Northamptonshire Police",
    "Northumbria Police", "Nottinghamshire Police", "Police Service of Northern Ireland",
    "South Wales Police", "South Yorkshire Police", "Staffordshire Police",
    "Suffolk Constabulary", "Surrey Police", "Sussex Police", "Thames Valley Police",
    "Warwickshire Police", "West Mercia Police", "West Midlands Police",
    "West Yorkshire Police", "Wiltshire Police")
FORCE_SHAPE = re.compile(r"^(?:[A-Z][\w&'.-]*(?: (?:and|of|&|[A-Z][\w&'.-]*))*"
                         r" (?:Police|Constabulary|Police Service)|Police Service of [A-Z].*)$")


def read_forces(head: Reader, name: str = "forces") -> list[str]:
    """The forces a `[partnership]` table names, each checked; [] when it names none."""
    forces = head.texts(name, expected="police force names as police.uk writes them")
    known = {f.lower(): f for f in POLICE_FORCES}
    for i, force in enumerate(forces):
        if force not in POLICE_FORCES and (force.lower() in known
                                           or not FORCE_SHAPE.match(force)):
            meant = [known[k] for k in (force.lower(), f"{force} police".lower(),
                                        f"{force} constabulary".lower()) if k in known]
            head.fail(name, f"'{force}' is not a police force as police.uk names it (the "
                      "\"Falls within\" column of its files)."
                      + (f" Did you mean '{meant[0]}'?" if meant
                         else did_you_mean(force, POLICE_FORCES))
                      + " Forces are written like \"Leicestershire Police\" or \"Lancashire "
                      "Constabulary\".")
        if force in forces[:i]:
            head.fail(name, f"'{force}' is named twice")
    return forces
