"""How a setting's text (as written in the environment) is read: the `Kind` of each setting of
bot/config.py, with what it expects, so that a text it cannot read is refused with the
variable's name and what it takes. `FLAG` is the one reading of every true/false setting."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

T = TypeVar("T")

LONDON = ZoneInfo("Europe/London")

@dataclass(frozen=True)
class Kind(Generic[T]):
    """How a setting's text is read: `read` gives the value or raises ValueError; `expects`
    says, in the message that refuses a text, what the setting takes."""

    expects: str
    read: Callable[[str], T]

    def parse(self, env: str, text: str) -> T:
        try:
            return self.read(text)
        except ValueError:
            raise ValueError(f"{env} must be {self.expects}, not '{text}'.") from None

def _flag(text: str) -> bool:
    word = text.strip().lower()
    if word in ("1", "true", "yes", "on"):
        return True
    if word in ("", "0", "false", "no", "off"):
        return False
    raise ValueError(text)

def _moment(text: str) -> datetime | None:
    """An ISO 8601 date (its midnight) or date and time; without a zone, Europe/London."""
    if not text.strip():
        return None
    value = datetime.fromisoformat(text.strip())
    return value if value.tzinfo is not None else value.replace(tzinfo=LONDON)

def _https_base(text: str) -> str:
    """An https:// address with a host, without its trailing '/'; empty stays empty."""
    url = text.strip().rstrip("/")
    if url and (not url.startswith("https://") or len(url) == len("https://")
                or any(c in url for c in " ?#")):
        raise ValueError(text)
    return url

TEXT: Kind[str] = Kind("text", str)
FLAG: Kind[bool] = Kind("true or false", _flag)  # the one reading of every true/false setting
URL_PREFIXES: Kind[tuple[str, ...]] = Kind(
    "comma-separated URL prefixes",
    lambda text: tuple(u.strip() for u in text.split(",") if u.strip()))
HTTPS_BASE: Kind[str] = Kind("an https:// address, e.g. https://csp.example.org (or empty)",
                             _https_base)
MOMENT: Kind[datetime | None] = Kind(
    "an ISO 8601 date, or date and time, such as 2026-12-05T10:00 (or empty)", _moment)

def whole_number(expects: str = "a whole number", minimum: int | None = None) -> Kind[int]:
    def read(text: str) -> int:
        value = int(text.strip())
        if minimum is not None and value < minimum:
            raise ValueError(text)
        return value

    return Kind(expects, read)

def number(expects: str = "a number", minimum: float | None = None) -> Kind[float]:
    def read(text: str) -> float:
        value = float(text.strip())
        if minimum is not None and not value >= minimum:  # `not >=` also refuses nan
            raise ValueError(text)
        return value

    return Kind(expects, read)

def one_of(*choices: str) -> Kind[str]:
    """One of `choices` (upper case), in any case."""
    def read(text: str) -> str:
        if text.strip().upper() not in choices:
            raise ValueError(text)
        return text.strip().upper()

    return Kind(f"{', '.join(choices[:-1])} or {choices[-1]}", read)

