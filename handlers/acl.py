"""Who may do what: checked before a command runs, and again before an update is saved.

Roles: member (ask), lead (update the actions of priorities their agency leads), admin
(everything). In a partnership's channel anyone may ask; only listed people may change things.
"""

from __future__ import annotations

from typing import Any

from handlers.registry import ROLES, Command
from handlers.reply import Context, CspError


def rank(person: dict[str, Any] | None) -> int:
    return ROLES.index(person["role"]) if person else 0


def check(entry: Command, person: dict[str, Any] | None, ctx: Context) -> None:
    if ctx.platform == "console" and person is None:
        return  # the console runs on the operator's own machine, with the operator's rights
    if rank(person) < ROLES.index(entry.role):
        who = "a lead or an admin" if entry.role == "lead" else "an admin"
        raise CspError(f"Only {who} of the partnership may use `/csp {entry.name}`.")


def may_update(person: dict[str, Any] | None, lead_agencies: list[str],
               ctx: Context) -> bool:
    """An admin, or a lead whose agency leads the action's priority."""
    if ctx.platform == "console" and person is None:
        return True
    if person is None:
        return False
    if person["role"] == "admin":
        return True
    return person["role"] == "lead" and person.get("agency") in lead_agencies


def is_admin(person: dict[str, Any] | None, ctx: Context) -> bool:
    if ctx.platform == "console" and person is None:
        return True
    return bool(person) and person["role"] == "admin"  # type: ignore[index]
