"""Figures written out by `cspbot export ...`: CSV or JSON, to a file or standard output."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


@contextmanager
def _output(out: Path | None) -> Iterator[IO[str]]:
    if out is None:
        yield sys.stdout
        return
    with out.open("w", newline="", encoding="utf-8") as stream:
        yield stream


def write_rows(out: Path | None, fmt: str, columns: list[str],
               rows: list[dict[str, object]]) -> None:
    """The rows as CSV (with `columns` as its header) or as a JSON list, to `out` or stdout."""
    with _output(out) as stream:
        if fmt == "json":
            json.dump(rows, stream, indent=2)
            stream.write("\n")
        else:
            writer = csv.DictWriter(stream, columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)

