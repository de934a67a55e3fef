"""The police.uk import as a test runs it: `cspbot ingest police-uk PATHS... --json` through
conftest's `cspbot` runner (or any runner taking the same arguments), its JSON report read."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any


def ingest(cspbot: Callable[..., Any], *paths: Path) -> dict[str, Any]:
    """Import `paths`; the report, after checking that the command succeeded."""
    result = cspbot("ingest", "police-uk", *paths, "--json")
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.stdout))
