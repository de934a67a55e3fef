"""A bot in its own process, as `python -m bot run --http PORT` runs it: a free port, the
environment a test gives it, started and waited for (GET /healthz), stopped with what it wrote
on stderr."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Self

from fakes.waiting import healthy, wait_for

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (free when asked)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RunningBot:
    """A started bot process: `url` is its base address (http://127.0.0.1:PORT); `stop()`
    ends it and gives its stderr. Usable as a context manager (stopped at the end)."""

    def __init__(self, process: subprocess.Popen[bytes], url: str,
                 stderr: IO[bytes]) -> None:
        self.process, self.url = process, url
        self._stderr = stderr
        self._said: str | None = None

    def stop(self, timeout: float = 15) -> str:
        """SIGTERM (unless it has already exited), wait up to `timeout` seconds (then SIGKILL
        and fail); everything it wrote on stderr. Stopping again gives the same text."""
        if self._said is None:
            try:
                if self.process.poll() is None:
                    self.process.terminate()
                    try:
                        self.process.wait(timeout=timeout)
                    except subprocess.TimeoutExpired:
                        self.process.kill()
                        self.process.wait()
                        raise
            finally:
                self._stderr.seek(0)
                self._said = self._stderr.read().decode(errors="replace")
                self._stderr.close()
        return self._said

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def launch_bot(store: Path, env: Mapping[str, str | None], platform: str | None = None,
               log: Path | None = None, timeout: float = 30) -> RunningBot:
    """Start `python -m bot run [--platform PLATFORM] --http PORT` on a free port against
    `store`, once it answers /healthz. Its environment is this process's, with CSP_DB_PATH,
    CSP_LOG_FILE (`log`, by default csp.log beside the store) and `env` over it; a name given
    None in `env` is removed. Fails, with the end of its stderr, when the bot exits or does not
    answer within `timeout` seconds."""
    environment = {**os.environ, "CSP_DB_PATH": str(store),
                   "CSP_LOG_FILE": str(log or store.parent / "csp.log")}
    for name, value in env.items():
        if value is None:
            environment.pop(name, None)
        else:
            environment[name] = value
    port = free_port()
    command = [sys.executable, "-m", "bot", "run", *(["--platform", platform] if platform else []),
               "--http", str(port)]
    stderr = tempfile.TemporaryFile()  # a file, not a pipe: a chatty bot never blocks on it
    process = subprocess.Popen(command, env=environment, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=stderr)
    bot = RunningBot(process, f"http://127.0.0.1:{port}", stderr)
    try:
        wait_for(lambda: healthy(bot.url) or process.poll() is not None, timeout,
                 what=f"the bot at {bot.url} to answer /healthz")
        if process.poll() is not None:
            raise AssertionError(f"the bot exited ({process.returncode}) before answering")
    except AssertionError as failure:
        process.kill()
        process.wait()
        raise AssertionError(f"{failure}; its stderr ends:\n{bot.stop()[-2000:]}") from None
    return bot
