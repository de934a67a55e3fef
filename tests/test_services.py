"""bot/services.py's `reply_to`: the one helper every front end turns an exception into a reply
with."""

from __future__ import annotations

import logging

import pytest

from bot.services import reply_to
from data.errors import DataError
from handlers.reply import CspError


def test_a_users_mistake_is_told_with_what_to_type() -> None:
    reply = reply_to(CspError("No action 9.9.", "/csp actions"), "slash command")
    assert "No action 9.9." in reply.fallback_text and "/csp actions" in reply.fallback_text


def test_a_full_disk_is_said_as_such_not_apologised_for(caplog: pytest.LogCaptureFixture
                                                        ) -> None:
    error = DataError("The disk is full, so nothing was written: the store is unchanged.",
                      "Free some space on the disk that holds the store, then try again.")
    with caplog.at_level(logging.ERROR):
        reply = reply_to(error, "update form")
    assert "The disk is full" in reply.fallback_text and "Free some space" in reply.fallback_text
    assert "reference" not in reply.fallback_text and caplog.records == []


def test_anything_else_is_logged_with_a_reference(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR):
        reply = reply_to(RuntimeError("a bug"), "home")
    ref = reply.fallback_text.split("reference ", 1)[1][:8]
    assert any(ref in r.getMessage() and r.exc_info for r in caplog.records)
