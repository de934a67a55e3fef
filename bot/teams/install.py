"""Teams conversations: where each is reached (its reference), and CSP Bot added to, or removed
from, a team, chat or personal scope.

Reference: the conversation id, service URL and tenant, stored (data/teams_refs.py) at
installation and refreshed by every message, for posting later without a message to answer.

Added: the conversation reference is stored (data/teams_refs.py). In a team or group chat,
the conversation becomes a subscription target of the monthly briefing (default schedule) when
a partnership file lists it (teams_channels) or a partnership's admin added the bot; otherwise
the welcome says an admin can `subscribe`, and
asks nothing there that would be refused. An existing subscription keeps its schedule. In a
personal chat the welcome is the asker's home (handlers/home.py). Removed: the reference is
marked inactive and the conversation's subscriptions stop.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.services import Services
from bot.teams.connector import ConversationRef, base_id
from data import subscriptions, teams_refs
from data.briefing_data import partnership_head
from data.people import find_people, partnership_of_channel
from handlers.admin import DEFAULT_SCHEDULE
from handlers.home import home
from handlers.reply import Context, Reply, Text

log = logging.getLogger("cspbot.teams")
ASK = ("Ask by mentioning CSP Bot, e.g. `@CSP Bot burglary`, `@CSP Bot priorities` or "
       "`@CSP Bot help`.")


def installed(services: Services, where: dict[str, Any], installer: str | None,
              ctx: Context) -> Reply:
    """Store the conversation, subscribe it if it should be; the welcome to post there."""
    db = services.db()
    conversation = str(where["conversation"])
    teams_refs.remember(db, **where, added_by=installer)
    if where.get("kind") == "personal":
        return home(ctx, db, services.settings())
    listed = partnership_of_channel(db, "teams", conversation)  # in a file, or subscribed
    admins = [p for p in (find_people(db, "teams", installer) if installer else [])
              if p["role"] == "admin"]
    pid = listed or (admins[0]["partnership"] if admins else None)
    if pid is None:  # it would refuse questions here: the welcome does not invite them
        text = ("CSP Bot has been added here, but no partnership answers in this conversation "
                "yet. A partnership admin can type `@CSP Bot subscribe` here to get the "
                "monthly briefing and answers in it (or list the conversation under "
                "`teams_channels` in the partnership file). Until then, ask in your personal "
                "chat with CSP Bot: type `help` there.")
        return Reply("Welcome to CSP Bot", [Text(text)], "CSP Bot has been added")
    current = subscriptions.find(db, "teams", conversation)
    if current and current["active"] and current["partnership"] == pid:
        schedule = current["schedule"]
    else:
        schedule = DEFAULT_SCHEDULE
        subscriptions.subscribe(db, pid, "teams", conversation, schedule)
    name = partnership_head(db, pid)["name"]
    text = (f"CSP Bot answers here for {name}. This conversation will get the monthly "
            f"briefing on the {schedule} (Europe/London), once the month's figures are in; "
            f"`@CSP Bot subscribe day 5 at 08:30` changes when, `@CSP Bot unsubscribe` stops "
            f"it. " + ASK)
    return Reply(f"Welcome to CSP Bot: {name}", [Text(text)], f"CSP Bot is ready for {name}")


def uninstalled(services: Services, conversation: str) -> None:
    db = services.db()
    teams_refs.forget(db, conversation)
    current = subscriptions.find(db, "teams", conversation)
    if current and current["active"]:
        subscriptions.unsubscribe(db, current["partnership"], "teams", conversation)


def conversation_ref(services: Services, conversation_id: str) -> ConversationRef | None:
    """The stored reference of a conversation (for a subscription's channel), or None."""
    row = teams_refs.get(services.db(), base_id(conversation_id))
    if row is None or not row["active"]:
        return None
    return ConversationRef(conversation_id, row["service_url"], row["tenant"])



def conversation_of(activity: Any) -> dict[str, str | None]:
    channel_data = activity.channel_data
    team = getattr(channel_data, "team", None) if channel_data else None
    tenant = getattr(channel_data, "tenant", None) if channel_data else None
    return {"conversation": base_id(activity.conversation.id),
            "service_url": activity.service_url,
            "tenant": (tenant.id if tenant else None) or activity.conversation.tenant_id,
            "kind": activity.conversation.conversation_type,
            "team": team.id if team else None,
            "name": (team.name if team else None) or activity.conversation.name}


def remember(services: Services, activity: Any) -> None:
    """Keep the reference of an activity's conversation fresh (its service URL may change)."""
    if activity.service_url:
        where = conversation_of(activity)
        try:
            teams_refs.remember(services.db(), **where)  # type: ignore[arg-type]
        except Exception as exc:  # noqa: BLE001 (answering matters more)
            log.warning("could not store the Teams conversation reference: %s", exc)
