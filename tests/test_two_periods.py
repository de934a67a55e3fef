"""Any two periods, through `dispatch` as Slack's users ask (issue 14, items 4 and 5): "burglary
2010-03 vs 2009-03", "last month", "this year so far", "2009/10 vs 2008/09", month ranges, the
parser's "Taking this as", held months only (METHOD 2.9), and `/csp help <term>`.

On a private copy of the demo store (Kettering, its own figures 2005-04..2010-03, no gaps).
Every expected count is summed here from `monthly_values` with SQL, and every p-value worked out
here with scipy from METHOD J1's formulas, not by the code under test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakes.demo_store import copy_store
from fakes.period_checks import facts, j1_p, said, words

from briefings.two_periods import Asked
from data.db import open_db
from data.queries import month_range
from handlers import Context, Reply, dispatch
from handlers.args import take_periods
from handlers.glossary import TERMS
from handlers.reply import Table

BURGLARY = "domestic-burglary"  # "burglary" in the demo: the partnership's own figures


@pytest.fixture
def store(demo_store: Path, tmp_path: Path) -> Iterator[Any]:
    db = open_db(copy_store(demo_store, tmp_path))
    yield db
    db.close()


def counts(store: Any, months: list[str], indicator: str = BURGLARY,
           area: str = "kettering") -> list[int]:
    marks = ",".join("?" * len(months))
    found = dict(store.execute(
        f"SELECT month, value FROM monthly_values WHERE partnership = 'kettering' AND area = ? "
        f"AND indicator = ? AND month IN ({marks})", [area, indicator, *months]).fetchall())
    return [int(found[m]) for m in months]


CHANNEL, ADMIN = "C0KETCSP01", "U0KETADM1"


def ask(store: Any, text: str) -> Reply:
    result = dispatch(text, Context(ADMIN, "slack", CHANNEL, "2010-04-15"), store)
    assert isinstance(result, Reply), result
    return result


def refused(reply: Reply) -> str:
    assert reply.title == "Sorry" and not reply.public
    return words(reply)


def table(reply: Reply) -> Table:
    return next(b for b in reply.blocks if isinstance(b, Table))


def check(reply: Any, store: Any, now: list[str], before: list[str], labels: tuple[str, str],
          understood: str) -> None:
    """The reply gives the two counts, the change and J1's p-value, worked out here."""
    c1, c2 = counts(store, now), counts(store, before)
    p = j1_p(c1, c2)
    shown = facts(reply)
    assert shown[labels[0]] == f"{sum(c1):,}" and shown[labels[1]] == f"{sum(c2):,}"
    assert shown["Change"] == f"{sum(c1) - sum(c2):+,}, {(sum(c1) / sum(c2) - 1) * 100:+.1f}%"
    verdict = "significant" if p < 0.05 else "not significant"
    assert shown["Significance"].startswith(f"{verdict} (p = {p:.3f}")
    assert said(reply)[0] == f"Taking this as: {understood}."
    assert f"{sum(c1):,} against {sum(c2):,}" in said(reply)[1]
    assert not reply.public


def test_two_months(store: Any) -> None:
    reply = ask(store, "burglary 2010-03 vs 2009-03")
    check(reply, store, ["2010-03"], ["2009-03"], ("2010-03", "2009-03"),
          "Domestic burglary, Kettering Community Safety Partnership, 2010-03 against 2009-03")
    assert reply.title == "Domestic burglary: 2010-03 against 2009-03"


@pytest.mark.parametrize("text", ["burglary 2009-12 against 2008-12",
                                  "burglary 2009-12 compared with 2008-12",
                                  "burglary 2009-12 versus 2008-12", "burglary 2009-12 v 2008-12"])
def test_the_words_between_two_periods(store: Any, text: str) -> None:
    check(ask(store, text), store, ["2009-12"], ["2008-12"], ("2009-12", "2008-12"),
          "Domestic burglary, Kettering Community Safety Partnership, 2009-12 against 2008-12")


def test_last_month_is_the_latest_held_month_against_a_year_before(store: Any) -> None:
    check(ask(store, "burglary last month"), store, ["2010-03"], ["2009-03"],
          ("2010-03", "2009-03"),
          "Domestic burglary, Kettering Community Safety Partnership, 2010-03 against 2009-03")


