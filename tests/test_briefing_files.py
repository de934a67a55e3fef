"""`cspbot briefing`: the files it writes for the demo (PNGs and their CSVs, Markdown, JSON, the
board paper as one self-contained HTML page), the escaping of text from partnership files, and
the demo's Markdown as a golden file.

The demo briefing is built once for the module (it takes a few seconds); tests that change the
store use the `cspbot` fixture and a store of their own.
"""

from __future__ import annotations

import base64
import csv
import difflib
import json
import re
import struct
from html.parser import HTMLParser
from pathlib import Path

import matplotlib.image
import pytest
from click.testing import CliRunner, Result

from bot.cli.main import cli
from briefings.charts import MAX_PNG_BYTES
from data.db import open_db

GOLDEN = Path(__file__).resolve().parent / "golden" / "demo-briefing-2010-03.md"
SEED = Path(__file__).resolve().parents[1] / "data" / "seed"
ARGS = ("briefing", "--partnership", "kettering", "--month", "2010-03", "--since", "2010-03-01")
CHARTS = ["overview", "all-crime_kettering", "vehicle-crime_kettering",
          "domestic-burglary_kettering", "repeat-domestic-burglary_kettering",
          "violence-with-injury_kettering", "violence-with-injury_town-centre",
          "criminal-damage-arson_kettering", "anti-social-behaviour_kettering",
          "asb-perception_kettering", "teenagers-hanging-around_kettering"]
HOSTILE = '<script>alert(1)</script> & "quotes"'
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Result, Path, Path]:
    """The demo in a fresh store and its 2010-03 briefing written: result, folder, store."""
    base = tmp_path_factory.mktemp("briefing")
    env = {"CSP_DB_PATH": str(base / "csp.db"), "CSP_LOG_FILE": str(base / "csp.log")}
    runner = CliRunner()
    assert runner.invoke(cli, ["demo"], env=env, catch_exceptions=False).exit_code == 0
    out = base / "out"
    result = runner.invoke(cli, [*ARGS, "--out", str(out)], env=env, catch_exceptions=False)
    return result, out, base / "csp.db"


def test_briefing_writes_every_file_and_says_so(demo: tuple[Result, Path, Path]) -> None:
    result, out, _ = demo
    assert result.exit_code == 0, result.output
    names = [f"{c}.{kind}" for c in CHARTS for kind in ("png", "csv")] + [
        "briefing.md", "briefing.json", "briefing.html"]
    assert sorted(p.name for p in out.iterdir()) == sorted(names)
    for name in names:
        assert str(out / name) in result.output
    assert "ILLUSTRATIVE" in result.output
    assert "Domestic burglary is significantly up" in result.output


