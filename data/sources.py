"""Input files as named sources: CSV, gzip, folders and data.police.uk .zip archives.

`expand` turns the paths a user typed into `Source`s. Each is opened as a text stream that is
read once, row by row (memory does not grow with the file), with the SHA-256 of its decompressed
bytes computed on the way, so a .csv and the same .csv.gz are recognised as one file. Files that
are not street-level crime (outcomes, stop and search, anything not a CSV) are reported as
skipped, with the reason.

A file that changes while it is imported (a download or copy still running) would land as a mix
of two versions, under a SHA-256 of neither: each source remembers its file's identity, size and
times when it was listed, and `check_unchanged` refuses it when any of them moved. `read_whole`
reads a small file (a partnership's CSV or TOML) once, with the same check.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import re
import stat
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from data.errors import IngestError

GZIP_MAGIC = b"\x1f\x8b"
ZIP_MAGIC = b"PK\x03\x04"
STREET_NAME = re.compile(r"^(?P<month>\d{4}-\d{2})-(?P<force>.+)-street\.csv(\.gz)?$")
OTHER_KINDS = {
    "-outcomes.csv": "an outcomes file (what happened to crimes), not street-level crime",
    "-stop-and-search.csv": "a stop and search file, not street-level crime",
}
CSV_SUFFIXES = (".csv", ".csv.gz")
CHANGED = ("changed while it was being imported (its size or modification time moved), so what "
           "was read may mix two versions of it.")
CHANGED_HINT = ("Wait until the file is complete (a download or copy may still be writing it), "
                "then import it again.")
Stamp = tuple[int, int, int, int, int]


def stamp_of(status: os.stat_result) -> Stamp:
    """What changes when a file is rewritten, appended to or replaced."""
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns,
            status.st_ctime_ns)


def read_whole(path: Path) -> bytes:
    """A small file's bytes, read once; IngestError if it cannot be read or changed meanwhile."""
    try:
        with path.open("rb") as f:
            before = os.fstat(f.fileno())
            data = f.read()
            after = os.fstat(f.fileno())
        now = os.stat(path)
    except FileNotFoundError:
        raise IngestError(str(path), "no such file.") from None
    except OSError as exc:
        raise IngestError(str(path), f"cannot be read ({exc.strerror}).") from None
    if not stat.S_ISREG(before.st_mode):  # a pipe (/dev/stdin): read once, nothing to compare
        return data
    if len({stamp_of(before), stamp_of(after), stamp_of(now)}) > 1 or len(data) != now.st_size:
        raise IngestError(str(path), CHANGED, hint=CHANGED_HINT)
    return data


@dataclass
class Source:
    """One CSV to read: its display name, its size in bytes, and how to open it as raw bytes;
    the file on disk that holds it (the CSV itself, or its .zip archive) and that file's stamp
    when it was listed."""

    name: str
    size: int
    open_raw: Callable[[], IO[bytes]]
    path: Path | None = None
    stamp: Stamp | None = None
    sha: hashlib._Hash = field(default_factory=hashlib.sha256, repr=False)
    bytes_read: int = 0

    @property
    def in_zip(self) -> bool:
        """True for a member of a .zip archive (named ARCHIVE:MEMBER)."""
        return ".zip:" in self.name.lower()

    @property
    def basename(self) -> str:
        return self.name.replace(":", "/").rsplit("/", 1)[-1]

    @property
    def month_in_name(self) -> str | None:
        m = STREET_NAME.match(self.basename)
        return m.group("month") if m else None

    def check_unchanged(self) -> None:
        """Refuse the source if its file changed (or went) since it was listed."""
        if self.path is None:
            return
        try:
            now = stamp_of(os.stat(self.path))
        except OSError:
            now = None
        if now != self.stamp:
            raise IngestError(self.name, CHANGED, hint=CHANGED_HINT)

    def open_text(self) -> IO[str]:
        """The decompressed CSV text, hashed as it is read (see `sha256`)."""
        self.check_unchanged()  # and again once read: see read_street_file
        raw = self.open_raw()
        head = raw.read(4)
        stream: IO[bytes] = _Prefixed(head, raw)  # type: ignore[assignment]
        if head[:2] == GZIP_MAGIC:
            stream = gzip.GzipFile(fileobj=stream, mode="rb")  # type: ignore[assignment]
        self.sha = hashlib.sha256()
        self.bytes_read = 0
        hashing = io.BufferedReader(_Hashing(stream, self), buffer_size=1 << 16)
        text = io.TextIOWrapper(hashing, encoding="utf-8-sig", newline="")
        # CPython's TextIOWrapper decodes 8 KiB at a time; 64 KiB makes csv parsing a third
        # faster (measured on police.uk files). Harmless where the attribute does not exist.
        text._CHUNK_SIZE = 1 << 16  # type: ignore[attr-defined]
        return text

    @property
    def sha256(self) -> str:
        return self.sha.hexdigest()


