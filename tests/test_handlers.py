"""The plan commands in-process: `dispatch` against the demo store, as Slack's users ask.

The demo (Kettering, figures 2005-04..2010-03) is built once per module (conftest's
`demo_store`); every test works on its own copy, so the tests that update actions never see each
other's changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakes.demo_store import copy_store

from data.db import open_db
from data.partnership_sections import STATUSES
from handlers import Context, CspError, Form, FormErrors, FormSubmission, Reply, dispatch
from handlers.home import home
from handlers.reply import Actions, Button, Chart, Facts, Table, Text
from handlers.update import button_target, open_update_form, submit_update

CHANNEL = "C0KETCSP01"
ADMIN, KBC_LEAD, POLICE_LEAD, MEMBER = "U0KETADM1", "U0KETKBC1", "U0KETPOL1", "U0KETMEM1"
SAC = {"4.4.1", "4.4.2", "4.6.1", "4.6.2", "4.6.3", "4.6.4", "4.6.5"}  # serious acquisitive
SAC_NAME = "Serious acquisitive crime (domestic burglary, vehicle crime and robbery)"


@pytest.fixture
def store(demo_store: Path, tmp_path: Path) -> Iterator[Any]:
    """A private copy of the demo store."""
    db = open_db(copy_store(demo_store, tmp_path))
    yield db
    db.close()


def ctx(user: str = ADMIN, channel: str | None = CHANNEL, today: str = "2010-04-15",
        platform: str = "slack") -> Context:
    return Context(user=user, platform=platform, channel=channel, today=today)


def ask(store: Any, text: str, **where: Any) -> Reply:
    result = dispatch(text, ctx(**where), store)
    assert isinstance(result, Reply), result
    return result


def form(store: Any, text: str, **where: Any) -> Form:
    result = dispatch(text, ctx(**where), store)
    assert isinstance(result, Form), result
    return result


def words(reply: Reply) -> str:
    """Every piece of text in a reply, one per line."""
    out = [reply.title, reply.fallback_text]
    for b in reply.blocks:
        if isinstance(b, Text):
            out.append(b.markdown)
        elif isinstance(b, Facts):
            out += [f"{k}: {v}" for k, v in b.items]
        elif isinstance(b, Table):
            out += [" | ".join(row) for row in [b.headers, *b.rows]]
        elif isinstance(b, Chart):
            out.append(b.title)
    return "\n".join(out)


def table(reply: Reply) -> Table:
    return next(b for b in reply.blocks if isinstance(b, Table))


def ids(reply: Reply) -> set[str]:
    return {row[0] for row in table(reply).rows}


def buttons(reply: Reply) -> list[Button]:
    return [b for block in reply.blocks if isinstance(block, Actions) for b in block.buttons]


def audit_rows(store: Any) -> list[dict[str, Any]]:
    return [dict(r) for r in store.query("SELECT * FROM action_updates ORDER BY id")]


def submission(values: dict[str, str], version: str = "1", action: str = "4.6.2",
               user: str = POLICE_LEAD) -> FormSubmission:
    return FormSubmission("update_action", values,
                          {"partnership": "kettering", "action": action, "version": version},
                          user)


def refused(reply: Reply) -> str:
    assert reply.title == "Sorry" and not reply.public
    return words(reply)


# --- reading the plan ---------------------------------------------------------------------


def test_priorities_show_leads_delivery_groups_and_indicators(store: Any) -> None:
    reply = ask(store, "priorities")
    rows = {row[0]: row for row in table(reply).rows}
    assert table(reply).headers == ["priority", "lead", "delivery group", "period", "indicators",
                                    "actions"]
    sac = rows[SAC_NAME]
    assert sac[1] == "Northamptonshire Police"
    assert sac[2] == "Serious Acquisitive Crime Delivery Group"
    assert "vehicle-crime" in sac[4] and sac[5] == "7"
    assert rows["Domestic abuse"][1] == "Kettering Borough Council, The Sunflower Centre"
    assert rows["Public confidence (overarching priority)"][1] == "partnership level"
    assert "6 priorities" in words(reply) and not reply.public


def test_leads_say_who_leads_what(store: Any) -> None:
    rows = {row[0]: row for row in table(ask(store, "leads")).rows}
    police = rows["Northamptonshire Police"]
    assert police[1] == SAC_NAME and "4.6.3" in police[2] and "Chris Example (lead)" in police[3]
    assert "Jo Example (lead)" in rows["Northamptonshire County Council"][3]


def test_leads_of_one_agency_by_part_of_its_name(store: Any) -> None:
    text = words(ask(store, "leads sunflower"))
    assert "The Sunflower Centre" in text and "Domestic abuse" in text
    assert "4.4.3 Sunflower Centre support" in text and "Pat Example, lead" in text
    assert "Kettering Borough Council" not in text


def test_leads_unknown_or_ambiguous_agency(store: Any) -> None:
    assert "Did you mean 'Northamptonshire Police'?" in refused(ask(store, "leads polise"))
    text = refused(ask(store, "leads northamptonshire"))
    assert "several agencies" in text and "Northamptonshire Probation" in text


def test_actions_list_the_plan_with_counts_and_update_buttons(store: Any) -> None:
    reply = ask(store, "actions")
    assert len(table(reply).rows) == 21
    row = next(r for r in table(reply).rows if r[0] == "4.6.2")
    assert row[2:] == ["Kettering Borough Council", "on-track", "122 homes", "2011-03-31"]
    assert next(r for r in table(reply).rows if r[0] == "4.3.1")[4] == "5 / 5 areas"
    assert "21 actions: 19 on-track, 2 complete" in words(reply)
    blocks = [b for b in reply.blocks if isinstance(b, Actions)]
    assert blocks and all(1 <= len(b.buttons) <= 5 for b in blocks)
    assert {b.value for b in buttons(reply)} == {f"kettering:{i}" for i in ids(reply)}
    assert all(b.id == "update_action" and b.label == f"Update {b.value[10:]}"
               for b in buttons(reply))


def test_actions_of_a_priority_named_in_words(store: Any) -> None:
    assert ids(ask(store, "actions serious acquisitive")) == SAC
    assert ids(ask(store, "actions burglary")) == SAC
    assert ids(ask(store, "actions domestic-abuse")) == {"4.4.3", "4.4.4"}
    assert "several priorities" in refused(ask(store, "actions domestic"))
    assert "No priority, theme or filter" in refused(ask(store, "actions parking"))


def test_actions_of_a_theme(store: Any) -> None:
    assert ids(ask(store, "actions 4.6")) == {"4.6.1", "4.6.2", "4.6.3", "4.6.4", "4.6.5"}
    assert "Did you mean '4.6'" in refused(ask(store, "actions 4.7"))


def test_actions_mine_for_a_lead(store: Any) -> None:
    reply = ask(store, "actions mine", user=POLICE_LEAD)
    assert ids(reply) == SAC | {"4.3.3"}  # 4.3.3 is led by the Police, under another priority
    assert {b.value.split(":")[1] for b in buttons(reply)} == SAC


def test_actions_mine_needs_a_known_agency(store: Any) -> None:
    text = refused(ask(store, "actions mine", user="operator", channel=None, platform="console"))
    assert "`mine`" in text


def live(store: Any) -> Any:
    """The demo as a live partnership: the date is the one the front end passes."""
    store.execute("UPDATE partnerships SET as_of = NULL")
    store.conn.commit()
    return store


def test_overdue_actions_are_marked(store: Any) -> None:
    live(store)
    before = {r[0]: r[3] for r in table(ask(store, "actions", today="2010-04-15")).rows}
    after = ask(store, "actions", today="2010-05-15")
    rows = {r[0]: r[3] for r in table(after).rows}
    assert before["4.6.3"] == "on-track" and rows["4.6.3"] == "on-track (overdue)"
    assert rows["4.3.1"] == "complete"  # due 2010-03-31, but complete
    assert "Overdue (due before 2010-05-15, not complete): 4.6.3." in words(after)


def test_a_member_sees_the_plan_without_update_buttons(store: Any) -> None:
    reply = ask(store, "actions", user=MEMBER)
    assert len(table(reply).rows) == 21 and buttons(reply) == []


def test_history_of_an_action_newest_last(store: Any) -> None:
    submit_update(submission({"status": "at-risk", "value": "130", "note": "gates fitted"}),
                  ctx(POLICE_LEAD), store)
    reply = ask(store, "history 4.6.2")
    rows = table(reply).rows
    assert [r[3] for r in rows] == ["created", "status", "Homes with upgraded security"]
    assert rows[-1][1:] == ["Chris Example", "slack", "Homes with upgraded security",
                            "122 -> 130", "gates fitted"]
    assert "3 changes recorded" in words(reply)


def test_history_of_an_unknown_action_suggests_numbers(store: Any) -> None:
    text = refused(ask(store, "history 4.6.22"))
    assert "There is no action '4.6.22'. Did you mean '4.6.2'" in text
    assert "Which action?" in refused(ask(store, "history"))


def test_status_at_a_glance(store: Any) -> None:
    reply = ask(store, "status")
    facts = dict(next(b for b in reply.blocks if isinstance(b, Facts)).items)
    assert facts["Targets"] == "9" and facts["People listed"] == "7"
    assert facts["Actions"] == "21: 19 on-track, 2 complete"
    rows = table(reply).rows
    assert ["Kettering Community Safety Partnership", "demo", "7 indicators", "2005-04",
            "2010-03"] in rows
    assert "- slack channel C0KETCSP01: working day 3 at 09:00" in words(reply)


def test_briefing_preview_is_private_and_of_the_latest_month(store: Any) -> None:
    reply = ask(store, "briefing")
    assert reply.title.endswith("performance briefing, March 2010") and not reply.public
    text = words(reply)
    assert ("- Domestic burglary is significantly up and the long-term trend is not sufficient "
            "to meet the target.") in text
    assert "*Action plan*: 19 on-track, 2 complete." in text
    assert "ILLUSTRATIVE" in text
    chart = next(b for b in reply.blocks if isinstance(b, Chart))
    assert chart.png.startswith(b"\x89PNG") and chart.alt_text and chart.rows
    assert "not a month" in refused(ask(store, "briefing 2010-13"))
    assert "I don't know 'soon'" in refused(ask(store, "briefing soon"))


def test_share_posts_in_the_channel(store: Any) -> None:
    assert ask(store, "priorities share").public
    assert not ask(store, "priorities").public


def test_help_lists_the_plan_commands(store: Any) -> None:
    listed = words(ask(store, "help"))
    for name in ("priorities", "leads", "actions", "history", "status", "briefing", "update"):
        assert f"/csp {name}" in listed


# --- where and who ------------------------------------------------------------------------


def test_unknown_user_in_a_direct_message_is_refused(store: Any) -> None:
    assert "not on any partnership's list" in refused(ask(store, "priorities",
                                                          user="U0NOBODY", channel=None))
    assert ids(ask(store, "actions mine", user=POLICE_LEAD, channel=None)) == SAC | {"4.3.3"}


def test_a_channel_no_partnership_added_is_refused(store: Any) -> None:
    assert "does not answer in this channel" in refused(ask(store, "priorities",
                                                            channel="C0ELSEWHERE"))


# --- updating an action -------------------------------------------------------------------


def test_update_form_is_prefilled(store: Any) -> None:
    f = form(store, "update 4.6.2 130 gates fitted")
    assert f.form_id == "update_action" and f.title == "Update 4.6.2" and len(f.title) <= 24
    assert f.hidden == {"partnership": "kettering", "action": "4.6.2", "version": "1"}
    fields = {x.id: x for x in f.fields}
    assert fields["status"].value == "on-track"
    assert [c[0] for c in fields["status"].choices] == list(STATUSES)
    assert fields["value"].kind == "number" and fields["value"].value == "130"
    assert fields["value"].label == "Homes with upgraded security (homes)"
    assert fields["note"].kind == "multiline" and fields["note"].value == "gates fitted"
    plain = {x.id: x.value for x in form(store, "update 4.6.2").fields}
    assert plain == {"status": "on-track", "value": "122", "note": None}


def test_update_form_without_an_output_has_no_value(store: Any) -> None:
    assert [x.id for x in form(store, "update 4.2.2").fields] == ["status", "note"]
    assert "no output" in refused(ask(store, "update 4.2.2 5"))
    assert "0 or more" in refused(ask(store, "update 4.6.2 -5"))
    assert "Did you mean '4.6.2'" in refused(ask(store, "update 4.6.22"))


def test_a_member_may_not_update(store: Any) -> None:
    before = audit_rows(store)
    assert "Only a lead or an admin" in refused(ask(store, "update 4.6.2 130", user=MEMBER))
    with pytest.raises(CspError):
        open_update_form("kettering", "4.6.2", ctx(MEMBER), store)
    with pytest.raises(CspError):
        submit_update(submission({"status": "complete"}, user=MEMBER), ctx(MEMBER), store)
    assert audit_rows(store) == before


def test_a_lead_of_another_priority_may_not_update(store: Any) -> None:
    before = audit_rows(store)
    expected = (f"Only the leads of {SAC_NAME} (Northamptonshire Police) or an admin may "
                "update 4.6.2.")
    assert expected in refused(ask(store, "update 4.6.2", user=KBC_LEAD))
    with pytest.raises(CspError, match="Only the leads of"):
        open_update_form("kettering", "4.6.2", ctx(KBC_LEAD), store)
    with pytest.raises(CspError, match="Only the leads of"):
        submit_update(submission({"status": "complete"}, user=KBC_LEAD), ctx(KBC_LEAD), store)
    assert audit_rows(store) == before
    assert isinstance(form(store, "update 4.1.1", user=KBC_LEAD), Form)  # alcohol: KBC leads


def test_the_priority_lead_and_an_admin_may_update(store: Any) -> None:
    assert form(store, "update 4.6.2", user=POLICE_LEAD).hidden["action"] == "4.6.2"
    assert form(store, "update 4.6.2", user=ADMIN).hidden["action"] == "4.6.2"
    assert open_update_form(*button_target("kettering:4.6.2"), ctx(POLICE_LEAD), store).title \
        == "Update 4.6.2"


def test_submit_update_writes_one_audit_row_per_changed_field(store: Any) -> None:
    before = len(audit_rows(store))
    reply = submit_update(submission({"status": "at-risk", "value": "130",
                                      "note": "gates fitted"}), ctx(POLICE_LEAD), store)
    added = audit_rows(store)[before:]
    assert [(r["field"], r["old"], r["new"], r["by"], r["source"], r["note"]) for r in added] == [
        ("status", "on-track", "at-risk", "Chris Example", "slack", "gates fitted"),
        ("Homes with upgraded security", "122", "130", "Chris Example", "slack", "gates fitted")]
    # who: the person's id in the partnership file and the chat user id they were known by
    assert {(r["person_id"], r["chat_id"]) for r in added} == {("police-lead", POLICE_LEAD)}
    row = store.execute("SELECT status, version FROM actions WHERE id = '4.6.2'").fetchone()
    assert tuple(row) == ("at-risk", 2)
    assert not reply.public and "122 -> 130 homes" in words(reply)
    assert "on-track -> at-risk" in words(reply)


def test_submit_a_note_alone(store: Any) -> None:
    before = len(audit_rows(store))
    submit_update(submission({"status": "on-track", "value": "122", "note": "on plan"}),
                  ctx(POLICE_LEAD), store)
    assert [(r["field"], r["note"]) for r in audit_rows(store)[before:]] == [("note", "on plan")]


@pytest.mark.parametrize("value", ["-5", "abc", "nan", "1e3", "9" * 400])
def test_submit_a_bad_value_keeps_the_form_open(store: Any, value: str) -> None:
    before = audit_rows(store)
    with pytest.raises(FormErrors) as caught:
        submit_update(submission({"status": "on-track", "value": value}), ctx(POLICE_LEAD),
                      store)
    assert list(caught.value.errors) == ["value"]
    assert audit_rows(store) == before


def test_submit_a_bad_status_and_a_long_note(store: Any) -> None:
    with pytest.raises(FormErrors) as caught:
        submit_update(submission({"status": "finished", "value": "1", "note": "x" * 1001}),
                      ctx(POLICE_LEAD), store)
    assert set(caught.value.errors) == {"status", "note"}


def test_a_stale_form_is_refused_and_nothing_written(store: Any) -> None:
    submit_update(submission({"status": "at-risk"}, user=ADMIN), ctx(ADMIN), store)
    before = audit_rows(store)
    with pytest.raises(CspError) as caught:
        submit_update(submission({"status": "complete", "value": "200"}), ctx(POLICE_LEAD),
                      store)
    message = caught.value.message
    assert message.startswith("4.6.2 was changed by Alex Example (CSP manager) at ")
    assert "after you opened this form; nothing was saved" in message
    assert audit_rows(store) == before
    assert store.execute("SELECT status FROM actions WHERE id = '4.6.2'").fetchone()[0] \
        == "at-risk"


def test_an_unlisted_user_cannot_submit(store: Any) -> None:
    before = audit_rows(store)
    with pytest.raises(CspError, match="may update 4.6.2"):
        submit_update(submission({"status": "complete"}, user="U0NOBODY"),
                      ctx("U0NOBODY", channel=None), store)
    assert audit_rows(store) == before


def test_console_without_a_user_has_operator_rights(store: Any) -> None:
    console = ctx("operator", channel=None, platform="console")
    assert isinstance(dispatch("update 4.6.2", console, store), Form)
    submit_update(submission({"status": "complete"}, user="operator"), console, store)
    last = audit_rows(store)[-1]
    assert (last["by"], last["source"], last["person_id"], last["chat_id"]) == (
        "operator", "console", None, None)


def test_an_update_from_teams_is_recorded_as_from_teams_with_the_teams_id(store: Any) -> None:
    teams_id = "00000000-0000-0000-0000-000000000004"  # Chris Example's, in the demo's file
    submit_update(submission({"status": "complete"}, user=teams_id),
                  ctx(teams_id, channel=None, platform="teams"), store)
    last = audit_rows(store)[-1]
    assert (last["by"], last["source"], last["person_id"], last["chat_id"]) == (
        "Chris Example", "teams", "police-lead", teams_id)


def test_button_values_name_partnership_and_action(store: Any) -> None:
    assert button_target("kettering:4.6.2") == ("kettering", "4.6.2")
    with pytest.raises(CspError):
        button_target("4.6.2")


# --- the App Home -------------------------------------------------------------------------


def test_home_shows_the_actions_a_lead_may_update(store: Any) -> None:
    reply = home(ctx(POLICE_LEAD, channel=None, today="2010-05-15"), live(store))
    assert {b.value for b in buttons(reply)} == {f"kettering:{i}" for i in SAC}
    text = words(reply)
    assert "Kettering Community Safety Partnership" in text and "Overdue: 4.6.3" in text
    assert "Chris Example: lead, Northamptonshire Police" in text


def test_the_demo_takes_its_own_date_as_today(store: Any) -> None:
    """The demo's plan as of 7 April 2010 (its `as_of`), whatever today's date."""
    now = ask(store, "actions", today="2026-11-28")
    assert {r[0]: r[3] for r in table(now).rows}["4.6.3"] == "on-track"  # due 2010-04-30
    assert "Overdue" not in words(now)
    assert "Overdue: none" in words(home(ctx(POLICE_LEAD, channel=None, today="2026-11-28"),
                                       store))
    later = ask(live(store), "actions", today="2026-11-28")  # without it: the real date
    assert "Overdue (due before 2026-11-28, not complete): 4.1.1" in words(later)


def test_home_for_a_member_and_for_a_stranger(store: Any) -> None:
    member = home(ctx(MEMBER, channel=None), store)
    assert buttons(member) == [] and "Robin Example" in words(member)
    stranger = home(ctx("U0NOBODY", channel=None), store)
    assert buttons(stranger) == [] and "`U0NOBODY`" in words(stranger)
    assert "not on any partnership's list" in words(stranger)
