"""`cspbot run`, `cspbot console` and `cspbot ask`: CSP Bot in chat, or at a local prompt.

`cspbot run` creates the store (with the demo on an empty one), then serves Slack and/or Teams
when their credentials are set (`--platform` chooses; Slack by Socket Mode with SLACK_APP_TOKEN
or over HTTP; Teams over HTTP only; both from one web server with --http PORT), and otherwise
opens the console.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.cli import partnership_view as show_p
from bot.cli import report as show
from bot.cli.console import ask, reply_json, run_console
from bot.cli.render_text import render_text
from bot.config import Config, open_store
from bot.services import Services
from bot.startup import chat_platforms, serve_chat
from data.demo import load_demo
from data.errors import DataError
from data.partnerships import partnership_ids
from data.queries import store_status

CHARTS = "charts"


@click.command()
@click.option("--http", "http_port", type=int, metavar="PORT",
              help="Serve over HTTP on PORT: Slack at /slack/events (instead of Socket Mode), "
              "Teams at /api/messages.")
@click.option("--platform", type=click.Choice(["slack", "teams", "both"]),
              help="Which chat to serve (default: each whose credentials are set; Teams needs "
              "--http).")
@click.option("--user", metavar="ID", help="Console: act as this person (Slack user id).")
@click.option("--partnership", "-p", metavar="ID", help="Console: the partnership to ask.")
@click.pass_obj
def run(config: Config, http_port: int | None, platform: str | None, user: str | None,
        partnership: str | None) -> None:
    """Run CSP Bot: Slack and/or Teams when their credentials are set, else the console."""
    db = open_store(config)
    if not partnership_ids(db):
        show.out.print("The store is empty: loading the demo partnership (Kettering, "
                       "illustrative figures). `cspbot partnership load FILE` adds your own.")
        show_p.demo_report(load_demo(db))
    services = Services(config, partnership)
    platforms = chat_platforms(config, platform, http_port)
    if platforms:
        serve_chat(services, platforms, http_port)
        return
    if http_port is not None:
        raise DataError("--http needs Slack or Teams credentials: set SLACK_BOT_TOKEN and "
                        "SLACK_SIGNING_SECRET, or CLIENT_ID and CLIENT_SECRET.",
                        "See README, 'Slack' and 'In chat: Microsoft Teams'.")
    show.status(store_status(db), config.db_path)
    if sys.stdin.isatty():
        show.out.print("\nNo Slack credentials set: opening the local console.")
        run_console(services, user, Path(CHARTS))
    else:
        show.out.print("\nNo Slack credentials set. Ask from the console: `cspbot console` "
                       "(or `cspbot ask \"burglary\"`).")


@click.command()
@click.option("--user", metavar="ID", help="Act as this person (Slack user id); default: the "
              "operator, with every right.")
@click.option("--partnership", "-p", metavar="ID", help="The partnership (if several).")
@click.option("--charts", "chart_dir", default=CHARTS, show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Where charts are written.")
@click.pass_obj
def console(config: Config, user: str | None, partnership: str | None, chart_dir: Path) -> None:
    """Ask CSP Bot at a prompt, as in chat: burglary, priorities, actions, update 4.6.2, help."""
    run_console(Services(config, partnership), user, chart_dir)


@click.command("ask")
@click.argument("question", nargs=-1, required=True)
@click.option("--user", metavar="ID", help="Act as this person (Slack user id).")
@click.option("--partnership", "-p", metavar="ID", help="The partnership (if several).")
@click.option("--json", "as_json", is_flag=True, help="Print the reply as JSON.")
@click.option("--charts", "chart_dir", default=CHARTS, show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Where charts are written.")
@click.pass_obj
def ask_command(config: Config, question: tuple[str, ...], user: str | None,
                partnership: str | None, as_json: bool, chart_dir: Path) -> None:
    """Ask one question, e.g. cspbot ask "violence town centre", and print the answer."""
    reply = ask(Services(config, partnership), " ".join(question), user)
    click.echo(reply_json(reply, chart_dir) if as_json else render_text(reply, chart_dir))
    if reply.title == "Sorry":
        raise SystemExit(1)

