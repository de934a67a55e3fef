"""Terminal output for partnerships: load reports, the demo, CSV imports, a partnership's status."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.table import Table

from bot.cli.report import out, partnership_coverage

if TYPE_CHECKING:  # reports named for their types only: `cspbot ingest` starts lighter
    from data.demo import DemoReport
    from data.loaders import LoadResult
    from data.lsoa_lookup import LookupReport
    from data.partnership import LoadReport
from data.words import counted


def partnership_report(report: LoadReport) -> None:
    verb = "Loaded" if report.created else "Reloaded"
    out.print(f"{verb} partnership {report.partnership}: {report.name}")
    out.print("  " + ", ".join(f"{n} {what}" for what, n in report.counts.items()))
    for label, ids in (("actions added", report.actions_added),
                       ("actions changed", report.actions_changed),
                       ("actions withdrawn", report.actions_withdrawn)):
        if ids and not (label == "actions added" and report.created):
            out.print(f"  {label}: {', '.join(ids)}")
    for warning in report.warnings:
        out.print(f"  warning: {warning}")


def csv_ingest_report(result: LoadResult) -> None:
    if result.status == "unchanged":
        out.print(f"unchanged {result.file}: already imported, nothing to do")
        return
    out.print(f"Imported {result.file} ({result.kind}, partnership {result.partnership}): "
              f"{result.rows} rows, {result.added} new, {len(result.revised)} revised")
    for line in result.revised:
        out.print(f"  revised {line}")


def lookup_report(result: LookupReport) -> None:
    if result.status == "unchanged":
        out.print(f"unchanged {result.file}: this lookup is imported already")
        return
    out.print(f"Imported the LSOA 2011 to 2021 lookup {result.file}: {result.rows:,} rows, "
              f"{result.old_codes:,} 2011 codes, {result.changed:,} of them followed to other "
              "codes")


def boundary_changes(changes: list[dict[str, Any]]) -> None:
    """How each area keeps its ground across the 2021 LSOA changes (data/boundaries.py)."""
    for area in changes:
        names = "; ".join(f"{district}: filed as {', '.join(filed) or 'nothing yet'}"
                          for district, filed in area["names"].items())
        out.print(f"LSOAs of {area['area']}: {area['codes']}" + (f" ({names})" if names else ""))
        for step in area["followed"]:
            out.print(f"  {followed(step)}", highlight=False)


def followed(step: dict[str, Any]) -> str:
    """'E01027101 (last seen 2022-03) -> E01035415, E01035416 (learned from 26 of its 32 map
    points)'."""
    last = f" (last seen {step['last_month']})" if step["last_month"] else ""
    if not step["successors"]:
        return (f"{step['code']}{last}: no longer appears; no successor found (import ONS's "
                "LSOA 2011 to 2021 lookup: `cspbot ingest lookup FILE`)")
    how = ("from the ONS lookup" if step["source"] == "ONS lookup" else
           f"learned from {step['points']} of its {step['of_points']} map points")
    return f"{step['code']}{last} -> {', '.join(step['successors'])} ({how})"


def demo_report(report: DemoReport) -> None:
    partnership_report(report.partnership)
    for result in report.files:
        csv_ingest_report(result)
    out.print("The demo figures are ILLUSTRATIVE, not real Kettering figures. Try: "
              "cspbot status --partnership kettering")


def partnership_status(result: dict[str, Any]) -> None:
    out.print(f"{result['name']} ({result['id']})" + (f", formerly {result['formerly']}"
                                                      if result["formerly"] else ""))
    out.print(f"Loaded {result['loaded_at']} from {result['file']}; "
              f"{counted(result['people'], 'person')}")
    if result.get("as_of"):
        out.print(f"Takes {result['as_of']} as today (as_of: a demonstration or training copy)")
    answers = result.get("answers")
    if answers:
        out.print(f"Chat answers prepared for the current figures: {answers['prepared']} of "
                  f"{answers['answerable']}" + ("" if answers["prepared"] >= answers["answerable"]
                                                 else " (`cspbot prepare`, or a running bot, "
                                                      "prepares the rest)"))
    if "coverage" in result:
        partnership_coverage(result["coverage"])
    if result.get("boundaries"):
        boundary_changes(result["boundaries"])
    for area in result["areas"]:
        police = area["police_uk"]
        out.print(f"\nArea {area['id']}: {area['name']} ({area['kind']})")
        if police["months"]:
            out.print(f"  police.uk: {counted(police['months'], 'month')}, {police['first']} to "
                      f"{police['latest']}, {counted(police['lsoas_with_data'], 'LSOA')} "
                      "with crimes")
        else:
            out.print("  police.uk: none yet")
        if area["local"]:
            table = Table("indicator", "months", "first", "latest", "source")
            for row in area["local"]:
                table.add_row(row["indicator"], str(row["months"]), row["first"],
                              row["latest"], row["source"])
            out.print(table)
        for survey in area["surveys"]:
            out.print(f"  survey {survey['indicator']} wave {survey['wave']} "
                      f"({survey['fieldwork_end']}): {survey['percent']:.1f}% of "
                      f"{survey['base_n']}")
    actions = result["actions_by_status"]
    out.print("\nActions: " + (", ".join(f"{n} {s}" for s, n in sorted(actions.items()))
                                or "none"))
    out.print(f"Targets: {len(result['targets'])}; subscriptions: "
              f"{sum(1 for s in result['subscriptions'] if s['active'])} active")
