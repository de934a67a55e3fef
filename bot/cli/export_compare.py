"""`cspbot export compare --indicator SLUG [--month YYYY-MM] [--format csv|json]`: the table of
`/csp compare` for analysts and for checking, one row per partnership and force area:
`name,kind,count_now,count_before,pct_change,p_value,rate_per_1000`, ranked. The months compared
and any area with no comparison (too many months not held) are said on standard error."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.writing import write_rows
from bot.config import Config, open_store
from data.catalogue import resolve_indicator
from data.queries import check_month

COLUMNS = ["name", "kind", "count_now", "count_before", "pct_change", "p_value",
           "rate_per_1000"]


@click.command("compare")
@click.option("--indicator", "-i", metavar="SLUG", required=True,
              help="A police.uk indicator (slug or alias, e.g. burglary, asb).")
@click.option("--month", "-m", metavar="YYYY-MM", help="The last month of the latest 12 "
              "(default: the latest month that can be compared).")
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="Write to FILE instead of standard output.")
@click.pass_obj
def export_compare(config: Config, indicator: str, month: str | None, fmt: str,
                   out: Path | None) -> None:
    """Each partnership and force area: the latest 12 months against the 12 before, ranked.

    METHOD J1's p-value; the rate per 1,000 residents where population is loaded. Months held
    only (METHOD 2.9): an area whose two windows miss too many months has empty figures.
    """
    from briefings.comparison import compare_table  # here: scipy loads only when needed

    check_month(month, "--month")
    table = compare_table(open_store(config), resolve_indicator(indicator).slug, month,
                          config.method)
    rows: list[dict[str, object]] = []
    for r in table.rows:
        c, change = r.counts, r.change
        rate = c.rate_per_1000
        rows.append({"name": c.name, "kind": c.kind,
                     "count_now": c.count_now if change else None,
                     "count_before": c.count_before if change else None,
                     "pct_change": r.pct_change,
                     "p_value": None if change is None else change.p_value,
                     "rate_per_1000": None if rate is None or not change else round(rate, 4)})
        if c.window.problem or c.window.matched < 12:
            click.echo(f"{c.name}: {c.window.problem or c.window.words()}", err=True)
    windows = {r.counts.window.words() for r in table.rows if r.counts.window.matched == 12}
    for words in sorted(windows):
        click.echo(f"{table.name}, to {table.month}: {words}.", err=True)
    write_rows(out, fmt, COLUMNS, rows)