def test_this_year_so_far_is_april_to_the_latest_held_month(store: Any) -> None:
    store.execute("DELETE FROM monthly_values WHERE indicator = ? AND month > '2009-10'",
                  (BURGLARY,))
    store.conn.commit()
    now, before = month_range("2009-04", "2009-10"), month_range("2008-04", "2008-10")
    labels = ("2009/10 so far (2009-04 to 2009-10)",
              "the same months of 2008/09 (2008-04 to 2008-10)")
    check(ask(store, "burglary this year so far"), store, now, before, labels,
          f"Domestic burglary, Kettering Community Safety Partnership, {labels[0]} against "
          f"{labels[1]}")
    check(ask(store, "burglary year to date"), store, now, before, labels,
          f"Domestic burglary, Kettering Community Safety Partnership, {labels[0]} against "
          f"{labels[1]}")


def test_financial_years(store: Any) -> None:
    now, before = month_range("2008-04", "2009-03"), month_range("2007-04", "2008-03")
    for text in ("burglary 2008/09 vs 2007/08", "burglary 2008/2009 vs 2007/2008",
                 "burglary 2008/09"):
        check(ask(store, text), store, now, before, ("2008/09", "2007/08"),
              "Domestic burglary, Kettering Community Safety Partnership, 2008/09 against "
              "2007/08")


def test_a_financial_year_with_a_hyphen_unless_it_is_a_month() -> None:
    assert take_periods(["burglary", "2024-25", "vs", "2023-24"]) == (
        [Asked("fy", "2024-04"), Asked("fy", "2023-04")], ["burglary"])
    assert take_periods(["burglary", "2008-09"]) == ([], ["burglary", "2008-09"])  # September


@pytest.mark.parametrize("text", ["burglary 2009-10..2010-03 vs 2008-10..2009-03",
                                  "burglary 2009-10 to 2010-03 against 2008-10 to 2009-03",
                                  "burglary 2009-10..2010-03"])
def test_month_ranges(store: Any, text: str) -> None:
    check(ask(store, text), store, month_range("2009-10", "2010-03"),
          month_range("2008-10", "2009-03"), ("2009-10 to 2010-03", "2008-10 to 2009-03"),
          "Domestic burglary, Kettering Community Safety Partnership, 2009-10 to 2010-03 "
          "against 2008-10 to 2009-03")


def test_an_area_and_filler_words(store: Any) -> None:
    reply = ask(store, "violence in the town centre 2009-12 vs 2008-12")
    c1, c2 = (counts(store, [m], "violence-with-injury", "town-centre") for m in
              ("2009-12", "2008-12"))
    assert said(reply)[0] == ("Taking this as: Violence and assault with injury, Kettering Town "
                              "Centre, 2009-12 against 2008-12.")
    assert said(reply)[1].startswith("Violence and assault with injury in Kettering Town "
                                     "Centre is ") and f": {c1[0]} against {c2[0]}" in \
        said(reply)[1]


def test_small_counts_of_a_sensitive_indicator_in_a_sub_area_are_not_shown(store: Any) -> None:
    for month, value in (("2010-03", 3), ("2009-03", 7)):
        store.execute("INSERT INTO monthly_values VALUES ('kettering', 'town-centre', "
                      "'repeat-domestic-burglary', ?, ?, 'test', NULL)", (month, value))
    store.conn.commit()
    reply = ask(store, "repeat-domestic-burglary town centre 2010-03 vs 2009-03")
    assert facts(reply)["2010-03"] == "fewer than 5" and facts(reply)["2009-03"] == "7"
    assert facts(reply)["Change"] == "counts too small to show the change"
    assert not re.search(r"\b3 against", words(reply))


def test_a_month_not_held_leaves_its_pair_out_and_says_so(store: Any) -> None:
    store.execute("DELETE FROM monthly_values WHERE indicator = ? AND month = '2009-06'",
                  (BURGLARY,))
    store.conn.commit()
    now = [m for m in month_range("2009-04", "2010-03") if m != "2009-06"]
    before = [m for m in month_range("2008-04", "2009-03") if m != "2008-06"]
    reply = ask(store, "burglary 2009/10 vs 2008/09")
    check(reply, store, now, before, ("2009/10", "2008/09"),
          "Domestic burglary, Kettering Community Safety Partnership, 2009/10 against 2008/09")
    assert ("Based on 11 matched months: 2009-06 is not held, so 2008-06 is left out too."
            in words(reply))


