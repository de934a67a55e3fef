"""Settings (bot/config.py): each declared once, read by its kind, refused by name."""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.config import FLAG, METHOD_PREFIX, SETTINGS, Config, load_config
from briefings.method import MethodSettings

LONDON = ZoneInfo("Europe/London")
OWN = [s for s in SETTINGS if not s.name.startswith(METHOD_PREFIX)]
METHOD = [s for s in SETTINGS if s.name.startswith(METHOD_PREFIX)]


def test_every_config_field_is_a_setting_and_every_setting_is_read() -> None:
    assert [f.name for f in fields(Config)] == [s.name for s in OWN] + ["method"]
    assert [s.name.removeprefix(METHOD_PREFIX) for s in METHOD] == [
        f.name for f in fields(MethodSettings)]
    assert len({s.name for s in SETTINGS}) == len({s.env for s in SETTINGS}) == len(SETTINGS)
    assert all(s.help and "|" not in s.help for s in SETTINGS)  # README's table cells


def test_defaults_are_the_settings_list_read() -> None:
    config = load_config({})
    for s in OWN:
        if s.name != "log_file":  # empty: the store's path with .log
            assert getattr(config, s.name) == s.parse(s.default), s.env
    assert config.log_file == "csp.log"
    assert config.method == MethodSettings()
    assert (config.db_path, config.busy_timeout_ms, config.log_level) == ("./csp.db", 30000,
                                                                          "WARNING")
    assert (config.answer_workers, config.prepare_answers, config.teams_skip_auth) == (
        2, True, False)
    assert config.now is None and config.suppress_below == 5
    assert config.teams_service_urls[0] == "https://smba.trafficmanager.net/"
    assert len(config.teams_service_urls) == 4


def test_every_true_false_setting_is_read_by_the_one_flag_reading() -> None:
    flags = [s for s in SETTINGS if isinstance(s.parse(s.default), bool)]
    assert {s.env for s in flags} >= {"CSP_TEAMS_SKIP_AUTH", "CSP_PREPARE_ANSWERS",
                                      "CSP_METHOD_SPC_SCREENING"}
    assert [s.env for s in flags if s.kind is not FLAG] == []
    for s in flags:
        for text, value in (("true", True), ("Yes", True), (" 1 ", True), ("on", True),
                            ("false", False), ("NO", False), ("0", False), ("off", False),
                            ("", False)):
            assert s.parse(text) is value, (s.env, text)
        with pytest.raises(ValueError, match=f"^{s.env} must be true or false, not 'maybe'"):
            load_config({s.env: "maybe"})


@pytest.mark.parametrize("setting", [s for s in SETTINGS if s.kind.expects != "text"
                                     and s.env != "CSP_TEAMS_SERVICE_URL_ALLOWLIST"],
                         ids=lambda s: s.env)
def test_a_value_a_setting_cannot_read_is_refused_by_its_variable(setting) -> None:
    with pytest.raises(ValueError) as refused:
        load_config({setting.env: "lots"})
    assert str(refused.value) == f"{setting.env} must be {setting.kind.expects}, not 'lots'."


@pytest.mark.parametrize(("env", "text", "expects"), [
    ("CSP_BUSY_TIMEOUT_MS", "1.5", "a whole number of milliseconds"),
    ("CSP_ANSWER_WORKERS", "-1", "a whole number (0 or more)"),
    ("CSP_SUPPRESS_BELOW", "-5", "a whole number (0 or more)"),
    ("CSP_SCHEDULER_CATCH_UP_HOURS", "-2", "a number of hours (0 or more)"),
    ("CSP_BRIEFING_MAX_WAIT_DAYS", "nan", "a number of days (0 or more)"),
    ("CSP_LOG_LEVEL", "loud", "DEBUG, INFO, WARNING or ERROR"),
    ("CSP_METHOD_MIN_MONTHS_PERIOD", "24.5", "a whole number"),
])
def test_numbers_out_of_range_are_refused_too(env: str, text: str, expects: str) -> None:
    with pytest.raises(ValueError, match=f"^{env} must be {re.escape(expects)}, not '"):
        load_config({env: text})


def test_values_are_read_by_their_kind() -> None:
    config = load_config({"CSP_BUSY_TIMEOUT_MS": " 500 ", "CSP_LOG_LEVEL": "debug",
                          "CSP_SCHEDULER_CATCH_UP_HOURS": "1.5", "CSP_ANSWER_WORKERS": "0",
                          "CSP_TEAMS_SERVICE_URL_ALLOWLIST": " http://a/ ,, http://b/,",
                          "CSP_METHOD_ALPHA": "0.01", "CSP_METHOD_SPC_SCREENING": "true",
                          "CSP_METHOD_COMPARISON": "fytd", "CSP_METHOD_SPC_MIN_POINTS": "10"})
    assert (config.busy_timeout_ms, config.log_level) == (500, "DEBUG")
    assert (config.scheduler_catch_up_hours, config.answer_workers) == (1.5, 0)
    assert config.teams_service_urls == ("http://a/", "http://b/")
    assert config.method == MethodSettings(alpha=0.01, spc_screening=True, comparison="fytd",
                                           spc_min_points=10)
    assert load_config({"CSP_TEAMS_SERVICE_URL_ALLOWLIST": ""}).teams_service_urls == ()