@dataclass
class Skipped:
    name: str
    reason: str


class _Prefixed(io.RawIOBase):
    """A byte stream with some already-read bytes put back in front."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self.head, self.rest = head, rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n], self.head = self.head[:n], self.head[n:]
            return n
        data = self.rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self.rest.close()
        super().close()


class _Hashing(io.RawIOBase):
    """Passes decompressed bytes through, feeding the source's SHA-256 and byte count."""

    def __init__(self, inner: IO[bytes], source: Source) -> None:
        self.inner, self.source = inner, source

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        data = self.inner.read(len(buffer))
        buffer[: len(data)] = data
        self.source.sha.update(data)
        self.source.bytes_read += len(data)
        return len(data)

    def close(self) -> None:
        self.inner.close()
        super().close()


def classify(name: str) -> str | None:
    """Why a file is skipped, or None for a file to read."""
    lower = name.lower()
    if lower.endswith("/") or lower.rsplit("/", 1)[-1].startswith("."):
        return "not a data file"
    for suffix, reason in OTHER_KINDS.items():
        if lower.endswith(suffix) or lower.endswith(suffix + ".gz"):
            return reason
    if not lower.endswith(CSV_SUFFIXES):
        return "not a .csv, .csv.gz or .zip file"
    return None


def expand(paths: Iterable[str | Path]) -> tuple[list[Source], list[Skipped]]:
    """Every CSV named by `paths` (files, folders searched recursively, .zip archives), in order."""
    sources: list[Source] = []
    skipped: list[Skipped] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.suffix.lower() == ".zip":
                    _add_zip(child, sources, skipped)
                elif (reason := classify(child.name)) is None:
                    sources.append(_file_source(child))
                else:
                    skipped.append(Skipped(str(child), reason))
        elif path.is_file():
            with path.open("rb") as f:
                magic = f.read(4)
            if magic == ZIP_MAGIC or path.suffix.lower() == ".zip":
                _add_zip(path, sources, skipped)
            elif (reason := classify(path.name)) in (None, "not a .csv, .csv.gz or .zip file"):
                sources.append(_file_source(path))  # named explicitly: read it and see
            else:
                skipped.append(Skipped(str(path), reason))
        else:
            raise IngestError(str(given), "no such file or folder.",
                              hint="Check the path; give CSV, .csv.gz or .zip files, or folders.")
    return sources, skipped


def _file_source(path: Path) -> Source:
    listed = path.stat()
    return Source(str(path), listed.st_size, lambda: path.open("rb"), path, stamp_of(listed))


def _add_zip(path: Path, sources: list[Source], skipped: list[Skipped]) -> None:
    try:
        archive = zipfile.ZipFile(path)
        members = [m for m in archive.infolist() if not m.is_dir()]
        stamp = stamp_of(os.fstat(archive.fp.fileno()))  # type: ignore[union-attr]
    except (zipfile.BadZipFile, OSError) as exc:
        raise IngestError(str(path), f"is not a readable .zip archive ({exc}).",
                          hint="The download may be incomplete or corrupt: download it again "
                               "from data.police.uk.") from exc
    for member in sorted(members, key=lambda m: m.filename):
        name = f"{path}:{member.filename}"
        if (reason := classify(member.filename)) is not None:
            skipped.append(Skipped(name, reason))
            continue
        sources.append(Source(name, member.compress_size,
                              lambda m=member, a=archive: a.open(m),  # type: ignore[misc]
                              path, stamp))
