"""Settings: each declared once, as a field of `Config`, with its environment variable, its
default (as text, as it would be written in the environment), how its text is read, and its help.

`SETTINGS` lists them, followed by the statistical method's CSP_METHOD_* thresholds (which
briefings/method.py declares), for `cspbot settings` and README's settings tables; a test checks
that those tables are exactly what this list writes. `load_config` reads every setting from the
environment with its own `Kind`; a text it cannot read is refused with the variable's name and
what it expects. Secrets are only ever read from the environment and never logged.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite_utils


from bot.setting_kinds import (
    FLAG,
    HTTPS_BASE,
    MOMENT,
    TEXT,
    URL_PREFIXES,
    Kind,
    T,
    number,
    one_of,
    whole_number,
)
from briefings.method import MethodSettings, describe_settings, settings_from_mapping


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: str
    help: str
    secret: bool = False
    kind: Kind[Any] = TEXT

    def parse(self, text: str) -> Any:
        """The value of this setting written as `text`; ValueError naming the variable."""
        return self.kind.parse(self.env, text)


def _setting(env: str, default: str, kind: Kind[T], help: str, *, secret: bool = False) -> T:
    """A field of Config that is a setting; its default is `default` read by `kind`.

    Typed as the field's value, as dataclasses.field is, so that mypy checks the field's type
    against the kind's.
    """
    return field(default=kind.parse(env, default), repr=not secret,
                 metadata={"setting": Setting("", env, default, help, secret, kind)})


@dataclass(frozen=True)
class Config:
    """Every setting, read. Each field but `method` is a setting (see `_setting`); `method`
    is made from the CSP_METHOD_* settings."""

    db_path: str = _setting(
        "CSP_DB_PATH", "./csp.db", TEXT,
        "Path of the SQLite store. Created, with its folder, on first use.")
    busy_timeout_ms: int = _setting(
        "CSP_BUSY_TIMEOUT_MS", "30000", whole_number("a whole number of milliseconds", 0),
        "How long (milliseconds) a writer waits for another writer before giving up.")
    ingest_workers: int = _setting(
        "CSP_INGEST_WORKERS", "0", whole_number("a whole number of processes (0 or more)", 0),
        "How many processes read police.uk files at once in `cspbot ingest police-uk` (0: one "
        "per CPU core, at most 4; 1: read in the importing process). The store is written by "
        "the importing process alone, in one transaction, whatever this is.")
    log_level: str = _setting(
        "CSP_LOG_LEVEL", "WARNING", one_of("DEBUG", "INFO", "WARNING", "ERROR"),
        "Logging level, on standard error (one line each) and in the log file: DEBUG, INFO, "
        "WARNING or ERROR.")
    log_file: str = _setting(
        "CSP_LOG_FILE", "", TEXT,
        "Log file with the full details of unexpected errors, found by the reference id the "
        "user is shown (empty: the store's path with `.log`, e.g. `./csp.log`).")
    log_file_max_bytes: int = _setting(
        "CSP_LOG_FILE_MAX_BYTES", "10485760", whole_number("a whole number of bytes (1 or more)",
                                                           1),
        "Size (bytes; default 10 MB) at which the log file is rotated: renamed with `.1` (an "
        "older `.1` becomes `.2`, and so on) and a new one started.")
    log_file_backups: int = _setting(
        "CSP_LOG_FILE_BACKUPS", "3", whole_number("a whole number (0 or more)", 0),
        "How many rotated log files (`.1`, `.2`, ...) are kept; older ones are deleted.")
    slack_bot_token: str = _setting(
        "SLACK_BOT_TOKEN", "", TEXT,
        "Slack bot token (`xoxb-...`). With `SLACK_SIGNING_SECRET`, `cspbot run` serves Slack. "
        "Secret: never logged.", secret=True)
    slack_signing_secret: str = _setting(
        "SLACK_SIGNING_SECRET", "", TEXT,
        "Slack signing secret: every request from Slack is verified with it (forged or older "
        "than 5 minutes: 401). Secret.", secret=True)
    slack_app_token: str = _setting(
        "SLACK_APP_TOKEN", "", TEXT,
        "Slack app-level token (`xapp-...`) for Socket Mode: no public URL needed. Secret.",
        secret=True)
    slack_api_url: str = _setting(
        "CSP_SLACK_API_URL", "", TEXT,
        "Base URL of the Slack Web API (empty: `https://slack.com/api/`), for tests and "
        "proxies.")
    teams_client_id: str = _setting(
        "CLIENT_ID", "", TEXT,
        "Teams: the bot's Microsoft app (client) id, from its Azure Bot or Teams Developer "
        "Portal registration. With `CLIENT_SECRET`, `cspbot run --http PORT` serves Teams.")
    teams_client_secret: str = _setting(
        "CLIENT_SECRET", "", TEXT,
        "Teams: the client secret of that app registration. Secret: never logged.",
        secret=True)
    teams_tenant_id: str = _setting(
        "TENANT_ID", "", TEXT,
        "Teams: the Entra tenant id of a single-tenant bot (empty: multi-tenant).")
    teams_skip_auth: bool = _setting(
        "CSP_TEAMS_SKIP_AUTH", "false", FLAG,
        "Tests and local trials (the Agents Playground) only: `true` accepts requests on "
        "`/api/messages` without a valid Bot Framework token. Logged as a warning at start and "
        "on every request. Never in production.")
    teams_login_url: str = _setting(
        "CSP_TEAMS_LOGIN_URL", "", TEXT,
        "Base URL of the Entra ID token endpoint the bot gets its own token from "
        "(`{url}/{tenant}/oauth2/v2.0/token`; empty: `https://login.microsoftonline.com`, "
        "through MSAL): for tests and proxies.")
    teams_keys_url: str = _setting(
        "CSP_TEAMS_KEYS_URL", "", TEXT,
        "URL of the signing keys (JWKS) that Bot Framework tokens on `/api/messages` are "
        "checked with (empty: `https://login.botframework.com/v1/.well-known/keys`): for tests "
        "and proxies. Fetched without holding up other requests, within 5 s, and kept; fetched "
        "again at most every 30 s, when a token names a key not kept, or after a day.")
    teams_service_urls: tuple[str, ...] = _setting(
        "CSP_TEAMS_SERVICE_URL_ALLOWLIST",
        "https://smba.trafficmanager.net/,https://smba.infra.gcc.teams.microsoft.com/,"
        "https://smba.infra.gov.teams.microsoft.us/,https://smba.infra.dod.teams.microsoft.us/",
        URL_PREFIXES,
        "Comma-separated URL prefixes: the only service URLs the bot sends replies and "
        "briefings to; an activity naming another is refused (403). The default is Teams' "
        "service hosts: the public one and the GCC, GCC High and DoD ones.")
    http_host: str = _setting(
        "CSP_HTTP_HOST", "127.0.0.1", TEXT,
        "Address `cspbot run --http PORT` listens on (`0.0.0.0` in the Docker image).")
    http_max_body: int = _setting(
        "CSP_HTTP_MAX_BODY_BYTES", "1048576",
        whole_number("a whole number of bytes (1 or more)", 1),
        "Largest request body (bytes; default 1 MB) that `/slack/events` and `/api/messages` "
        "take; a larger one is refused (413) before it is read. Slack's and Teams' own "
        "requests are a few kilobytes.")
    public_url: str = _setting(
        "CSP_PUBLIC_URL", "", HTTPS_BASE,
        "The https:// address at which people reach the bot's web server (`cspbot run --http`, "
        "e.g. `https://csp.example.org`). Set, the bot serves each briefing's printable board "
        "paper at `/papers/<partnership>/<YYYY-MM>/<token>` (the token is an HMAC of the "
        "partnership and month, keyed from `CLIENT_SECRET`, else `SLACK_SIGNING_SECRET`) and "
        "the Teams headline links to it. Empty: no link.")
    briefing_max_wait_days: float = _setting(
        "CSP_BRIEFING_MAX_WAIT_DAYS", "10", number("a number of days (0 or more)", 0),
        "Days a scheduled briefing waits for its month's figures (telling the admins once, "
        "retrying daily) before it is posted with a note of what is missing.")
    scheduler_catch_up_hours: float = _setting(
        "CSP_SCHEDULER_CATCH_UP_HOURS", "48", number("a number of hours (0 or more)", 0),
        "At start, a briefing that fell due while CSP Bot was down is posted, marked late, "
        "if it fell due within this many hours.")
    scheduler_misfire_grace_hours: float = _setting(
        "CSP_SCHEDULER_MISFIRE_GRACE_HOURS", "6", number("a number of hours (0 or more)", 0),
        "How late a scheduled run may start and still count as on time.")
    answer_workers: int = _setting(
        "CSP_ANSWER_WORKERS", "2", whole_number("a whole number (0 or more)", 0),
        "Worker processes that `cspbot run` works chat answers out in (statistics and "
        "charts), so that requests are acknowledged at once; 0 works them out in the bot's "
        "own process.")
    prepare_answers: bool = _setting(
        "CSP_PREPARE_ANSWERS", "true", FLAG,
        "`true`: the running bot (of several on one store, the one that schedules the "
        "briefings) works out every indicator's latest answer in the background at start "
        "and after each import, so that chat answers come at once (needs "
        "`CSP_ANSWER_WORKERS` of 1 or more).")
    record_commands: bool = _setting(
        "CSP_RECORD_COMMANDS", "true", FLAG,
        "`true`: each Slack `/csp` command is written to the store before it is acknowledged "
        "and marked when answered, so that a bot restarted after a crash answers those left "
        "unanswered (or tells their people to ask again). `false`: a crash loses them (for "
        "benchmarks).")
    now: datetime | None = _setting(
        "CSP_NOW", "", MOMENT,
        "Tests and rehearsals only: the time CSP Bot takes as now when it starts (ISO 8601, "
        "e.g. 2026-12-05T10:00); the clock runs on from it. Empty: the real clock.")
    suppress_below: int = _setting(
        "CSP_SUPPRESS_BELOW", "5", whole_number("a whole number (0 or more)", 0),
        "In briefings, counts from 1 to this minus 1 of sensitive indicators below "
        "partnership level are shown as 'fewer than N' (0 turns suppression off).")
    method: MethodSettings = field(default_factory=MethodSettings)

    @property
    def slack_configured(self) -> bool:
        return bool(self.slack_bot_token and self.slack_signing_secret)

    @property
    def teams_configured(self) -> bool:
        """Credentials to answer Teams (or, for tests and the Agents Playground, none at all
        with CSP_TEAMS_SKIP_AUTH=true)."""
        return bool(self.teams_client_id and self.teams_client_secret) or self.teams_skip_auth


def _method_kind(default: object) -> Kind[Any]:
    """A method setting is read as its METHOD default's type is."""
    if isinstance(default, bool):
        return FLAG
    if isinstance(default, int):
        return whole_number()
    if isinstance(default, float):
        return number()
    return TEXT