def test_every_png_is_a_valid_png_of_at_most_200_kb(demo: tuple[Result, Path, Path]) -> None:
    _, out, _ = demo
    for name in CHARTS:
        png = (out / f"{name}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n", name
        assert png[12:16] == b"IHDR", name
        width, height = struct.unpack(">II", png[16:24])
        assert width > 0 and height > 0, name
        assert len(png) <= MAX_PNG_BYTES, f"{name}: {len(png):,} bytes"
        pixels = matplotlib.image.imread(out / f"{name}.png")
        assert pixels.shape[:2] == (height, width), name


def test_json_holds_the_whole_briefing_with_chart_file_names(
        demo: tuple[Result, Path, Path]) -> None:
    _, out, _ = demo
    text = (out / "briefing.json").read_text(encoding="utf-8")
    document = json.loads(text)
    assert text == json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    assert len(document["conclusions"]) == 9
    assert document["illustrative"] is True and len(document["sections"]) == 10
    charts = [document["overview"]] + [s["chart"] for s in document["sections"]]
    assert [c["png"] for c in charts] == [f"{c}.png" for c in CHARTS]
    for chart in charts:
        assert chart["alt_text"] and chart["headers"] and chart["rows"]
    assert document["sections"][0]["facts"][0] == {"label": "Latest month (2010-03)",
                                                   "value": "622"}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_html_is_one_self_contained_printable_page(demo: tuple[Result, Path, Path]) -> None:
    _, out, _ = demo
    html = (out / "briefing.html").read_text(encoding="utf-8")
    page = _Page()
    page.feed(html)
    links = [v or "" for _, attrs in page.tags for k, v in attrs.items() if k in ("src", "href")]
    assert not [v for v in links if re.match(r"\s*(https?:)?//", v, re.I)]
    assert "http://" not in html and "https://" not in html
    assert not [t for t, _ in page.tags if t in ("link", "script", "iframe", "object")]
    assert "@import" not in html and "url(" not in html
    images = [attrs for tag, attrs in page.tags if tag == "img"]
    assert len(images) == len(CHARTS)
    for attrs, name in zip(images, CHARTS, strict=True):
        assert (attrs.get("alt") or "").strip(), name
        src = attrs["src"] or ""
        assert src.startswith("data:image/png;base64,"), name
        assert base64.b64decode(src.split(",", 1)[1]) == (out / f"{name}.png").read_bytes()
    assert "@media print" in html and "break-before: page" in html
    assert "break-inside: avoid" in html and "counter(pages)" in html
    for fact in ("Latest 12 months", "7,396, against 7,872 in the 12 months before"):
        assert fact in html


def test_a_csv_beside_each_png_holds_the_chart_s_figures(
        demo: tuple[Result, Path, Path]) -> None:
    _, out, _ = demo
    document = json.loads((out / "briefing.json").read_text(encoding="utf-8"))
    charts = [document["overview"]] + [s["chart"] for s in document["sections"]]
    for name, chart in zip(CHARTS, charts, strict=True):
        with (out / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        assert rows == [chart["headers"], *chart["rows"]], name


def test_markdown_holds_each_conclusion(demo: tuple[Result, Path, Path]) -> None:
    _, out, _ = demo
    markdown = (out / "briefing.md").read_text(encoding="utf-8")
    conclusions = json.loads((out / "briefing.json").read_text(encoding="utf-8"))["conclusions"]
    for conclusion in conclusions:
        assert f"- {conclusion}\n" in markdown
    for name in CHARTS:
        assert f"]({name}.png)" in markdown


def test_demo_markdown_matches_the_golden_file(demo: tuple[Result, Path, Path]) -> None:
    _, out, _ = demo
    produced = (out / "briefing.md").read_bytes()
    expected = GOLDEN.read_bytes()
    if produced != expected:
        diff = "".join(difflib.unified_diff(
            expected.decode("utf-8").splitlines(keepends=True),
            produced.decode("utf-8").splitlines(keepends=True),
            fromfile=str(GOLDEN), tofile=str(out / "briefing.md")))
        pytest.fail(f"The demo briefing differs from its golden file. If the change is meant, "
                    f"copy {out / 'briefing.md'} over {GOLDEN}.\n{diff}", pytrace=False)


def test_briefing_is_not_recorded_as_published(demo: tuple[Result, Path, Path]) -> None:
    _, _, store = demo
    db = open_db(store)
    try:
        assert db.execute("SELECT COUNT(*) FROM briefing_runs").fetchone()[0] == 0
    finally:
        db.close()


def test_text_from_a_partnership_file_is_escaped(cspbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cspbot("demo").exit_code == 0
    text = (SEED / "kettering.toml").read_text(encoding="utf-8")
    title = 'title = "County-wide alcohol harm reduction strategy"'
    at = text.index(title)
    rest = text[at:].replace(title, f"title = {json.dumps(HOSTILE)}", 1)
    rest = rest.replace('due = "2011-03-31"', 'due = "2010-01-31"', 1)  # overdue: listed
    (tmp_path / "kettering.toml").write_text(text[:at] + rest, encoding="utf-8")
    (tmp_path / "kettering-lsoas.csv").write_bytes((SEED / "kettering-lsoas.csv").read_bytes())
    loaded = cspbot("partnership", "load", tmp_path / "kettering.toml")
    assert loaded.exit_code == 0, loaded.output
    result = cspbot(*ARGS, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "out" / "briefing.html").read_text(encoding="utf-8")
    assert HOSTILE not in html and "<script" not in html
    assert f"<td>{ESCAPED}</td>" in html
    markdown = (tmp_path / "out" / "briefing.md").read_text(encoding="utf-8")
    assert "| 4.1.3 | \\<script>alert(1)\\</script> & \"quotes\" |" in markdown


def test_a_bad_month_or_since_is_a_message(cspbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cspbot("demo").exit_code == 0
    result = cspbot("briefing", "--month", "2010-13", "--out", tmp_path / "out")
    assert result.exit_code == 1 and "write it as YYYY-MM" in result.output
    result = cspbot("briefing", "--month", "2010-03", "--since", "last week",
                    "--out", tmp_path / "out")
    assert result.exit_code == 1 and "not a date or time" in result.output
    assert not (tmp_path / "out").exists()
