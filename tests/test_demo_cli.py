"""`cspbot run` on an empty store loads the demo; `cspbot demo` loads it again harmlessly."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import dump


def test_run_on_an_empty_store_loads_the_demo_once(cspbot, db_path: Path) -> None:
    first = cspbot("run")
    assert first.exit_code == 0, first.output
    assert "loading the demo partnership" in first.stdout
    assert "ILLUSTRATIVE" in first.stdout
    status = json.loads(cspbot("status", "--json").stdout)
    assert [p["id"] for p in status["partnerships"]] == ["kettering"]
    assert status["tables"]["monthly_values"] == 8 * 60  # 7 indicators + town-centre violence
    assert status["tables"]["survey_results"] == 4
    before = dump(db_path)
    second = cspbot("run")
    assert "loading the demo" not in second.stdout
    assert "Partnership kettering" in second.stdout
    assert dump(db_path) == before


def test_demo_again_changes_no_figure(cspbot, db_path: Path) -> None:
    cspbot("demo")
    values = dump(db_path)["monthly_values"]
    again = cspbot("demo")
    assert again.exit_code == 0
    assert "unchanged" in again.stdout
    assert dump(db_path)["monthly_values"] == values


def test_demo_partnership_status_and_values(cspbot) -> None:
    cspbot("demo")
    status = json.loads(cspbot("status", "--partnership", "kettering", "--json").stdout)
    areas = {a["id"]: a for a in status["areas"]}
    assert set(areas) == {"kettering", "town-centre"}
    assert {r["indicator"] for r in areas["town-centre"]["local"]} == {"violence-with-injury"}
    rows = json.loads(cspbot("export", "values", "--area", "town centre", "--format",
                             "json").stdout)
    assert len(rows) == 60 and {r["source"] for r in rows} == {"demo"}
    assert rows[0]["month"] == "2005-04" and rows[-1]["month"] == "2010-03"
