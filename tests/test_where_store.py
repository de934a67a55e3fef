"""`/csp where` answers kept in the store and prepared ahead (handlers/where_store.py,
handlers/where_prepare.py, handlers/reply_json.py), on the demo's Kettering with street files
written by the test (tests/fakes/where_store.py): every block type reads back from JSON equal;
a prepared answer is served from the store once the process's memory is cleared, the same as
worked out afresh, with or without the latest month; an import or a partnership reload makes
it stale; `cspbot prepare` prepares them, here and in worker processes, beside the indicator
answers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fakes.where_store import FORCE, HEADER

from briefings.answers import answer_version
from briefings.method import MethodSettings
from data.answers import answerable, kept_questions
from data.demo import DEMO_AS_OF, SEED
from data.partnership import load_partnership
from data.partnerships import area_ids
from data.policeuk import ingest_police_uk
from handlers.reply import (
    Actions,
    Button,
    Chart,
    Context,
    Divider,
    Document,
    Facts,
    Link,
    Reply,
    SendBriefing,
    Table,
    Text,
)
from handlers.reply_json import BLOCKS, reply_from_json, reply_to_json
from handlers.request import Settings
from handlers.router import dispatch
from handlers.where_kept import keep_where_answers
from handlers.where_prepare import prepare_where_answers, where_indicators

PID = "kettering"


def ask(db, text: str) -> Reply:  # type: ignore[no-untyped-def]
    reply = dispatch(text, Context("U1", "console", today="2010-04-07"), db, Settings())
    assert isinstance(reply, Reply) and reply.title != "Sorry", reply.fallback_text
    return reply


def forget() -> None:
    """What a fresh process knows: nothing kept in memory."""
    keep_where_answers(False)
    keep_where_answers(True)


def where_rows(db) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {r[0]: r[1] for r in db.execute(
        "SELECT question, version FROM answers WHERE question GLOB 'where:*'")}


def test_every_block_type_reads_back_from_json_equal() -> None:
    blocks = [Text("*Burglary* rose"), Facts([("Latest 12 months", "120"), ("Change", "+48")]),
              Chart(b"\x89PNG\r\n\x1a\n\x00\xff", "A map", "Where", ["Street", "Crimes"],
                    [["High Street", "12"]], "map.png"),
              Table(["Area", "Change"], [["Town centre", "+36"], ["Rest", "+12"]]), Divider(),
              Actions([Button("where", "Where?", "burglary", asks="where burglary"),
                       Button("update_action", "Update", "kettering:4.6.2")]),
              Document(b"<html>\xe2\x82\xac</html>", "paper.html", "Paper"),
              Link("https://bot.example/papers/x", "Open the paper")]
    assert {type(b).__name__ for b in blocks} == set(BLOCKS)
    reply = Reply("Where: Burglary", blocks, "Burglary rose", public=True,
                  effects=[SendBriefing(PID, "2010-03", None, "asked again")])
    again = reply_from_json(reply_to_json(reply))
    assert again == reply
    assert isinstance(again.blocks[1], Facts) and again.blocks[1].items[0] == (
        "Latest 12 months", "120")
    with pytest.raises(KeyError):
        reply_from_json(reply_to_json(reply).replace('"Divider"', '"Pickled"'))


def test_a_prepared_answer_is_served_from_the_store_as_worked_out(demo_streets, worked) -> None:
    done = prepare_where_answers(demo_streets, PID, MethodSettings(), 5)
    wanted = where_indicators(demo_streets, PID)
    in_areas = [(i, a) for a in sorted(area_ids(demo_streets, PID) - {PID}) for i in
                where_indicators(demo_streets, PID, a)]  # each area's too: the town centre's
    assert "burglary" in wanted and ("burglary", "town-centre") in in_areas
    assert done.made == len(wanted) + len(in_areas) - len(done.skipped) > len(wanted)
    assert not done.failed
    assert demo_streets.execute("SELECT as_of FROM answers WHERE question = "
                         "'where:burglary@@latest'").fetchone() == ("2010-03",)  # its month
    forget()
    served = ask(demo_streets, "where burglary")
    with_month = ask(demo_streets, "where burglary 2010-03")  # the latest month: the same question
    in_town = ask(demo_streets, "where burglary town centre")  # an area's: prepared too
    forget()
    assert worked == []
    assert served == with_month
    assert "Kettering Town Centre" in in_town.title
    keep_where_answers(False)  # worked out afresh, neither kept nor read from the store
    afresh = ask(demo_streets, "where burglary")
    assert worked == [None]
    assert repr(served) == repr(afresh)  # to the byte, the map's PNG included
    keep_where_answers(True)
    again = prepare_where_answers(demo_streets, PID, MethodSettings(), 5)
    assert (again.made, again.already) == (0, done.made)


def test_an_answer_worked_out_when_asked_is_kept_for_the_next_process(demo_streets, worked) -> None:
    first = ask(demo_streets, "where burglary 2010-02")
    assert worked == ["2010-02"] and "where:burglary@@2010-02" in where_rows(demo_streets)
    forget()
    assert ask(demo_streets, "where burglary 2010-02") == first
    assert worked == ["2010-02"]


def test_an_import_makes_the_prepared_answer_stale(demo_streets, worked, tmp_path: Path) -> None:
    prepare_where_answers(demo_streets, PID, MethodSettings(), 5)
    before = where_rows(demo_streets)
    folder = tmp_path / "more"
    folder.mkdir()
    extra = [f",2010-03,{FORCE},{FORCE},-0.72,52.39,On or near High Street,E01027080,"
             "Kettering 004B,Burglary,Under investigation,"] * 20
    (folder / "2010-03-northamptonshire-street.csv").write_text(
        "\n".join([HEADER, *extra]) + "\n", encoding="utf-8")
    ingest_police_uk(demo_streets, [folder])
    forget()
    after = ask(demo_streets, "where burglary")
    assert worked == [None]
    assert after.fallback_text.startswith("Burglary rose by 58 (+80.6%)")
    assert set(where_rows(demo_streets).values()).isdisjoint(before.values())  # stale ones dropped


def test_a_partnership_reload_makes_the_prepared_answer_stale(demo_streets, worked,
                                                              tmp_path: Path) -> None:
    prepare_where_answers(demo_streets, PID, MethodSettings(), 5)
    (tmp_path / "kettering-lsoas.csv").write_bytes((SEED / "kettering-lsoas.csv").read_bytes())
    changed = tmp_path / "kettering.toml"
    changed.write_text((SEED / "kettering.toml").read_text(encoding="utf-8").replace(
        'name = "Kettering Town Centre"', 'name = "Kettering Market Place"'), encoding="utf-8")
    load_partnership(demo_streets, changed, as_of=DEMO_AS_OF)
    forget()
    reply = ask(demo_streets, "where burglary")
    assert worked == [None]
    assert "Kettering Market Place" in repr(reply)


@pytest.mark.parametrize("workers", ["0", "1"])
def test_cspbot_prepare_prepares_the_where_answers_beside_the_others(demo_streets, cspbot,
                                                                     workers: str) -> None:
    result = cspbot("prepare", "--workers", workers)
    assert result.exit_code == 0, result.output
    made = re.search(r"kettering: (\d+) where answers prepared in [\d.]+ s, 0 already",
                     result.output)
    assert made, result.output
    kept = where_rows(demo_streets)
    assert int(made.group(1)) == len(kept) > 0 and "where:burglary@@latest" in kept
    indicator = kept_questions(demo_streets, PID,
                               answer_version(demo_streets, PID, MethodSettings(), 5))
    assert len(indicator) == len(answerable(demo_streets, PID))  # both kinds kept, side by side
    again = cspbot("prepare", "--workers", workers).output
    assert "kettering: 0 where answers prepared" in again
    assert f"{len(kept)} already prepared." in again


def test_with_a_gap_the_refusal_and_the_month_it_points_to_are_prepared(demo_streets, worked,  # type: ignore[no-untyped-def]
                                                                        tmp_path: Path) -> None:
    """A latest month that cannot be compared (the files between are missing): its refusal is
    prepared, and so is the answer for the month the refusal points to."""
    late = tmp_path / "late"
    late.mkdir()
    (late / "2011-06-northamptonshire-street.csv").write_text(
        f"{HEADER}\n,2011-06,{FORCE},{FORCE},-0.72,52.39,On or near High Street,E01027110,"
        "Kettering 007B,Burglary,Under investigation,\n", encoding="utf-8")
    ingest_police_uk(demo_streets, [late])
    done = prepare_where_answers(demo_streets, PID, MethodSettings(), 5)
    assert done.made and not done.failed
    assert {"where:burglary@@latest", "where:burglary@@2010-03",
            "where:burglary@town-centre@2010-03"} <= set(where_rows(demo_streets))
    forget()
    worked.clear()
    refusal = ask(demo_streets, "where burglary")
    assert "/csp where burglary 2010-03" in refusal.fallback_text
    then = ask(demo_streets, "where burglary 2010-03")
    assert worked == []  # both served as prepared
    assert then.fallback_text.startswith("Burglary rose by 48")
