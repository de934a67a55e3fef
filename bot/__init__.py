"""CSP Bot's front ends and running parts: everything that talks to people, chat platforms,
the terminal and the clock. The layers below it are handlers/ (what a command means),
briefings/ (the statistics and the words) and data/ (the store); bot/ may import all three.

bot/ itself holds what every part shares: `config` (settings), `clock`, `services` (a store
connection per thread, the clock, the one exception-to-reply helper), `lives` (which bots on a
store are alive), `web` (the one HTTP server) and `startup` (what `cspbot run` starts). Its
folders, each importing only the folders listed after it (and bot/ itself):

    cli/        the `cspbot` command line, the console and the briefing files writer
    answers/    the answer worker processes and the preparer of answers
    slack/      the Bolt app and its listeners, Block Kit, sending and posting, admin notices
    teams/      the Teams app, its connector client, cards and dialogs, install, app package
    paper/      the monthly briefing as a board paper: one HTML page that prints on A4
    delivery/   the monthly briefing posted through the ledger, exactly once; effects
    scheduler/  the monthly schedules, the scheduler, its catch-up, clock and store lock

`cli` may import every folder; `startup` every folder but `cli`; `delivery` imports `slack`,
`teams` (their posting) and `paper`; `paper` imports none of them; `slack` and `teams` never
import `delivery` or `scheduler` (what they ask of them is handed in by `startup`); `scheduler`
imports none of them (the delivery is handed in); `answers` imports none of them (the work it
runs is handed in).
"""
