"""Admin commands: subscribe, unsubscribe, deliveries, briefing send (in-process dispatch)."""

from __future__ import annotations

import pytest

from data.demo import load_demo
from data.subscriptions import active
from handlers import Context, dispatch
from handlers.reply import SendBriefing

ADMIN, MEMBER = "U0KETADM1", "U0KETMEM1"


@pytest.fixture
def db(tmp_path):  # type: ignore[no-untyped-def]
    from data.db import open_db

    database = open_db(tmp_path / "csp.db")
    load_demo(database)
    return database


def ask(db, text: str, user: str = ADMIN, channel: str | None = "C0NEWCHAN1"):  # type: ignore[no-untyped-def]
    return dispatch(text, Context(user=user, platform="slack", channel=channel,
                                  today="2010-04-15"), db)


def test_an_admin_subscribes_a_new_channel_and_unsubscribes_it(db) -> None:
    reply = ask(db, "subscribe day 5 at 08:30")
    assert reply.title == "Subscribed" and reply.public
    sub = next(s for s in active(db, "kettering") if s["channel"] == "C0NEWCHAN1")
    assert sub["schedule"] == "day 5 at 08:30" and sub["source"] == "chat"
    assert ask(db, "priorities").title == "Priorities"  # the channel now answers
    assert ask(db, "unsubscribe").title == "Unsubscribed"
    assert all(s["channel"] != "C0NEWCHAN1" for s in active(db, "kettering"))
    assert "no monthly briefing to stop" in ask(db, "unsubscribe").fallback_text


def test_subscribe_defaults_refusals_and_bad_schedules(db) -> None:
    ask(db, "subscribe")
    assert any(s["schedule"] == "working day 3 at 09:00" for s in active(db, "kettering"))
    assert "not a schedule I understand" in ask(db, "subscribe day 31 at 9").fallback_text
    before = active(db)
    assert "Only an admin" in ask(db, "subscribe", user=MEMBER).fallback_text
    assert active(db) == before
    assert "in the channel" in ask(db, "subscribe", channel=None).fallback_text


def test_deliveries_log_and_briefing_send(db) -> None:
    assert "No briefing has been delivered" in ask(db, "deliveries", channel="C0KETCSP01"
                                                   ).blocks[0].markdown  # type: ignore[union-attr]
    reply = ask(db, "briefing send 2010-03", channel="C0KETCSP01")
    assert reply.effects == [SendBriefing("kettering", "2010-03", "C0KETCSP01", None)]
    forced = ask(db, "briefing send 2010-03 force corrected figures", channel="C0KETCSP01")
    assert forced.effects[0].force_reason == "corrected figures"
    assert "Say why" in ask(db, "briefing send 2010-03 force", channel="C0KETCSP01"
                            ).fallback_text
    assert "Only an admin" in ask(db, "briefing send", user=MEMBER, channel="C0KETCSP01"
                                  ).fallback_text
