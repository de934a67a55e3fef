"""The console front end: the same commands as chat, typed at a prompt on the operator's machine.

`cspbot console` is an interactive loop; `cspbot ask "burglary town centre"` answers once.
Charts are written as PNG files and their paths printed. Forms (`update`) are asked field by
field. Without --user the operator has every right; with --user ID, that person's. Either way
an update saved here is recorded in the audit trail as a console update (by the operator, or
by the person named), never as one from chat.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from bot.cli.render_text import render_text, visible
from bot.services import Services, reply_to
from handlers.reply import Context, CspError, Form, FormErrors, FormSubmission, Reply
from handlers.router import dispatch
from handlers.update import submit_update

PROMPT = "csp> "


def context(services: Services, user: str | None) -> Context:
    """The operator (every right), or with `user` that Slack user's rights; either way the audit
    trail records what is saved here as a console update (`via`)."""
    return Context(user=user or "console", platform="console" if user is None else "slack",
                   channel=None, today=services.today(), via="console")


def ask(services: Services, text: str, user: str | None,
        read: Callable[[str], str] | None = None) -> Reply:
    """One question in, one Reply out (a Form is filled in with `read`, if given)."""
    ctx = context(services, user)
    text = text.strip().removeprefix("/csp").strip()
    try:
        result = dispatch(text, ctx, services.db(), services.settings())
        if isinstance(result, Form):
            if read is None:
                raise CspError("That opens a form; use the interactive console for it.",
                               "cspbot console")
            return fill_form(services, result, ctx, read)
        return result
    except Exception as exc:  # noqa: BLE001 (the one place exceptions become messages)
        return reply_to(exc, "console")


def fill_form(services: Services, form: Form, ctx: Context, read: Callable[[str], str]
              ) -> Reply:
    values: dict[str, str] = {}
    if form.intro:
        print(visible(form.intro))
    for field in form.fields:
        choices = f" ({'/'.join(v for v, _ in field.choices)})" if field.choices else ""
        current = f" [{field.value}]" if field.value else ""
        try:
            answer = read(visible(f"{field.label}{choices}{current}: ")).strip()
        except (EOFError, KeyboardInterrupt):  # Ctrl-D, Ctrl-C or the end of piped input
            print()
            raise CspError("Cancelled: nothing was saved.",
                           form.title[:1].lower() + form.title[1:]) from None
        values[field.id] = answer or (field.value or "")
    submission = FormSubmission(form.form_id, values, form.hidden, ctx.user)
    try:
        return submit_update(submission, ctx, services.db(), services.settings())
    except FormErrors as exc:
        raise CspError("Not saved: " + "; ".join(f"{k}: {v}" for k, v in exc.errors.items()),
                       "try again with other values") from None


def reply_json(reply: Reply, chart_dir: Path) -> str:
    render_text(reply, chart_dir)  # writes the charts
    data = asdict(reply)
    for block in data["blocks"]:
        if "png" in block:
            block["png"] = str(chart_dir / block["filename"])
    return json.dumps(data, indent=2)


def run_console(services: Services, user: str | None, chart_dir: Path,
                read: Callable[[str], str] = input) -> None:
    print("CSP Bot console. Ask as you would in chat: burglary, violence town centre, "
          "priorities, actions, help. Type quit (or Ctrl-D) to leave.")
    while True:
        try:
            line = read(PROMPT)
        except (EOFError, KeyboardInterrupt):
            print()
            return
        if line.strip().lower() in ("quit", "exit", "q"):
            return
        if not line.strip():
            continue
        print(render_text(ask(services, line, user, read), chart_dir))