def test_too_many_months_not_held_or_one_month_not_held_is_refused(store: Any) -> None:
    store.execute("DELETE FROM monthly_values WHERE indicator = ? AND month BETWEEN '2009-05' "
                  "AND '2009-08'", (BURGLARY,))
    store.conn.commit()
    text = refused(ask(store, "burglary 2009/10 vs 2008/09"))
    assert "2009-05..2009-08 are not held here: too many months missing" in text
    text = refused(ask(store, "burglary 2009-06 vs 2008-06"))
    assert "Taking this as 2009-06 against 2008-06: 2009-06 is not held" in text
    text = refused(ask(store, "burglary 2010-04 vs 2009-04"))
    assert "2010-04 is not held" in text and "2010-03" in text


@pytest.mark.parametrize(("text", "message"), [
    ("burglary 2010-03 vs", "2010-03 against which period?"),
    ("burglary 2010-01 vs 2009-01 vs 2008-01", "Give two periods at most."),
    ("burglary 2009-01..2009-06 vs 2008-01..2008-03", "compare periods of the same length"),
    ("burglary 2009-06..2009-01", "runs backwards"),
    ("burglary 2010-03 vs 2009-13", "'2009-13' is not a month"),
    ("asb perception last month", "is a survey"),
])
def test_what_cannot_be_compared_says_why(store: Any, text: str, message: str) -> None:
    assert message in refused(ask(store, text))


def test_one_month_is_still_the_indicator_answer_without_a_guess(store: Any) -> None:
    reply = ask(store, "burglary 2010-03")
    assert reply.title == "Domestic burglary, to 2010-03"
    assert not said(reply)[0].startswith("Taking this as")


def test_filler_words_are_left_out_and_the_answer_says_what_it_took(store: Any) -> None:
    plainly, guessed = ask(store, "vehicle crime"), ask(store, "how is vehicle crime doing?")
    assert said(guessed)[0] == "Taking this as: Vehicle crime, to 2010-03."
    assert said(guessed)[1:] == said(plainly)
    assert "I don't know" in refused(ask(store, "how is the weather"))


# --- /csp help <term> ------------------------------------------------------------------------


@pytest.mark.parametrize("term", list(TERMS))
def test_each_term_is_explained(store: Any, term: str) -> None:
    reply = ask(store, f"help {term}")
    assert reply.title.lower() == term and said(reply) == [TERMS[term]]


@pytest.mark.parametrize(("typed", "term"), [("significance", "significant"),
                                              ("Normal-Variation", "normal variation"),
                                              ("held months", "held month"),
                                              ("p value", "significant"), ("rates", "rate")])
def test_a_term_in_other_words(store: Any, typed: str, term: str) -> None:
    assert said(ask(store, f"help {typed}")) == [TERMS[term]]


def test_an_unknown_term_gets_did_you_mean(store: Any) -> None:
    assert "Did you mean 'significant'" in refused(ask(store, "help signficant"))
    assert "Did you mean 'projection'" in refused(ask(store, "help projecton"))


def test_help_still_lists_the_commands_and_names_the_terms(store: Any) -> None:
    reply = ask(store, "help")
    assert any(row[0].startswith("/csp priorities") for row in table(reply).rows)
    assert "`/csp help <term>` explains a word: significant, trend" in words(reply)
    assert [row[0] for row in table(ask(store, "help terms")).rows] == list(TERMS)
    assert "/csp update <action>" in words(ask(store, "help update"))


def test_the_explanations_are_plain_english() -> None:
    """No formula, no unexplained jargon: short sentences a lay reader can follow."""
    for term, text in TERMS.items():
        sentences = [s for s in re.split(r"(?<=[.:])\s", text) if s]
        assert max(len(s.split()) for s in sentences) <= 45, term
        assert not re.search(r"[=σφχ]|Poisson|Mann|Kendall|GLM|quasi", text), term
