"""Waiting in tests for something another process or thread does, without fixed sleeps."""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Callable
from typing import Any


def wait_for(probe: Callable[[], Any], timeout: float = 15, what: str = "the bot") -> Any:
    """`probe()`'s first truthy answer, polled every 50 ms; AssertionError after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def healthy(base: str) -> bool:
    """Whether the bot at `base` answers GET /healthz."""
    try:
        with urllib.request.urlopen(f"{base}/healthz", timeout=1) as response:
            return bool(response.status == 200)
    except OSError:
        return False
