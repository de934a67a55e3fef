"""What `cspbot run` starts when it serves chat, and how the parts are wired together.

`serve_chat` begins the bot's life on the store (bot/lives.py), starts the store's briefing
scheduler (handing it the delivery and the admins' notices), the answer worker processes (the
preparer only in the process that holds the scheduler) and, for Slack, the keeper that answers
the commands a bot that died left unanswered (bot/slack/resume.py), then serves: Slack by Socket
Mode, or Slack and/or Teams from one web server (bot/web.py). Each front end is handed what it
may not import itself: the effects of a reply (bot/delivery/effects.py), the answer workers and
the journal of commands. Everything stops when the server stops, on Ctrl-C or SIGTERM.
"""

from __future__ import annotations

import logging
import signal

import uvicorn
from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.answers.workers import AnswerWorkers, start_answer_workers
from bot.config import Config
from bot.delivery.deliver import deliver
from bot.delivery.effects import slack_effects, teams_effects
from bot.delivery.paper_page import paper_pages
from bot.lives import Life
from bot.logs import exit_now
from bot.scheduler.scheduler import BriefingScheduler
from bot.services import Services
from bot.slack.app import build_app
from bot.slack.client import make_client
from bot.slack.journal import CommandJournal
from bot.slack.notices import notify_waiting
from bot.slack.resume import CommandKeeper
from bot.teams.app import TeamsBot
from bot.web import build_web_app
from data.errors import DataError

log = logging.getLogger("cspbot")
GRACE_S = 5  # seconds a request being served is given to finish when the bot is stopped


def serve_chat(services: Services, platforms: tuple[str, ...], http_port: int | None) -> None:
    """Schedule, work answers out, and serve the chats until stopped."""
    exit_on_sigterm()
    life = Life(services.config.db_path)
    scheduler = start_scheduler(services, platforms)
    # One process per store prepares the answers: the one that schedules the briefings.
    workers = start_answer_workers(services, prepare=scheduler.holds_lock, life=life.path)
    keeper = start_keeper(services, workers, life) if "slack" in platforms else None
    stopped = False
    try:
        if http_port is None:  # Slack alone, by Socket Mode (Teams needs --http)
            serve_slack(services, workers, life)
        else:
            serve_http(services, platforms, http_port, workers, life)
    except SystemExit as stop:
        stopped = stop.code in (0, None)
        if not stopped:
            raise
    finally:
        if keeper is not None:
            keeper.stopped.set()
        if workers is not None:
            workers.close()
        scheduler.shutdown(wait=False)
        life.end()
        services.db().close()
    if stopped:  # SIGTERM or Ctrl-C: all is stopped and closed; `docker stop` waits for no
        exit_now()  # tear-down of the libraries (it kills the bot after 10 s)


def exit_on_sigterm() -> None:
    """SIGTERM (docker stop, systemd) and Ctrl-C end `cspbot run` alike: the web server stops
    gracefully (uvicorn then raises the signal again, which lands here), then the scheduler
    and the answer workers are stopped by serve_chat's `finally`, and the process leaves."""
    def stop(signum: int, frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


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


def serve_http(services: Services, platforms: tuple[str, ...], http_port: int,
               workers: AnswerWorkers | None, life: Life) -> None:
    """One web server for the chats asked: /slack/events and /api/messages."""
    config = services.config
    slack = slack_app(services, workers, life) if "slack" in platforms else None
    teams = TeamsBot(services, effects=teams_effects(services)) if "teams" in platforms else None
    paths = [p for p, on in (("/slack/events", slack), ("/api/messages", teams),
                             ("/papers", config.public_url)) if on]
    log.warning("CSP Bot serving %s on http://%s:%d", " and ".join(paths), config.http_host,
                http_port)
    web = build_web_app(slack, teams, slack_signing_secret=config.slack_signing_secret,
                        max_body=config.http_max_body,
                        papers=paper_pages(services) if config.public_url else None)
    # On SIGTERM a request still being served gets GRACE_S to finish: `docker stop` kills the
    # bot 10 s after it; the answers themselves are in the workers and the journal.
    uvicorn.run(web, host=config.http_host, port=http_port, log_level="warning",
                timeout_graceful_shutdown=GRACE_S)


def serve_slack(services: Services, workers: AnswerWorkers | None, life: Life) -> None:
    """Slack alone, by Socket Mode."""
    config = services.config
    if not config.slack_app_token:
        raise DataError("Slack is configured but there is no way in: set SLACK_APP_TOKEN for "
                        "Socket Mode, or pass --http PORT.")
    SocketModeHandler(slack_app(services, workers, life), config.slack_app_token).start()


def slack_app(services: Services, workers: AnswerWorkers | None, life: Life) -> App:
    """The Slack app, recording each command in the store before acknowledging it (unless
    CSP_RECORD_COMMANDS is false)."""
    config = services.config
    return build_app(services, config.slack_bot_token, config.slack_signing_secret,
                     config.slack_api_url or None, effects=slack_effects, workers=workers,
                     journal=CommandJournal(config, life.id) if config.record_commands
                     else None)


def start_keeper(services: Services, workers: AnswerWorkers | None,
                 life: Life) -> CommandKeeper:
    """The thread that answers what bots that died left unanswered (at once, then every few
    seconds)."""
    config = services.config
    keeper = CommandKeeper(services, make_client(config.slack_bot_token,
                                                 config.slack_api_url or None),
                           slack_effects, workers, life)
    keeper.start()
    return keeper


def start_scheduler(services: Services, platforms: tuple[str, ...]) -> BriefingScheduler:
    """The store's one briefing scheduler, for the chats served (it schedules nothing if
    another process already holds the store's scheduler lock)."""
    config = services.config
    client = (make_client(config.slack_bot_token, config.slack_api_url or None)
              if "slack" in platforms else None)
    scheduler = BriefingScheduler(services, client, deliver=deliver, notify=notify_waiting,
                                  platforms=set(platforms))
    if config.now is not None:
        log.warning("CSP_NOW is set: the bot's clock started at %s, not at the real time (for "
                    "tests and rehearsals only).", config.now.isoformat())
    if scheduler.start():
        log.warning("Briefing scheduler started: %d subscriptions scheduled",
                    sum(1 for job in scheduler.jobs if job.startswith("sub:")))
    return scheduler
