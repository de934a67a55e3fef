"""The board paper (bot/paper/): the demo's March 2010 briefing printed by headless Chromium fits
on at most 8 A4 pages with the conclusions and the at-a-glance table on page 1 and no indicator
split across pages; the at-a-glance rows (briefings/glance.py); the action plan as a board
reads it (what needs attention first, readable dates, who and how).

The print tests skip without Chromium (Debian's `chromium`); the page-text checks also need
pdftotext (Debian's `poppler-utils`).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from fakes.demo_store import copy_store

from bot.paper.actions import readable_date, who_and_how
from bot.paper.page import render_paper
from briefings.glance import glance_rows
from briefings.model import Briefing
from briefings.monthly import build_monthly
from data.audit_trail import Author, record
from data.db import open_db

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
PDFTOTEXT = shutil.which("pdftotext")
MAX_PAGES = 8


@pytest.fixture(scope="module")
def demo(demo_store: Path) -> Briefing:
    db = open_db(demo_store)
    try:
        return build_monthly(db, "kettering", "2010-03", since="2010-03-01")
    finally:
        db.close()


@pytest.fixture(scope="module")
def printed(demo: Briefing, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo's paper printed to PDF by headless Chromium."""
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium)")
    folder = tmp_path_factory.mktemp("paper")
    page, pdf = folder / "briefing.html", folder / "briefing.pdf"
    page.write_text(render_paper(demo), encoding="utf-8")
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)
    return pdf


def page_count(pdf: Path) -> int:
    """Pages of a PDF: pypdf when installed, else its /Type /Page objects counted."""
    try:
        from pypdf import PdfReader
    except ImportError:
        return len(re.findall(rb"/Type\s*/Page(?![A-Za-z])", pdf.read_bytes()))
    return len(PdfReader(pdf).pages)


def pages_text(pdf: Path) -> list[str]:
    if PDFTOTEXT is None:
        pytest.skip("pdftotext is not installed (Debian: apt-get install poppler-utils)")
    text = subprocess.run([PDFTOTEXT, str(pdf), "-"], check=True, capture_output=True,
                          text=True, timeout=60).stdout
    return [" ".join(page.split()) for page in text.split("\f")[:page_count(pdf)]]


def test_the_demo_paper_prints_on_at_most_8_a4_pages(printed: Path) -> None:
    assert 1 <= page_count(printed) <= MAX_PAGES
    media = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)", printed.read_bytes())
    assert media and all(abs(float(w) - 595.9) < 2 and abs(float(h) - 842.9) < 2
                         for w, h in media)  # A4 in points


def test_page_1_holds_the_conclusions_and_the_at_a_glance_table(demo: Briefing,
                                                                 printed: Path) -> None:
    first = pages_text(printed)[0]
    assert "Principal conclusions" in first and "At a glance" in first
    for conclusion in demo.conclusions:
        assert " ".join(conclusion.split()) in first
    for row in glance_rows(demo.sections):
        assert row.latest.split(" ")[0] in first and row.change.split(" ")[0] in first


def test_every_page_has_the_footer_and_no_indicator_is_split(demo: Briefing,
                                                             printed: Path) -> None:
    pages = pages_text(printed)
    for number, text in enumerate(pages, 1):
        assert f"Page {number} of {len(pages)}" in text
        assert "Kettering Community Safety Partnership: March 2010" in text
        assert not re.search(r"\d{4}-$|\d{4}- \d{2}\b", text)  # no "2010-/03"
    for section in demo.sections[1:]:  # its figures and its statistics on one page
        yoy = section.judgement.get("yoy")
        if not yoy:
            continue
        figures = f"In the 12 months to March 2010: {yoy['count_current']:,}, against"
        on = [n for n, text in enumerate(pages) if figures in text]
        assert len(on) == 1, section.key
        assert section.title in pages[on[0]] and "Statistics: 12-month change" in pages[on[0]]


def test_glance_rows_read_the_judgements(demo: Briefing) -> None:
    rows = {r.key: r for r in glance_rows(demo.sections)}
    assert len(rows) == len(demo.sections)
    crime = rows["all-crime@kettering"]
    yoy = demo.sections[0].judgement["yoy"]
    assert crime.latest == f"{yoy['count_current']:,}"
    assert crime.change == f"{yoy['pct_change']:+.1f}%" and crime.significance == "significant"
    spc = demo.sections[0].judgement["spc"]
    side = "low" if "Below" in spc["latest_special_cause_type"] else "high"
    assert spc["latest_point_type"] == "special_cause_improvement"
    assert crime.variation == f"improvement-{side}"
    burglary = rows["domestic-burglary@kettering"]
    assert burglary.variation == "common" and burglary.trend == "rising"
    assert burglary.target == "not on course"
    survey = rows["asb-perception@kettering"]
    assert survey.survey and survey.variation is None and survey.change.endswith("points")


def test_the_action_plan_lists_what_needs_attention_first(demo_store: Path,
                                                           tmp_path: Path) -> None:
    store = copy_store(demo_store, tmp_path)
    db = open_db(store)
    try:
        db.execute("UPDATE actions SET status = 'at-risk' WHERE id = '4.1.1'")
        db.execute("UPDATE actions SET due = '2010-01-31' WHERE id = '4.1.2'")
        db.execute("UPDATE actions SET status = 'off-track' WHERE id = '4.1.3'")
        record(db, "kettering", "4.1.3", Author("Jane Smith", "slack"), "status", "on-track",
               "off-track", "Funding withdrawn")
        record(db, "kettering", "4.1.1", Author("operator", "console"), "status", "on-track",
               "at-risk")
        briefing = build_monthly(db, "kettering", "2010-03", since="2010-03-01")
    finally:
        db.close()
    assert [a["id"] for a in briefing.actions.attention] == ["4.1.3", "4.1.2", "4.1.1"]
    html = render_paper(briefing)
    plan = html[html.index('<section class="actions">'):html.index('class="overview')]
    assert plan.index("4.1.3") < plan.index("4.1.2") < plan.index("4.1.1")
    assert "by Jane Smith in Slack: Funding withdrawn" in plan and "at the console" in plan
    assert "overdue (due 31 Jan 2010)" in plan
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", html)
    assert "console (console)" not in html
    assert "19 on track" not in plan and "actions:" in plan


def test_dates_and_authors_read_as_words() -> None:
    assert readable_date("2026-12-05T02:07:43+00:00") == "5 Dec 2026"
    assert readable_date("2010-03-01") == "1 Mar 2010"
    assert who_and_how("Jane Smith", "slack") == "by Jane Smith in Slack"
    assert who_and_how("Sam Lee", "teams") == "by Sam Lee in Teams"
    assert who_and_how("console", "console") == "at the console"
    assert who_and_how("file:kettering.toml", "file") == \
        "from the partnership file kettering.toml"