METHOD_PREFIX = "method_"

SETTINGS: tuple[Setting, ...] = tuple(
    replace(f.metadata["setting"], name=f.name) for f in fields(Config)
    if "setting" in f.metadata
) + tuple(
    # Every threshold of the statistical method (docs/method.md), with the method's default.
    Setting(f"{METHOD_PREFIX}{name}", f"CSP_METHOD_{name.upper()}",
            str(default).lower() if isinstance(default, bool) else str(default), help_text,
            kind=_method_kind(default))
    for name, default, help_text in describe_settings())


def load_config(environ: Mapping[str, str] | None = None, **overrides: object) -> Config:
    """Settings from the environment, with explicit overrides (command-line options, by setting
    name; None: not given) on top. ValueError names the variable that is wrong and says why."""
    env = os.environ if environ is None else environ
    unknown = sorted(set(overrides) - {s.name for s in SETTINGS})
    if unknown:
        raise TypeError(f"load_config: no setting called {', '.join(unknown)}")
    values: dict[str, Any] = {}
    for s in SETTINGS:
        given = overrides.get(s.name)
        values[s.name] = s.parse(env.get(s.env, s.default) if given is None else str(given))
    try:
        method = settings_from_mapping({name.removeprefix(METHOD_PREFIX): values.pop(name)
                                        for name in list(values)
                                        if name.startswith(METHOD_PREFIX)})
    except ValueError as exc:  # the method's own checks, across its settings
        raise ValueError(f"Method setting: {_with_variables(str(exc))}.") from None
    if not values["log_file"]:
        values["log_file"] = str(Path(values["db_path"]).with_suffix(".log"))
    return Config(method=method, **values)


def _with_variables(message: str) -> str:
    """A message of briefings.method's with each setting's name replaced by its variable."""
    names = sorted((s.name.removeprefix(METHOD_PREFIX) for s in SETTINGS
                    if s.name.startswith(METHOD_PREFIX)), key=len, reverse=True)
    return re.sub(rf"\b({'|'.join(names)})\b", lambda m: f"CSP_METHOD_{m[1].upper()}", message)


def open_store(config: Config) -> sqlite_utils.Database:
    """The store the settings name, created and migrated if need be."""
    from data.db import open_db  # here, so that commands without a store start faster

    return open_db(config.db_path, config.busy_timeout_ms)


def beside_store(db_path: str, suffix: str) -> Path | None:
    """A file or folder beside the store, named after it ("<db>" + `suffix`, e.g. the scheduler
    lock "csp.db.scheduler.lock"); None for an in-memory store, which has no place on disk."""
    if db_path == ":memory:":
        return None
    store = Path(db_path).resolve()
    return store.with_name(store.name + suffix)
