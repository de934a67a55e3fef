"""Kept and prepared chat answers (briefings/answers.py, data/answers.py, `cspbot prepare`)."""

from __future__ import annotations

import json
import pickle
import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import briefings.indicator
from briefings import answers
from briefings.answers import answer_version, indicator_answer, prepare_answers
from briefings.method import MethodSettings
from data.answers import answerable, kept_questions
from data.db import open_db
from data.demo import load_demo
from data.errors import DataError, IngestError

PID = "kettering"


@pytest.fixture
def demo(db):  # type: ignore[no-untyped-def]
    load_demo(db)
    answers._MEMORY.clear()
    yield db
    answers._MEMORY.clear()


def rows(db: Any, question: str) -> list[dict[str, Any]]:
    return list(db.query("SELECT * FROM answers WHERE question = ?", [question]))


def test_an_answer_is_kept_in_the_store_and_served_from_it(demo: Any, monkeypatch: Any) -> None:
    section, as_of = indicator_answer(demo, PID, "domestic-burglary", PID)
    assert len(rows(demo, f"domestic-burglary@{PID}@latest")) == 1

    def refuse(*args: Any) -> None:
        raise AssertionError("worked out again instead of read from the store")

    answers._MEMORY.clear()
    monkeypatch.setattr(briefings.indicator, "judge", refuse)
    again, again_as_of = indicator_answer(demo, PID, "domestic-burglary", PID)
    assert (again.sentence, again.facts, again.title, as_of) == (
        section.sentence, section.facts, section.title, again_as_of)
    assert again.chart is not None and section.chart is not None
    assert (again.chart.png, again.chart.alt_text, again.chart.rows) == (
        section.chart.png, section.chart.alt_text, section.chart.rows)
    assert again.leads == section.leads and again.priority == section.priority


def test_new_figures_make_a_new_answer_and_drop_the_old(demo: Any, cspbot: Any,
                                                        tmp_path: Path) -> None:
    before, _ = indicator_answer(demo, PID, "domestic-burglary", PID)
    revised = tmp_path / "revised.csv"
    revised.write_text("month,indicator,area,value\n2010-03,domestic-burglary,kettering,99\n")
    assert cspbot("ingest", "values", revised).exit_code == 0
    after, _ = indicator_answer(demo, PID, "domestic-burglary", PID)
    assert dict((f.label, f.value) for f in after.facts)["Latest month (2010-03)"] == "99"
    assert dict((f.label, f.value) for f in before.facts)["Latest month (2010-03)"] == "35"
    kept = list(demo.query("SELECT DISTINCT version FROM answers"))
    assert len(kept) == 1  # the answers of the old data are gone


def test_the_version_follows_the_settings(demo: Any) -> None:
    plain = answer_version(demo, PID, MethodSettings(), 5)
    assert plain == answer_version(demo, PID, None, 5)
    assert plain != answer_version(demo, PID, MethodSettings(), 0)
    assert plain != answer_version(demo, PID, MethodSettings(alpha=0.01), 5)


def test_a_question_asked_by_several_at_once_is_worked_out_once(
        demo: Any, db_path: Path, monkeypatch: Any) -> None:
    real, calls = briefings.indicator.judge, []

    def slow(*args: Any) -> Any:
        calls.append(args[1:4])
        time.sleep(0.3)
        return real(*args)

    monkeypatch.setattr(briefings.indicator, "judge", slow)
    got: list[str] = []

    def ask() -> None:
        db = open_db(db_path)
        got.append(indicator_answer(db, PID, "vehicle-crime", PID)[0].sentence)
        db.close()

    threads = [threading.Thread(target=ask) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(calls) == 1 and len(got) == 5 and len(set(got)) == 1


def test_prepare_answers_prepares_every_series_once(demo: Any) -> None:
    expected = answerable(demo, PID)
    assert ("violence-with-injury", "town-centre") in expected
    assert ("asb-perception", PID) in expected  # a survey
    seen: list[tuple[int, int]] = []
    first = prepare_answers(demo, PID, progress=lambda n, total: seen.append((n, total)))
    assert (first.made, first.already, first.without, first.failed) == (
        len(expected), 0, [], [])
    assert seen[-1] == (len(expected), len(expected))
    assert len(kept_questions(demo, PID, first.version)) == len(expected)
    second = prepare_answers(demo, PID)
    assert (second.made, second.already) == (0, len(expected))


def test_a_question_without_figures_is_refused_and_not_kept(demo: Any) -> None:
    with pytest.raises(DataError, match="No figures for Burglary"):
        indicator_answer(demo, PID, "burglary", PID)
    assert not rows(demo, f"burglary@{PID}@latest")


def test_errors_cross_to_worker_processes_whole() -> None:
    error = pickle.loads(pickle.dumps(DataError("No figures.", "Import some first.")))
    assert (error.message, error.hint) == ("No figures.", "Import some first.")
    ingest = pickle.loads(pickle.dumps(IngestError("a.csv", "bad month", 3, "Use YYYY-MM.")))
    assert str(ingest) == "a.csv, line 3: bad month\nUse YYYY-MM."


def test_cspbot_prepare_here(demo: Any, cspbot: Any) -> None:
    expected = len(answerable(demo, PID))
    first = cspbot("prepare", "--workers", "0")
    assert first.exit_code == 0, first.output
    assert f"kettering: {expected} answers prepared" in first.output
    second = cspbot("prepare", "--workers", "0")
    assert re.search(rf"kettering: 0 answers prepared in [\d.]+ s, {expected} already prepared",
                     second.output), second.output


def test_cspbot_prepare_in_worker_processes(demo: Any, cspbot: Any) -> None:
    result = cspbot("prepare", "--workers", "2", "--partnership", PID)
    assert result.exit_code == 0, result.output
    expected = len(answerable(demo, PID))
    assert f"kettering: {expected} answers prepared" in result.output
    assert len(kept_questions(demo, PID, answer_version(demo, PID, MethodSettings(), 5))) \
        == expected


def test_cspbot_prepare_names_an_unknown_partnership(demo: Any, cspbot: Any) -> None:
    result = cspbot("prepare", "--partnership", "ketering", "--workers", "0")
    assert result.exit_code == 1
    assert "kettering" in result.output  # did you mean


def test_a_kept_answer_that_does_not_read_back_is_worked_out_again(demo: Any) -> None:
    section, _ = indicator_answer(demo, PID, "vehicle-crime", PID)
    demo.execute("UPDATE answers SET body = '{\"sentence\": 1}'")
    demo.conn.commit()
    answers._MEMORY.clear()
    again, _ = indicator_answer(demo, PID, "vehicle-crime", PID)
    assert again.sentence == section.sentence
    assert json.loads(rows(demo, f"vehicle-crime@{PID}@latest")[0]["body"])["sentence"] \
        == section.sentence  # kept again, whole


def test_status_says_how_many_answers_are_prepared(demo: Any, cspbot: Any) -> None:
    expected = len(answerable(demo, PID))
    before = json.loads(cspbot("status", "-p", PID, "--json").output)
    assert before["answers"] == {"prepared": 0, "answerable": expected}
    assert before["as_of"] == "2010-04-07"  # the demo's date
    assert cspbot("prepare", "--workers", "0").exit_code == 0
    text = cspbot("status", "-p", PID).output
    assert f"Chat answers prepared for the current figures: {expected} of {expected}\n" in text
    assert "Takes 2010-04-07 as today" in text
