"""`cspbot run`, `cspbot console` and `cspbot ask`: CSP Bot in chat, or at a local prompt.

`cspbot run` creates the store (with the demo on an empty one), then serves Slack and/or Teams
when their credentials are set (`--platform` chooses; Slack by Socket Mode with SLACK_APP_TOKEN
or over HTTP; Teams over HTTP only; both from one web server with --http PORT), and otherwise
opens the console.
"""

from __future__ import annotations

import logging
import signal
import sys
from pathlib import Path

import click

from bot import console_partnership as show_p
from bot import console_report as show
from bot.answer_workers import start_answer_workers
from bot.config import Config, open_store
from bot.console import ask, reply_json, run_console
from bot.render_text import render_text
from bot.services import Services
from data.demo import load_demo
from data.errors import DataError
from data.partnerships import partnership_ids
from data.queries import store_status

log = logging.getLogger("cspbot")
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
        exit_on_sigterm()
        scheduler = start_scheduler(services, platforms)
        # One process per store prepares the answers: the one that schedules the briefings.
        workers = start_answer_workers(services, prepare=scheduler.holds_lock)
        try:
            if http_port is None:  # Slack alone, by Socket Mode (Teams needs --http)
                serve_slack(services, None)
            else:
                serve_http(services, platforms, http_port)
        finally:
            if workers is not None:
                workers.close()
            if scheduler is not None:
                scheduler.shutdown(wait=False)
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


def exit_on_sigterm() -> None:
    """SIGTERM (docker stop, systemd) ends `cspbot run` like Ctrl-C: the web server stops
    gracefully (uvicorn then raises the signal again, which lands here), then the scheduler
    and the answer workers are stopped by run's `finally`."""
    def stop(signum: int, frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)


def chat_platforms(config: Config, platform: str | None, http_port: int | None
                   ) -> tuple[str, ...]:
    """The chats to serve: those asked for (each must be configured), else those configured."""
    if platform is None:
        found = tuple(name for name, ready in (("slack", config.slack_configured),
                                               ("teams", config.teams_configured)) if ready)
        if "teams" in found and http_port is None:
            log.warning("Teams credentials are set, but Teams needs --http PORT: not serving "
                        "Teams.")
            found = tuple(name for name in found if name != "teams")
        return found
    wanted = ("slack", "teams") if platform == "both" else (platform,)
    if "slack" in wanted and not config.slack_configured:
        raise DataError("--platform slack needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET.",
                        "See README, 'Slack'.")
    if "teams" in wanted and not config.teams_configured:
        missing = "CLIENT_SECRET" if config.teams_client_id else "CLIENT_ID and CLIENT_SECRET"
        raise DataError(f"--platform teams needs {missing} (or, for tests and the Agents "
                        "Playground only, CSP_TEAMS_SKIP_AUTH=true).",
                        "See README, 'In chat: Microsoft Teams'.")
    if "teams" in wanted and http_port is None:
        raise DataError("Teams sends its requests over HTTP: add --http PORT.")
    return wanted


def serve_http(services: Services, platforms: tuple[str, ...], http_port: int) -> None:
    """One web server for the chats asked: /slack/events and /api/messages."""
    import uvicorn

    from bot.web import build_web_app

    config, slack, teams = services.config, None, None
    if "slack" in platforms:
        from bot.slack_app import build_app

        slack = build_app(services, config.slack_bot_token, config.slack_signing_secret,
                          config.slack_api_url or None)
    if "teams" in platforms:
        from bot.teams_app import TeamsBot

        teams = TeamsBot(services)
    paths = [p for p, on in (("/slack/events", slack), ("/api/messages", teams)) if on]
    log.warning("CSP Bot serving %s on http://%s:%d", " and ".join(paths), config.http_host,
                http_port)
    uvicorn.run(build_web_app(slack, teams), host=config.http_host, port=http_port,
                log_level="warning")


def start_scheduler(services: Services, platforms: tuple[str, ...]):  # type: ignore[no-untyped-def]
    """The store's one briefing scheduler, for the chats served (it schedules nothing if
    another process already holds the store's scheduler lock)."""
    from bot.scheduler import BriefingScheduler
    from bot.slack_client import make_client

    config = services.config
    client = (make_client(config.slack_bot_token, config.slack_api_url or None)
              if "slack" in platforms else None)
    scheduler = BriefingScheduler(services, client, platforms=set(platforms))
    if config.now is not None:
        log.warning("CSP_NOW is set: the bot's clock started at %s, not at the real time (for "
                    "tests and rehearsals only).", config.now.isoformat())
    if scheduler.start():
        log.warning("Briefing scheduler started: %d subscriptions scheduled",
                    sum(1 for job in scheduler.jobs if job.startswith("sub:")))
    return scheduler


def serve_slack(services: Services, http_port: int | None) -> None:
    from bot.slack_app import build_app

    config = services.config
    app = build_app(services, config.slack_bot_token, config.slack_signing_secret,
                    config.slack_api_url or None)
    if http_port is not None:
        import uvicorn

        from bot.web import build_web_app

        log.warning("CSP Bot serving Slack on http://%s:%d/slack/events", config.http_host,
                    http_port)
        uvicorn.run(build_web_app(app), host=config.http_host, port=http_port,
                    log_level="warning")
    elif config.slack_app_token:
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        SocketModeHandler(app, config.slack_app_token).start()
    else:
        raise DataError("Slack is configured but there is no way in: set SLACK_APP_TOKEN for "
                        "Socket Mode, or pass --http PORT.")


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

