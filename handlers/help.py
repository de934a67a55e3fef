"""`/csp help [command]` and `/csp help indicators`, generated from the command registry; and
`/csp help <term>` (`/csp help terms`): the words answers use, in plain English
(handlers/glossary.py)."""

from __future__ import annotations

from data.errors import did_you_mean
from data.partnerships import partnership_indicators
from data.words import counted
from handlers.glossary import SHORT, TERMS, find_term, term_words
from handlers.platform_words import as_typed, where_answers_go
from handlers.registry import REGISTRY, command, commands, lookup
from handlers.reply import CspError, Reply, Table, Text
from handlers.request import Request


@command("help", "What CSP Bot can do, how to use one command, or what a word in its answers "
         "means.", "/csp help [command | term]",
         examples=("/csp help", "/csp help update", "/csp help indicators",
                   "/csp help significant", "/csp help terms"))
def show_help(req: Request) -> Reply:
    """The help, with commands as they are typed on the asker's platform."""
    return typed_here(help_reply(req), req)


def typed_here(reply: Reply, req: Request) -> Reply:
    """`/csp ...` in every text and table cell as it is typed on the asker's platform."""
    for block in reply.blocks:
        if isinstance(block, Text):
            block.markdown = as_typed(block.markdown, req.ctx)
        elif isinstance(block, Table):
            block.rows = [[as_typed(str(v), req.ctx) for v in row] for row in block.rows]
    reply.fallback_text = as_typed(reply.fallback_text, req.ctx)
    return reply


def help_reply(req: Request) -> Reply:
    if req.words and req.words[0].lower() == "indicators":
        return indicators_help(req)
    if req.words and " ".join(req.words).lower() in ("terms", "words", "glossary"):
        return Reply("Words CSP Bot uses", [
            Text("Type `/csp help <term>` for what one means, e.g. `/csp help significant`."),
            Table(["term", "what it means"], [[t, SHORT[t]] for t in TERMS])],
            ", ".join(TERMS))
    term = find_term(" ".join(req.words)) if req.words else None
    if term is not None:
        return Reply(term[0].upper() + term[1:], [Text(TERMS[term])], TERMS[term])
    if req.words:
        entry = lookup(req.words[0])
        if entry is None:
            typed = " ".join(req.words)
            choices = {w: w for w in REGISTRY} | term_words()
            raise CspError(f"There is no command or term '{typed}'."
                           + did_you_mean(typed.lower(), choices),
                           "/csp help lists the commands; /csp help terms the words explained")
        lines = [f"*{entry.usage}*", entry.summary]
        if entry.role != "member":
            lines.append(f"For {'leads and admins' if entry.role == 'lead' else 'admins'}.")
        lines += [f"Example: `{e}`" for e in entry.examples]
        return Reply(f"/csp {entry.name}", [Text("\n".join(lines))], entry.summary)
    rows = [[c.usage, c.summary] for c in commands()]
    return Reply("CSP Bot: what you can ask", [
        Text("Ask about an indicator (`/csp burglary`, `/csp violence town centre`), two "
             "periods (`/csp burglary last month`, `/csp burglary 2024/25 vs 2023/24`) or the "
             "partnership's plan. " + (where_answers_go(req.ctx) + " ").lstrip()
             + "`/csp help <term>` explains a word: " + ", ".join(TERMS) + "."),
        Table(["command", "what it does"], rows)],
        "CSP Bot commands: " + ", ".join(c.name for c in commands()))


def indicators_help(req: Request) -> Reply:
    rows = [[str(i["slug"]), str(i["name"])] for i in partnership_indicators(req.db,
                                                                             req.partnership)]
    return Reply("Indicators you can ask about", [
        Text("Type the id or a usual name: `/csp asb`, `/csp vehicle crime`."),
        Table(["indicator", "name"], rows)], counted(len(rows), "indicator"))