def test_the_methods_own_checks_name_the_variables() -> None:
    with pytest.raises(ValueError, match="^Method setting: CSP_METHOD_ALPHA must be between 0 "
                                         "and 1, not 2.0.$"):
        load_config({"CSP_METHOD_ALPHA": "2"})
    with pytest.raises(ValueError, match="CSP_METHOD_STABLE_PCT <= CSP_METHOD_MODERATE_PCT"):
        load_config({"CSP_METHOD_STABLE_PCT": "50"})
    with pytest.raises(ValueError, match="CSP_METHOD_COMPARISON must be 'r12' or 'fytd'"):
        load_config({"CSP_METHOD_COMPARISON": "ytd"})
    with pytest.raises(ValueError, match="^Method setting: CSP_METHOD_SEASON_ALPHA must be"):
        load_config({"CSP_METHOD_SEASON_ALPHA": "0"})


@pytest.mark.parametrize(("text", "expected"), [
    ("", None),
    ("  ", None),
    ("2026-12-05", datetime(2026, 12, 5, tzinfo=LONDON)),
    ("2026-12-05T10:00", datetime(2026, 12, 5, 10, tzinfo=LONDON)),
    ("2026-07-01T10:00", datetime(2026, 7, 1, 9, tzinfo=UTC)),  # British Summer Time
    ("2026-07-01 10:00:30", datetime(2026, 7, 1, 9, 0, 30, tzinfo=UTC)),
    ("2026-07-01T10:00Z", datetime(2026, 7, 1, 10, tzinfo=UTC)),
    ("2026-07-01T10:00+02:00", datetime(2026, 7, 1, 8, tzinfo=UTC)),
])
def test_now_is_an_iso_8601_moment_in_london_unless_it_says(text: str,
                                                           expected: datetime | None) -> None:
    now = load_config({"CSP_NOW": text}).now
    assert now == expected
    if now is not None:
        assert now.utcoffset() is not None  # timezone-aware


def test_a_date_alone_is_its_london_midnight() -> None:
    now = load_config({"CSP_NOW": "2026-07-01"}).now
    assert now is not None and now.tzinfo is LONDON
    assert now.utcoffset() == timedelta(hours=1) and (now.hour, now.minute) == (0, 0)


@pytest.mark.parametrize("text", ["tomorrow", "2026-13-01", "10:00", "05/12/2026",
                                  "2026-12-05T25:00"])
def test_a_now_that_is_not_iso_8601_is_refused_naming_csp_now(text: str) -> None:
    with pytest.raises(ValueError, match=f"^CSP_NOW must be an ISO 8601 date, or date and "
                                         f"time, such as 2026-12-05T10:00 \\(or empty\\), "
                                         f"not '{text}'.$"):
        load_config({"CSP_NOW": text})


def test_overrides_go_on_top_and_an_unknown_one_is_a_mistake(tmp_path) -> None:
    store = tmp_path / "store.db"
    config = load_config({"CSP_DB_PATH": "elsewhere.db"}, db_path=str(store))
    assert (config.db_path, config.log_file) == (str(store), str(tmp_path / "store.log"))
    assert load_config({"CSP_DB_PATH": "elsewhere.db"}, db_path=None).db_path == "elsewhere.db"
    assert load_config({}, answer_workers=0, prepare_answers=False).answer_workers == 0
    with pytest.raises(ValueError, match="^CSP_ANSWER_WORKERS must be"):
        load_config({}, answer_workers=-3)
    with pytest.raises(TypeError, match="no setting called db"):
        load_config({}, db="x.db")


def test_secrets_stay_out_of_the_config_repr() -> None:
    config = load_config({"SLACK_BOT_TOKEN": "xoxb-secret", "SLACK_SIGNING_SECRET": "sig-secret",
                          "SLACK_APP_TOKEN": "xapp-secret", "CLIENT_SECRET": "cs-secret",
                          "CLIENT_ID": "app-id"})
    assert config.slack_configured and config.teams_configured
    assert "secret" not in repr(config) and "app-id" in repr(config)
    assert {s.env for s in SETTINGS if s.secret} == {
        "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "CLIENT_SECRET"}
