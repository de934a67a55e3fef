"""`/csp where` and data/contributions.py on street files written by the test (the demo's
Kettering, tests/fakes/where_store.py: four LSOAs whose counts are known by hand), so that they
run in a fresh clone: the parts, their sums and ranking, the sentence and tables, the phrasings,
a window that cannot be compared, suppression, the console's hint and the export."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from fakes.where_store import FORCE, HEADER, PER_MONTH

from bot.cli.render_text import render_text
from data.contributions import Part, contributions, neighbourhood_of
from data.lsoa_arrays import lsoa_months
from data.policeuk import ingest_police_uk
from data.values import monthly_counts
from handlers.reply import Actions, Context, Reply, Table, Text
from handlers.request import Settings
from handlers.router import dispatch
from handlers.where import rows

SAID = ("Burglary rose by 48 (+66.7%) in Kettering Community Safety Partnership, "
        "2009-04..2010-03 against the 12 months before; Kettering 007 gave 36 of it (75%).")


def ask(db, text: str) -> Reply:  # type: ignore[no-untyped-def]
    reply = dispatch(text, Context("U1", "console", today="2010-04-07"), db, Settings())
    assert isinstance(reply, Reply)
    return reply


def test_neighbourhood_is_the_lsoa_name_without_its_letter() -> None:
    assert neighbourhood_of("Charnwood 012A") == "Charnwood 012"
    assert neighbourhood_of("North Northamptonshire 032B") == "North Northamptonshire 032"
    assert neighbourhood_of("E01025709") == "E01025709"


def test_the_parts_sum_to_the_whole_ranked_by_their_part_in_the_rise(demo_streets) -> None:
    found = contributions(demo_streets, "kettering", "burglary")
    before = sum(12 * b for b, _ in PER_MONTH.values())
    now = sum(12 * n for _, n in PER_MONTH.values())
    assert (found.count_before, found.count_now, found.change) == (before, now, now - before)
    assert [(p.name, p.count_now, p.count_before) for p in found.parts] == [
        ("Kettering 007", 60, 24), ("Kettering 004", 48, 36), ("Kettering 006", 12, 12)]
    assert [p.share_of_change for p in found.parts] == [0.75, 0.25, 0.0]
    counts = {r.month: r.count for r in monthly_counts(demo_streets, partnership="kettering",
                                                       indicator="burglary")}
    assert sum(counts[m] for m in found.window.current) == found.count_now
    lsoas = contributions(demo_streets, "kettering", "burglary", by="lsoa")
    assert sum(p.change for p in lsoas.parts) == found.change and len(lsoas.parts) == 4
    assert lsoas.parts[0].name == "Kettering 007B (E01027110)"
    areas = contributions(demo_streets, "kettering", "burglary", by="area")
    assert [(p.name, p.change) for p in areas.parts] == [
        ("Kettering Town Centre", 36), ("Rest of Kettering Community Safety Partnership", 12)]
    assert not areas.overlap


def test_a_fall_ranks_the_biggest_falls_first(demo_streets) -> None:
    demo_streets.execute("UPDATE police_counts SET burglary = 9 WHERE lsoa = 'E01027079' "
                  "AND month < '2009-04'")
    found = contributions(demo_streets, "kettering", "burglary")
    assert found.change < 0 and found.parts[0].name == "Kettering 004"
    assert found.parts[0].change == found.parts[0].count_now - found.parts[0].count_before
    assert sum(p.change for p in found.parts) == found.change


def test_where_answers_with_the_sentence_the_areas_and_the_neighbourhoods(demo_streets) -> None:
    for text, guessed in (("where burglary", False), ("where is burglary rising", True),
                          ("which neighbourhoods drive the burglary rise?", True),
                          ("where burglary 2010-03", False)):
        reply = ask(demo_streets, text)
        assert reply.fallback_text == SAID, text
        said = [b.markdown for b in reply.blocks if isinstance(b, Text)
                and b.markdown.startswith("Taking this as")]
        assert said == (["Taking this as: where burglary, Kettering Community Safety "
                         "Partnership, 2010-03."] if guessed else []), text
    tables = [b for b in reply.blocks if isinstance(b, Table)]
    assert [t.headers[0] for t in tables] == ["Area", "Neighbourhood", "Location"]
    assert tables[1].rows[0] == ["Kettering 007", "60", "24", "+36", "75%"]
    centre = ask(demo_streets, "where burglary town centre")
    assert centre.fallback_text.startswith("Burglary rose by 36 (+100.0%) in Kettering Town "
                                           "Centre")
    assert [b.headers[0] for b in centre.blocks if isinstance(b, Table)] == ["Neighbourhood",
                                                                           "Location"]


def test_a_window_that_cannot_be_compared_says_why_and_which_month_can(demo_streets) -> None:
    demo_streets.execute("DELETE FROM police_months WHERE month BETWEEN '2008-06' AND '2008-10'")
    reply = ask(demo_streets, "where burglary 2010-03")
    text = reply.blocks[0].markdown  # type: ignore[union-attr]
    assert "5 of the 24 months from 2008-04 to 2010-03 are not held (2008-06..2008-10)" in text
    assert "cannot be compared" in text and not any(isinstance(b, Table) for b in reply.blocks)


def test_a_local_indicator_or_an_unknown_word_is_refused(demo_streets) -> None:
    assert "not a police.uk indicator" in ask(demo_streets, "where asb perception").fallback_text
    assert "Which indicator" in ask(demo_streets, "where is").fallback_text


def test_small_counts_of_a_sensitive_indicator_are_suppressed_with_their_change() -> None:
    assert rows([Part("A 001", 3, 12, 0.5), Part("B 002", 20, 12, 0.5)], 5) == [
        ["A 001", "fewer than 5", "12", "–", "–"], ["B 002", "20", "12", "+8", "50%"]]
    assert rows([Part("A 001", 3, 12, 0.5)], 0)[0] == ["A 001", "3", "12", "-9", "50%"]


def test_the_indicator_answer_has_a_where_button_only_with_police_figures(
        demo_streets, cspbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    reply = ask(demo_streets, "burglary")
    buttons = [b for block in reply.blocks if isinstance(block, Actions) for b in block.buttons]
    assert [(b.id, b.label, b.value) for b in buttons] == [("where", "Where?", "burglary 2010-03")]
    assert "(more: /csp where burglary 2010-03)" in render_text(reply, tmp_path / "charts")
    demo_streets.execute("DELETE FROM police_counts")
    assert not any(isinstance(b, Actions) for b in ask(demo_streets, "burglary").blocks)


def test_export_contributions(demo_streets, cspbot) -> None:  # type: ignore[no-untyped-def]
    result = cspbot("export", "contributions", "--partnership", "kettering", "--indicator",
                    "burglary")
    assert result.exit_code == 0, result.output
    got = list(csv.DictReader(io.StringIO(result.output)))
    assert list(got[0]) == ["name", "count_now", "count_before", "change", "share_of_change"]
    assert got[0] == {"name": "Kettering 007", "count_now": "60", "count_before": "24",
                      "change": "36", "share_of_change": "0.75"}
    data = json.loads(cspbot("export", "contributions", "-p", "kettering", "-i", "burglary",
                             "--by", "area", "--format", "json").output)
    assert [r["change"] for r in data] == [36, 12]
    demo_streets.execute("DELETE FROM police_months WHERE month BETWEEN '2008-06' AND '2008-10'")
    refused = cspbot("export", "contributions", "-p", "kettering", "-i", "burglary")
    assert refused.exit_code != 0 and "are not held" in refused.output


def test_the_kept_lsoa_counts_are_read_again_after_an_import(demo_streets, tmp_path: Path
                                                              ) -> None:
    """The breakdown's counts are kept between questions (data/lsoa_arrays.py) and read again
    when an import changes the store: 2010-03 again, with 20 burglaries instead of 10."""
    first = contributions(demo_streets, "kettering", "burglary")
    _, kept = lsoa_months(demo_streets, first.window.current)
    assert lsoa_months(demo_streets, first.window.current)[1][0] is kept[0]
    folder = tmp_path / "again"
    folder.mkdir()
    (folder / "2010-03-northamptonshire-street.csv").write_text("\n".join([HEADER, *[
        f",2010-03,{FORCE},{FORCE},-0.72,52.39,On or near High Street,E01027080,"
        "Kettering 004B,Burglary,Under investigation,"] * 20]) + "\n", encoding="utf-8")
    ingest_police_uk(demo_streets, [folder])
    after = contributions(demo_streets, "kettering", "burglary")
    assert after.count_now == first.count_now - 10 + 20
    assert after.count_before == first.count_before
    assert lsoa_months(demo_streets, first.window.current)[1][0] is not kept[0]
