"""Settings: one list (name, environment variable, default, help), read from the environment.

Secrets are only ever read from the environment and never logged. README's settings table is
checked against this list by a test.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils


from bot.clock import parse_moment
from briefings.method import MethodSettings, describe_settings, settings_from_mapping


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: str
    help: str
    secret: bool = False


SETTINGS: tuple[Setting, ...] = (
    Setting("db_path", "CSP_DB_PATH", "./csp.db",
            "Path of the SQLite store. Created, with its folder, on first use."),
    Setting("busy_timeout_ms", "CSP_BUSY_TIMEOUT_MS", "30000",
            "How long (milliseconds) a writer waits for another writer before giving up."),
    Setting("log_level", "CSP_LOG_LEVEL", "WARNING",
            "Logging level on standard error: DEBUG, INFO, WARNING or ERROR (one line each)."),
    Setting("log_file", "CSP_LOG_FILE", "",
            "Log file with full details of unexpected errors (default: the store's path with "
            ".log, e.g. ./csp.log)."),
    Setting("slack_bot_token", "SLACK_BOT_TOKEN", "",
            "Slack bot token (xoxb-...). With SLACK_SIGNING_SECRET, `cspbot run` serves Slack.",
            secret=True),
    Setting("slack_signing_secret", "SLACK_SIGNING_SECRET", "",
            "Slack signing secret: every request from Slack is verified with it.", secret=True),
    Setting("slack_app_token", "SLACK_APP_TOKEN", "",
            "Slack app-level token (xapp-...): Socket Mode, no public URL needed.", secret=True),
    Setting("slack_api_url", "CSP_SLACK_API_URL", "",
            "Base URL of the Slack Web API (default https://slack.com/api/): for tests and "
            "proxies."),
    Setting("teams_client_id", "CLIENT_ID", "",
            "Teams: the bot's Microsoft app (client) id, from its Azure Bot or Teams Developer "
            "Portal registration. With CLIENT_SECRET, `cspbot run --platform teams` serves Teams."),
    Setting("teams_client_secret", "CLIENT_SECRET", "",
            "Teams: the client secret of that app registration.", secret=True),
    Setting("teams_tenant_id", "TENANT_ID", "",
            "Teams: the Entra tenant id of a single-tenant bot (empty: multi-tenant)."),
    Setting("teams_skip_auth", "CSP_TEAMS_SKIP_AUTH", "false",
            "Tests and local trials only: `true` accepts requests on /api/messages without a "
            "valid Bot Framework token. Logged as a warning at start and on every request."),
    Setting("teams_login_url", "CSP_TEAMS_LOGIN_URL", "",
            "Base URL of the Entra ID token endpoint for the bot's own token (default "
            "https://login.microsoftonline.com, through MSAL): for tests and proxies."),
    Setting("teams_service_urls", "CSP_TEAMS_SERVICE_URL_ALLOWLIST",
            "https://smba.trafficmanager.net/,https://smba.infra.gcc.teams.microsoft.com/,"
            "https://smba.infra.gov.teams.microsoft.us/,https://smba.infra.dod.teams.microsoft.us/",
            "Comma-separated URL prefixes: the only Teams service URLs the bot sends replies "
            "and briefings to (an activity naming another is refused)."),
    Setting("http_host", "CSP_HTTP_HOST", "127.0.0.1",
            "Address `cspbot run --http PORT` listens on (0.0.0.0 in the Docker image)."),
    Setting("briefing_max_wait_days", "CSP_BRIEFING_MAX_WAIT_DAYS", "10",
            "Days a scheduled briefing waits for its month's figures (telling the admins once, "
            "retrying daily) before it is posted with a note of what is missing."),
    Setting("scheduler_catch_up_hours", "CSP_SCHEDULER_CATCH_UP_HOURS", "48",
            "At start, a briefing that fell due while CSP Bot was down is posted, marked late, "
            "if it fell due within this many hours."),
    Setting("scheduler_misfire_grace_hours", "CSP_SCHEDULER_MISFIRE_GRACE_HOURS", "6",
            "How late a scheduled run may start and still count as on time."),
    Setting("answer_workers", "CSP_ANSWER_WORKERS", "2",
            "Worker processes that `cspbot run` works chat answers out in (statistics and "
            "charts), so that requests are acknowledged at once; 0 works them out in the bot's "
            "own process."),
    Setting("prepare_answers", "CSP_PREPARE_ANSWERS", "true",
            "`true`: the running bot (of several on one store, the one that schedules the "
            "briefings) works out every indicator's latest answer in the background at start "
            "and after each import, so that chat answers come at once (needs "
            "CSP_ANSWER_WORKERS of 1 or more)."),
    Setting("now", "CSP_NOW", "",
            "Tests and rehearsals only: the time CSP Bot takes as now when it starts (ISO 8601, "
            "e.g. 2026-12-05T10:00, Europe/London unless a zone is given); the clock runs on "
            "from it. Empty: the real clock."),
    Setting("suppress_below", "CSP_SUPPRESS_BELOW", "5",
            "In briefings, counts from 1 to this minus 1 of sensitive indicators below "
            "partnership level are shown as 'fewer than N' (0 turns suppression off)."),
) + tuple(
    # Every threshold of the statistical method (METHOD.md), with METHOD's default.
    Setting(f"method_{name}", f"CSP_METHOD_{name.upper()}",
            str(default).lower() if isinstance(default, bool) else str(default), help_text)
    for name, default, help_text in describe_settings())


@dataclass(frozen=True)
class Config:
    db_path: str
    busy_timeout_ms: int
    log_level: str
    log_file: str
    suppress_below: int = 5
    method: MethodSettings = field(default_factory=MethodSettings)
    briefing_max_wait_days: float = 10
    scheduler_catch_up_hours: float = 48
    scheduler_misfire_grace_hours: float = 6
    slack_bot_token: str = field(default="", repr=False)
    slack_signing_secret: str = field(default="", repr=False)
    slack_app_token: str = field(default="", repr=False)
    slack_api_url: str = ""
    http_host: str = "127.0.0.1"
    teams_client_id: str = ""
    teams_client_secret: str = field(default="", repr=False)
    teams_tenant_id: str = ""
    teams_skip_auth: bool = False
    teams_login_url: str = ""
    teams_service_urls: tuple[str, ...] = ()
    answer_workers: int = 2
    prepare_answers: bool = True
    now: datetime | None = None

    @property
    def slack_configured(self) -> bool:
        return bool(self.slack_bot_token and self.slack_signing_secret)

    @property
    def teams_configured(self) -> bool:
        """Credentials to answer Teams (or, for tests and the Agents Playground, none at all
        with CSP_TEAMS_SKIP_AUTH=true)."""
        return bool(self.teams_client_id and self.teams_client_secret) or self.teams_skip_auth


def load_config(environ: dict[str, str] | None = None, **overrides: object) -> Config:
    """Settings from the environment, with explicit overrides (command-line options) on top."""
    env = os.environ if environ is None else environ
    values: dict[str, object] = {s.name: env.get(s.env, s.default) for s in SETTINGS}
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        timeout = int(str(values["busy_timeout_ms"]))
    except ValueError:
        raise ValueError(f"CSP_BUSY_TIMEOUT_MS must be a whole number of milliseconds, "
                         f"not '{values['busy_timeout_ms']}'.") from None
    level = str(values["log_level"]).upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ValueError(f"CSP_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not '{level}'.")
    db_path = str(values["db_path"])
    log_file = str(values["log_file"]) or str(Path(db_path).with_suffix(".log"))
    try:
        timing = {name: float(str(values[name])) for name in (
            "briefing_max_wait_days", "scheduler_catch_up_hours",
            "scheduler_misfire_grace_hours")}
    except ValueError as exc:
        raise ValueError(f"CSP_BRIEFING_MAX_WAIT_DAYS and CSP_SCHEDULER_* must be numbers "
                         f"({exc}).") from None
    try:
        workers = int(str(values["answer_workers"]))
    except ValueError:
        raise ValueError(f"CSP_ANSWER_WORKERS must be a whole number (0 or more), not "
                         f"'{values['answer_workers']}'.") from None
    try:
        suppress = int(str(values["suppress_below"]))
        method = settings_from_mapping({s.name[len("method_"):]: env[s.env] for s in SETTINGS
                                        if s.name.startswith("method_") and s.env in env})
    except ValueError as exc:
        raise ValueError(f"Method setting: {exc} (CSP_METHOD_* variables).") from None
    try:
        start = parse_moment(str(values["now"])) if str(values["now"]).strip() else None
    except ValueError:
        raise ValueError(f"CSP_NOW must be an ISO 8601 date or time such as 2026-12-05T10:00, "
                         f"not '{values['now']}'.") from None
    return Config(db_path=db_path, now=start, busy_timeout_ms=timeout, log_level=level,
                  log_file=log_file,
                  suppress_below=suppress, method=method,
                  briefing_max_wait_days=timing["briefing_max_wait_days"],
                  scheduler_catch_up_hours=timing["scheduler_catch_up_hours"],
                  scheduler_misfire_grace_hours=timing["scheduler_misfire_grace_hours"],
                  teams_skip_auth=_flag("CSP_TEAMS_SKIP_AUTH", str(values["teams_skip_auth"])),
                  answer_workers=max(0, workers),
                  prepare_answers=_flag("CSP_PREPARE_ANSWERS", str(values["prepare_answers"])),
                  teams_service_urls=tuple(u.strip() for u in str(values["teams_service_urls"])
                                           .split(",") if u.strip()),
                  **{k: str(values[k]) for k in ("slack_bot_token", "slack_signing_secret",
                                                 "slack_app_token", "slack_api_url",
                                                 "http_host", "teams_client_id",
                                                 "teams_client_secret", "teams_tenant_id",
                                                 "teams_login_url")})


def _flag(env: str, value: str) -> bool:
    text = value.strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("", "0", "false", "no", "off"):
        return False
    raise ValueError(f"{env} must be true or false, not '{value}'.")


class _OneLine(logging.Formatter):
    """Standard error gets one line per record; tracebacks go to the log file only."""

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text
        record.exc_info, record.exc_text = None, None
        try:
            return super().format(record)
        finally:
            record.exc_info, record.exc_text = saved


def configure_logging(config: Config) -> None:
    """One-line records on standard error at the chosen level; everything, in full, to the file."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    fmt = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    stderr = logging.StreamHandler()
    stderr.setFormatter(_OneLine(fmt))
    stderr.setLevel(config.log_level)
    root.addHandler(stderr)
    file_handler = logging.FileHandler(config.log_file, delay=True, encoding="utf-8")
    file_handler.setFormatter(logging.Formatter(fmt))
    file_handler.setLevel(logging.INFO)
    root.addHandler(file_handler)
    root.setLevel(min(logging.INFO, logging.getLevelName(config.log_level)))


def open_store(config: Config) -> sqlite_utils.Database:
    """The store the settings name, created and migrated if need be."""
    from data.db import open_db  # here, so that commands without a store start faster

    return open_db(config.db_path, config.busy_timeout_ms)
