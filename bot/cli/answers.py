"""`cspbot prepare`: work out every chat answer now, so that people asking get theirs at once.

With them, the `/csp where` answer of each police.uk indicator for the whole partnership
(handlers/where_prepare.py). The running bot does the same by itself after each import
(bot/answers/workers.py); this command is for a store that a bot is not running on yet, or to
see what it costs. It uses every core (worker processes) and shows a progress bar in a
terminal.
"""

from __future__ import annotations

import os
import time

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TimeElapsedColumn

from bot.answers.workers import AnswerWorkers
from bot.cli.report import err, out
from bot.config import Config, open_store
from briefings.answers import prepare_answers, use_workers
from data.partnerships import partnership_ids, resolve_partnership
from handlers.where_prepare import prepare_where_answers


@click.command("prepare")
@click.option("--partnership", "-p", metavar="ID",
              help="Only this partnership (default: every partnership in the store).")
@click.option("--workers", type=click.IntRange(0, 64), default=None,
              help="Worker processes (default: one per core; 0 works here, one at a time).")
@click.pass_obj
def prepare(config: Config, partnership: str | None, workers: int | None) -> None:
    """Work out and keep the latest answer of every indicator in every area (what
    `/csp <indicator> [area]` says, with its chart), and the where answer of every police.uk
    indicator (what `/csp where <indicator>` says, with its map), for the store's current
    data."""

    db = open_store(config)
    pids = [resolve_partnership(db, partnership)] if partnership else partnership_ids(db)
    count = (os.cpu_count() or 1) if workers is None else workers
    pool = None
    if count > 0:

        pool = AnswerWorkers(config, count, eager=False)
        use_workers(pool.submit)
    try:
        for pid in pids:
            started = time.monotonic()
            with Progress(f"Preparing the answers of {pid}", BarColumn(), MofNCompleteColumn(),
                          TimeElapsedColumn(), console=err, transient=True,
                          disable=not err.is_terminal) as bar:
                task = bar.add_task(pid, total=None)

                def advance(n: int, total: int, task: TaskID = task) -> None:
                    bar.update(task, completed=n, total=total)

                done = prepare_answers(db, pid, config.method, config.suppress_below,
                                       parallel=max(1, count), progress=advance)
            line = (f"{pid}: {done.made} answers prepared in {time.monotonic() - started:.1f} s,"
                    f" {done.already} already prepared")
            if done.without:
                line += f"; no figures to judge for {', '.join(done.without)}"
            out.print(line + ".")
            started = time.monotonic()
            where = prepare_where_answers(db, pid, config.method, config.suppress_below,
                                          pool.submit_where if pool else None, max(1, count))
            if where.made or where.already:
                out.print(f"{pid}: {where.made} where answers prepared in "
                          f"{time.monotonic() - started:.1f} s, {where.already} already "
                          "prepared.")
            failed = [*done.failed, *(f"where {i}" for i in where.failed)]
            if failed:
                raise click.ClickException(
                    f"{pid}: could not prepare {', '.join(failed)} (details in the log, "
                    f"{config.log_file}). The others are kept.")
    finally:
        use_workers(None)
        if pool is not None:
            pool.close()
