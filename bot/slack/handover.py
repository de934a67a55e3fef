"""Handing an acknowledged `/csp` command to an answer worker process (bot/answers/), and the
job the worker runs for it: the same answer as in this process, with the worker's own Slack
client. A command no worker can take is answered in this process, in a thread of its own."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from slack_bolt.context.respond import Respond
from slack_sdk import WebClient

from bot.answers.workers import AnswerWorkers
from bot.services import Services
from bot.slack.answering import Effects
from bot.slack.client import make_client

Answerer = Callable[[Services, WebClient, dict[str, Any], Callable[..., Any], Effects], None]
_clients: dict[tuple[str, str], WebClient] = {}  # a worker's Slack client per (token, API)
_clients_guard = threading.Lock()


def hand_over(workers: AnswerWorkers, services: Services, client: WebClient,
              body: dict[str, Any], respond: Callable[..., Any], effects: Effects,
              answerer: Answerer) -> None:
    """Have a worker answer the command; if none can, answer it here."""
    if not workers.run_job(answer_in_worker, body, effects, answerer):
        threading.Thread(target=answerer, args=(services, client, body, respond, effects),
                         name="csp-answer-here", daemon=True).start()


def answer_in_worker(services: Services, body: dict[str, Any], effects: Effects,
                     answerer: Answerer) -> None:
    """The job a worker runs: answer through the command's response_url."""
    answerer(services, worker_client(services), body,
             Respond(response_url=body.get("response_url")), effects)


def worker_client(services: Services) -> WebClient:
    """The worker's Slack client, made once."""
    config = services.config
    key = (config.slack_bot_token, config.slack_api_url)
    with _clients_guard:
        if key not in _clients:
            _clients[key] = make_client(config.slack_bot_token, config.slack_api_url or None)
        return _clients[key]
