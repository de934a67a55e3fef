"""Words a board reads (issue 15): every sentence, fact, note and chat answer of the demo's
March 2010 briefing and of a real-data briefing (Leicestershire's police.uk files, skipped when
absent) is scanned for counts that disagree with their noun ('1 months', '1 areas') and plural
indicator names with a singular verb ('Violence and sexual offences is up'); a change that is
not significant is never called "slightly" in a section (only the principal conclusions keep
METHOD's bands); and no sentence says 'no clear trend' beside 'the long-term trend is
sufficient'."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import FIXTURES, policeuk
from fakes.demo_store import make_demo_store

from briefings.model import Briefing
from briefings.monthly import build_monthly
from briefings.narrative import agree, describe_series
from data.db import open_db
from data.words import counted, is_plural_name
from handlers.reply import Context, Facts, Reply, Table, Text
from handlers.router import dispatch

ONE_MANY = re.compile(r"(?<![\d.,])\b1 (?!series\b)([A-Za-z]{3,}s)\b")
PLURAL_IS = re.compile(r"\b(offences|[Dd]rugs|crimes|burglaries|incidents|thefts|weapons) "
                       r"(is|has)\b")
QUESTIONS = ("help", "help indicators", "help terms", "burglary", "violence town centre",
             "vehicle crime", "priorities", "leads", "leads police", "actions", "actions mine",
             "history 4.6.2", "status", "briefing 2010-03", "deliveries", "where burglary",
             "compare burglary", "burglary 2009/10 vs 2008/09")


def briefing_texts(b: Briefing) -> Iterator[str]:
    yield from b.conclusions
    for s in b.sections:
        yield s.sentence
        yield from (f"{f.label}: {f.value}" for f in s.facts)
        yield from s.notes
        if s.chart is not None:
            yield s.chart.alt_text
    yield from b.notes


def reply_texts(reply: Reply) -> Iterator[str]:
    yield reply.title
    yield reply.fallback_text
    for block in reply.blocks:
        if isinstance(block, Text):
            yield block.markdown
        elif isinstance(block, Facts):
            yield from (f"{label}: {value}" for label, value in block.items)
        elif isinstance(block, Table):
            yield from (" | ".join(map(str, row)) for row in block.rows)


def wrong_words(texts: Iterator[str]) -> list[str]:
    found = []
    for text in texts:
        found += [f"{m.group(0)!r} in {text!r}" for m in ONE_MANY.finditer(text)]
        found += [f"{m.group(0)!r} in {text!r}" for m in PLURAL_IS.finditer(text)]
        if "no clear trend" in text and "long-term trend is" in text:
            found.append(f"trend and target disagree in {text!r}")
    return found


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    db = open_db(make_demo_store(tmp_path_factory.mktemp("wording")))
    yield db
    db.close()


def test_the_demo_briefing_has_no_wrong_counts_or_verbs(demo) -> None:
    briefing = build_monthly(demo, "kettering", "2010-03", since="2010-03-01")
    texts = list(briefing_texts(briefing))
    assert len(texts) > 60
    assert wrong_words(iter(texts)) == []


def test_a_fall_that_is_not_significant_is_given_with_its_size(demo) -> None:
    """The town centre: -15.2%, not significant. The conclusion keeps METHOD's 'slightly down'
    (the report's wording); the section says how large the fall was."""
    briefing = build_monthly(demo, "kettering", "2010-03", since="2010-03-01")
    town = next(s for s in briefing.sections if s.area == "town-centre")
    assert town.sentence.startswith("Violence and assault with injury in Kettering Town Centre "
                                    "is down 15%, within normal year-to-year variation, but ")
    assert "Kettering Town Centre is slightly down but" in " ".join(briefing.conclusions)
    for section in briefing.sections:
        assert "slightly" not in section.sentence, section.key
        trend = next((f.value for f in section.facts if f.label.startswith("Trend")), "")
        assert "changes by about" not in trend and "+" not in trend, trend


def test_every_chat_answer_of_the_demo_has_no_wrong_counts_or_verbs(demo) -> None:
    found = []
    for platform, user in (("slack", "U0KETADM1"),
                           ("teams", "00000000-0000-0000-0000-000000000001")):
        for question in QUESTIONS:
            reply = dispatch(question, Context(user, platform, None, "2010-04-20"), demo)
            if isinstance(reply, Reply):
                found += wrong_words(reply_texts(reply))
    assert found == []


@pytest.mark.parametrize(("name", "plural"), [
    ("Violence and sexual offences", True), ("Drugs", True), ("Repeat burglaries", True),
    ("Possession of weapons", False), ("Criminal damage and arson", False),
    ("Theft from the person", False), ("Anti-social behaviour", False),
    ("Drugs in Charnwood", True), ("The percentage of residents feeling safe", False)])
def test_plural_names(name: str, plural: bool) -> None:
    assert is_plural_name(name) is plural
    assert agree(name, "is up") == ("are up" if plural else "is up")


def test_a_plural_indicator_takes_are_and_have() -> None:
    out = {"polarity": "lower_is_better", "flags": [],
           "yoy": {"significant": True, "pct_change": 12.0},
           "phrases": {"yoy": "significantly up", "trend": "increasing", "context":
                       "after a period of reduction, has increased",
                       "target": "the long-term trend is not sufficient to meet the target"}}
    sentence = describe_series(out, "Violence and sexual offences")
    assert sentence.text == ("Violence and sexual offences, after a period of reduction, have "
                             "increased and the long-term trend is not sufficient to meet the "
                             "target.")
    out["phrases"]["context"] = None
    assert describe_series(out, "Drugs").text.startswith("Drugs are significantly up and")


def test_counted() -> None:
    assert [counted(1, "month"), counted(2, "month"), counted(1, "area"), counted(3, "area"),
            counted(1, "priority"), counted(0, "priority"), counted(1, "person"),
            counted(2, "person"), counted(2, "series"), counted(1_204, "row")] == [
        "1 month", "2 months", "1 area", "3 areas", "1 priority", "0 priorities", "1 person",
        "2 people", "2 series", "1,204 rows"]


def test_a_real_data_briefing_has_no_wrong_counts_or_verbs(tmp_path: Path) -> None:
    from fakes.real_stores import make_store

    forces = [policeuk("leicestershire")]
    nine = sorted((FIXTURES / "leicestershire").glob("*.toml"))
    db = open_db(make_store(tmp_path, forces, nine[:2]))
    try:
        pid = nine[1].stem  # charnwood
        from data.coverage import months_held

        month = months_held(db, pid)[-1]
        briefing = build_monthly(db, pid, month)
        texts = list(briefing_texts(briefing))
        assert len(briefing.sections) > 5 and len(texts) > 40
        assert wrong_words(iter(texts)) == []
        plural = [s for s in briefing.sections if is_plural_name(s.title)]
        assert plural, "no plural-named indicator to check (Violence and sexual offences)"
        for section in plural:
            head = section.sentence.split(" in ")[0]
            assert not re.search(r" (is|has) ", head + " "), section.sentence
    finally:
        db.close()
