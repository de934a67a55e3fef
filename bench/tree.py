"""The code of an earlier commit, for a benchmark's "before" figures: `unpack(REF, FOLDER)`
extracts `git archive REF` into FOLDER (bench/ingest_process.py, bench/real_briefing.py and
bench/where.py run it beside the working tree, in the same run)."""

from __future__ import annotations

import subprocess
import tarfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def unpack(ref: str, into: Path) -> Path:
    """The tree of `ref`, from `git archive`, in `into`."""
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, capture_output=True,
                             check=True).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into
