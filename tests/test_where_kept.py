"""Kept `/csp where` answers (handlers/where_kept.py), on the demo's Kettering with street files
written by the test (tests/fakes/where_store.py): a repeated question on an unchanged store is
served from memory, the same answer; an import or a partnership (re)load makes it stale; a copy
is given each time; other settings are another answer; keeping can be switched off."""

from __future__ import annotations

from pathlib import Path

from fakes.where_store import FORCE, HEADER

from data.demo import DEMO_AS_OF, SEED
from data.partnership import load_partnership
from data.policeuk import ingest_police_uk
from handlers.reply import Context, Reply, Table, Text
from handlers.request import Settings
from handlers.router import dispatch
from handlers.where_kept import keep_where_answers

SAID_BEFORE = "Burglary rose by 48 (+66.7%)"


def ask(db, text: str, settings: Settings | None = None) -> Reply:  # type: ignore[no-untyped-def]
    reply = dispatch(text, Context("U1", "console", today="2010-04-07"), db,
                     settings or Settings())
    assert isinstance(reply, Reply) and reply.title != "Sorry", reply.fallback_text
    return reply


def test_a_repeated_question_is_the_same_answer_worked_out_once(demo_streets, worked) -> None:
    first = ask(demo_streets, "where burglary")
    again = ask(demo_streets, "where is burglary rising")  # the same question in other words
    assert worked == [None]
    assert again.blocks[0] == Text("Taking this as: where burglary, Kettering Community Safety "
                                   "Partnership, 2010-03.")  # said of the words, not kept
    assert again.blocks[1:] == first.blocks and again is not first
    assert ask(demo_streets, "where burglary") == first
    assert first.fallback_text.startswith(SAID_BEFORE)
    ask(demo_streets, "where burglary 2010-02")  # another month: another answer
    assert worked == [None, "2010-02"]


def test_a_copy_is_given_so_a_shared_answer_does_not_share_the_next(demo_streets, worked) -> None:
    assert ask(demo_streets, "where burglary share").public
    again = ask(demo_streets, "where burglary")
    assert not again.public and worked == [None]
    again.blocks.clear()  # what a front end does to its reply stays with it
    assert ask(demo_streets, "where burglary").blocks


def test_an_import_makes_the_kept_answer_stale(demo_streets, worked, tmp_path: Path) -> None:
    assert ask(demo_streets, "where burglary").fallback_text.startswith(SAID_BEFORE)
    folder = tmp_path / "more"
    folder.mkdir()
    extra = [f",2010-03,{FORCE},{FORCE},-0.72,52.39,On or near High Street,E01027080,"
             "Kettering 004B,Burglary,Under investigation,"] * 20
    (folder / "2010-03-northamptonshire-street.csv").write_text(  # 2010-03 again: 20, not 10
        "\n".join([HEADER, *extra]) + "\n", encoding="utf-8")
    ingest_police_uk(demo_streets, [folder])
    after = ask(demo_streets, "where burglary")  # 72 before, 120 - 10 + 20 now
    assert worked == [None, None]
    assert after.fallback_text.startswith("Burglary rose by 58 (+80.6%)")


def test_a_partnership_reload_makes_the_kept_answer_stale(demo_streets, worked,
                                                          tmp_path: Path) -> None:
    def area_rows(reply: Reply) -> list[str]:
        return [r[0] for r in next(b for b in reply.blocks if isinstance(b, Table)).rows]

    assert "Kettering Town Centre" in area_rows(ask(demo_streets, "where burglary"))
    changed = tmp_path / "kettering.toml"  # beside the files it names
    for name in ("kettering-lsoas.csv",):
        (tmp_path / name).write_bytes((SEED / name).read_bytes())
    changed.write_text((SEED / "kettering.toml").read_text(encoding="utf-8").replace(
        'name = "Kettering Town Centre"', 'name = "Kettering Market Place"'), encoding="utf-8")
    load_partnership(demo_streets, changed, as_of=DEMO_AS_OF)
    assert "Kettering Market Place" in area_rows(ask(demo_streets, "where burglary"))
    assert worked == [None, None]


def test_other_settings_are_another_answer_and_keeping_can_be_off(demo_streets, worked) -> None:
    ask(demo_streets, "where burglary")
    ask(demo_streets, "where burglary", Settings(suppress_below=50))
    assert worked == [None, None]
    keep_where_answers(False)
    ask(demo_streets, "where burglary")
    ask(demo_streets, "where burglary")
    assert worked == [None, None, None, None]
