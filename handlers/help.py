"""`/csp help [command]` and `/csp help indicators`: generated from the command registry."""

from __future__ import annotations

from data.errors import did_you_mean
from data.partnerships import partnership_indicators
from handlers.registry import REGISTRY, command, commands, lookup
from handlers.reply import CspError, Reply, Table, Text
from handlers.request import Request


@command("help", "What CSP Bot can do, or how to use one command.", "/csp help [command]",
         examples=("/csp help", "/csp help update", "/csp help indicators"))
def show_help(req: Request) -> Reply:
    if req.words and req.words[0].lower() == "indicators":
        return indicators_help(req)
    if req.words:
        entry = lookup(req.words[0])
        if entry is None:
            raise CspError(f"There is no command '{req.words[0]}'."
                           + did_you_mean(req.words[0], list(REGISTRY)), "/csp help")
        lines = [f"*{entry.usage}*", entry.summary]
        if entry.role != "member":
            lines.append(f"For {'leads and admins' if entry.role == 'lead' else 'admins'}.")
        lines += [f"Example: `{e}`" for e in entry.examples]
        return Reply(f"/csp {entry.name}", [Text("\n".join(lines))], entry.summary)
    rows = [[c.usage, c.summary] for c in commands()]
    return Reply("CSP Bot: what you can ask", [
        Text("Ask about an indicator (`/csp burglary`, `/csp violence town centre`) or the "
             "partnership's plan. Answers are private; add `share` to post in the channel."),
        Table(["command", "what it does"], rows)],
        "CSP Bot commands: " + ", ".join(c.name for c in commands()))


def indicators_help(req: Request) -> Reply:
    rows = [[str(i["slug"]), str(i["name"])] for i in partnership_indicators(req.db,
                                                                             req.partnership)]
    return Reply("Indicators you can ask about", [
        Text("Type the id or a usual name: `/csp asb`, `/csp vehicle crime`."),
        Table(["indicator", "name"], rows)], f"{len(rows)} indicators")
