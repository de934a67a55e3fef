"""`cspbot partnership load|list` and `cspbot demo`: partnerships in the store."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from bot.cli import partnership_view as show_p
from bot.cli import report as show
from bot.config import Config, open_store
from data.demo import load_demo
from data.partnership import load_partnership
from data.partnerships import list_partnerships


@click.group()
def partnership() -> None:
    """Partnership files: areas, agencies, people, priorities, actions, targets."""


@partnership.command("load")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.pass_obj
def load(config: Config, file: str, as_json: bool) -> None:
    """Load (or reload) a partnership file (TOML; see docs/partnership-file.md).

    A file with a mistake changes nothing. Reloading updates in place and never deletes the
    history of actions.
    """
    report = load_partnership(open_store(config), file)
    if as_json:
        click.echo(json.dumps(asdict(report), indent=2))
    else:
        show_p.partnership_report(report)


@partnership.command("list")
@click.pass_obj
def list_command(config: Config) -> None:
    """The partnerships in the store."""
    rows = list_partnerships(open_store(config))
    if not rows:
        show.out.print("No partnership yet: `cspbot partnership load FILE` or `cspbot demo`.")
    for row in rows:
        show.out.print(f"{row['id']}: {row['name']} (loaded {row['loaded_at']})")


@click.command()
@click.option("--teams-user", metavar="ID", help="A Teams user id (the Agents Playground's "
              "user: its welcome shows it) to ask as the demo's admin.")
@click.option("--slack-user", metavar="ID", help="A Slack user id to ask as the demo's admin.")
@click.pass_obj
def demo(config: Config, teams_user: str | None, slack_user: str | None) -> None:
    """Load the demo: the Kettering partnership and its illustrative figures (2005-2010)."""
    show_p.demo_report(load_demo(open_store(config), teams_user, slack_user))
    for platform, user in (("Teams", teams_user), ("Slack", slack_user)):
        if user:
            show_p.out.print(f"{platform} user {user} asks as the demo's admin "
                             "(Alex Example), on the demo's date.")

