"""The Slack front end with slack-bolt: the App, with one `register(app, ...)` per concern.

    bot/slack/commands.py   `/csp ...` (recorded in the store's journal of commands when a
                            `journal` is given, then answered in the answer workers when there
                            are some)
    bot/slack/update.py     the Update button and its modal
    bot/slack/where.py      the Where? button under an indicator answer
    bot/slack/home.py       the App Home tab

Listeners are thin: ack at once, then dispatch to handlers/ and render. Bolt verifies every
request's signature (forged or older than 5 minutes: 401). Exceptions become messages in one
place, bot/slack/answering.py. What a reply asks beyond showing it (e.g. `/csp briefing send`)
is carried out by the `effects` handed in by bot/startup.py.
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped

from bot.answers.workers import AnswerWorkers
from bot.services import Services
from bot.slack import commands, home, update, where
from bot.slack.answering import Effects, no_effects
from bot.slack.client import make_client
from bot.slack.journal import CommandJournal

log = logging.getLogger("cspbot.slack")
_BOLT_REFUSAL = "Invalid request signature detected"  # slack_bolt's RequestVerification


def build_app(services: Services, token: str, signing_secret: str,
              api_url: str | None = None, *, effects: Effects = no_effects,
              workers: AnswerWorkers | None = None,
              journal: CommandJournal | None = None) -> App:
    client = make_client(token, api_url)
    # process_before_response: Bolt answers Slack's HTTP request as soon as the ack listener
    # returns; the work runs afterwards, so the ack never waits behind other people's answers:
    # `/csp` commands in the answer worker processes when there are some (their own interpreter
    # locks, so this process only acknowledges), else, like the other listeners, as lazy
    # listeners in Bolt's thread pool (two threads: answers are CPU-bound and share this
    # process's interpreter lock with the acknowledging threads).
    bolt_log = logging.getLogger("slack_bolt")
    for quiet in (_client_carries_the_token, _no_request_bodies):
        if quiet not in bolt_log.filters:
            bolt_log.addFilter(quiet)
    app = App(client=client, signing_secret=signing_secret, token_verification_enabled=False,
              process_before_response=True, logger=bolt_log,
              listener_executor=ThreadPoolExecutor(max_workers=2,
                                                   thread_name_prefix="csp-answer"))
    commands.register(app, services, effects, workers, journal)
    update.register(app, services)
    where.register(app, services)
    home.register(app, services)
    return app


def _client_carries_the_token(record: logging.LogRecord) -> bool:
    """Bolt finds SLACK_BOT_TOKEN in the environment and warns, at every start, that it is
    unused since a client is given: the client was made with that very token."""
    return record.getMessage() != warning_client_prioritized_and_token_skipped()


def _no_request_bodies(record: logging.LogRecord) -> bool:
    """Bolt logs a request whose signature it refuses with its whole body, whatever its size.
    bot/web.py refuses those before Bolt sees them (logging one short line a minute at most);
    a request refused by Bolt all the same (it checks again, a moment later) is logged here as
    one short line."""
    if isinstance(record.msg, str) and record.msg.startswith(_BOLT_REFUSAL):
        record.msg, record.args = f"{_BOLT_REFUSAL} (the request is not logged)", None
    return True
