"""Adaptive Cards for Teams (bot/teams/render.py): what Teams rejects or renders badly (version,
input ids, alt text, size), the budget for charts, markdown and escaping, dialogs read back;
and every card validated by Microsoft's `adaptivecards` package when Node and npm are here."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fakes.demo_store import make_demo_store

from bot.teams.dialog import dialog_card, form_opener, read_submission, render_dialog
from bot.teams.render import MAX_CARD_BYTES, card_bytes, card_json, render_card, to_markdown
from data.db import open_db
from handlers.home import home
from handlers.reply import Actions, Button, Chart, Context, CspError, Form, Reply, Table, Text
from handlers.router import dispatch, error_reply
from handlers.update import open_update_form

ADMIN, POLICE_LEAD = "00000000-0000-0000-0000-000000000001", "00000000-0000-0000-0000-000000000004"
QUESTIONS = ("help", "help indicators", "burglary", "violence town centre", "priorities",
             "leads", "leads police", "actions", "actions mine", "history 4.6.2", "status",
             "briefing 2010-03", "deliveries", "burglery", "update 4.6.2")
# Adaptive Card 1.5 elements (Table is 1.5 too, unused); nothing newer.
ELEMENTS = {"AdaptiveCard", "TextBlock", "FactSet", "Image", "ColumnSet", "Column", "Container",
            "ActionSet", "Action.Submit", "Input.Text", "Input.Number", "Input.ChoiceSet"}


@pytest.fixture(scope="module")
def cards(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Every kind of card CSP Bot sends, from the demo store, by name."""
    store = make_demo_store(tmp_path_factory.mktemp("cards"))
    db = open_db(store)
    out: dict[str, dict[str, Any]] = {}
    try:
        for user in (ADMIN, POLICE_LEAD):
            ctx = Context(user, "teams", None, "2010-04-20")
            for question in QUESTIONS:
                result = dispatch(question, ctx, db)
                card = (form_opener(result, "kettering:4.6.2") if isinstance(result, Form)
                        else render_card(result))
                out[f"{question} ({user[-1]})"] = card_json(card)
            out[f"home ({user[-1]})"] = card_json(render_card(home(ctx, db)))
        form = open_update_form("kettering", "4.6.2", Context(POLICE_LEAD, "teams"), db)
        out["dialog"] = card_json(render_dialog(form))
        out["dialog with errors"] = card_json(render_dialog(
            form, {"value": "lots"}, {"value": "Give a number.", "note": "Too long."}))
        out["error in a dialog"] = card_json(dialog_card(error_reply(CspError("No.", "Try."))))
    finally:
        db.close()
    return out


def walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def test_cards_keep_to_what_teams_renders(cards: dict[str, dict[str, Any]]) -> None:
    for name, card in cards.items():
        assert card["type"] == "AdaptiveCard" and float(card["version"]) <= 1.5, name
        nodes = list(walk(card))
        types = {n["type"] for n in nodes if isinstance(n.get("type"), str)
                 and n is not card.get("msteams")} - {"task/fetch"}
        assert types <= ELEMENTS, (name, types - ELEMENTS)
        ids = [n["id"] for n in nodes if "id" in n and str(n.get("type")).startswith("Input.")]
        assert len(ids) == len(set(ids)), name
        assert all(n.get("altText") for n in nodes if n.get("type") == "Image"), name
        assert all(len(n["actions"]) <= 5 for n in nodes if n.get("type") == "ActionSet"), name
        assert card_bytes(card) <= MAX_CARD_BYTES, (name, card_bytes(card))


def test_the_charts_are_in_the_cards_as_png_data(cards: dict[str, dict[str, Any]]) -> None:
    for name in ("burglary (1)", "violence town centre (1)", "briefing 2010-03 (1)"):
        images = [n for n in walk(cards[name]) if n.get("type") == "Image"]
        assert images and all(i["url"].startswith("data:image/png;base64,iVBOR")
                              for i in images), name


def big_png(noise: bool = False) -> bytes:
    """A PNG far over the budget: twelve panels of lines (or noise, which does not shrink)."""
    import numpy as np
    from matplotlib.figure import Figure

    figure = Figure(figsize=(24, 16), dpi=100)
    rng = np.random.default_rng(7)
    for n in range(12):
        axes = figure.add_subplot(3, 4, n + 1)
        if noise:
            axes.imshow(rng.random((200, 200)), cmap="viridis")
        else:
            axes.plot(rng.random(60).cumsum(), marker="o")
            axes.set_title(f"Indicator {n}")
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def test_charts_share_the_budget_and_are_shrunk_not_dropped() -> None:
    png = big_png()
    assert len(png) > MAX_CARD_BYTES
    reply = Reply("Three charts", [Text("Words.")] + [
        Chart(png, f"Chart {n}, described", f"Chart {n}") for n in range(3)], "Three charts")
    card = card_json(render_card(reply))
    images = [n for n in walk(card) if n.get("type") == "Image"]
    assert len(images) == 3 and all(i["url"].startswith("data:image/png") for i in images)
    assert card_bytes(card) <= MAX_CARD_BYTES


def test_a_chart_that_cannot_fit_becomes_a_note() -> None:
    reply = Reply("Tight", [Chart(big_png(noise=True), "The chart", "Burglary")], "Tight")
    card = card_json(render_card(reply, budget=6_000))
    assert not [n for n in walk(card) if n.get("type") == "Image"]
    assert "Chart not shown: Burglary" in json.dumps(card)
    assert card_bytes(card) <= 6_000


def test_long_tables_and_text_are_cut_to_the_budget() -> None:
    rows = [[f"4.{n}", "An action with a long title " * 3, "on-track", str(n)]
            for n in range(500)]
    reply = Reply("Actions", [Text("word " * 5_000), Table(["id", "action", "status", "n"],
                                                            rows)], "Actions")
    card = card_json(render_card(reply))
    assert card_bytes(card) <= MAX_CARD_BYTES
    assert "rows of 500" in json.dumps(card)
    numbers = [n for n in walk(card) if n.get("type") == "TextBlock" and n.get("text") == "7"]
    assert numbers and numbers[0].get("horizontalAlignment") == "Right"


def test_markdown_keeps_formatting_and_drops_links() -> None:
    text = to_markdown("*Bold* and _italic_, `/csp help`, [x](https://evil.example)\n"
                       "next line\n- one\n- two")
    assert text.startswith("**Bold** and _italic_, /csp help, [x]\u200b(https://evil")
    assert "\n\nnext line\n\n- one\n- two" in text


def test_buttons_open_the_update_dialog() -> None:
    reply = Reply("Mine", [Actions([Button("update_action", f"Update 4.6.{n}",
                                           f"kettering:4.6.{n}") for n in range(7)])], "Mine")
    sets = [n for n in walk(card_json(render_card(reply))) if n.get("type") == "ActionSet"]
    assert [len(s["actions"]) for s in sets] == [5, 2]
    assert sets[1]["actions"][1]["data"] == {"msteams": {"type": "task/fetch"},
                                             "dialog_id": "update_action",
                                             "target": "kettering:4.6.6"}


def test_a_dialog_submission_reads_back_as_the_form(cards: dict[str, dict[str, Any]]) -> None:
    dialog = cards["dialog"]
    data = dict(dialog["actions"][0]["data"])
    data.update({"field_status": "at-risk", "field_value": 130.0, "field_note": "ok"})
    submission = read_submission(data, POLICE_LEAD)
    assert submission.form_id == "update_action" and submission.user == POLICE_LEAD
    assert submission.values == {"status": "at-risk", "value": "130", "note": "ok"}
    assert submission.hidden == {"partnership": "kettering", "action": "4.6.2",
                                 "version": submission.hidden["version"]}
    assert read_submission({"field_x": None, "hidden": "junk"}, "u").values == {"x": ""}


@pytest.fixture(scope="session")
def adaptivecards(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Microsoft's adaptivecards package, installed with npm into a temporary folder."""
    if not (shutil.which("node") and shutil.which("npm")):
        pytest.skip("Node.js and npm are not installed")
    folder = tmp_path_factory.mktemp("adaptivecards")
    try:
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent",
                        "adaptivecards@3"], cwd=folder, check=True, capture_output=True,
                       timeout=240)
    except (subprocess.SubprocessError, OSError) as exc:
        pytest.skip(f"npm could not install adaptivecards (no network?): {exc}")
    return folder


VALIDATE = """
const AC = require("adaptivecards/dist/adaptivecards.js");
const cards = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"));
const problems = {};
for (const [name, json] of Object.entries(cards)) {
  const context = new AC.SerializationContext();
  const card = new AC.AdaptiveCard();
  card.parse(json, context);
  const found = [];
  for (let i = 0; i < context.eventCount; i++) found.push(context.getEventAt(i).message);
  for (const event of card.validateProperties().validationEvents) found.push(event.message);
  if (found.length) problems[name] = found;
}
console.log(JSON.stringify(problems));
"""


def test_every_card_passes_the_adaptivecards_validator(
        cards: dict[str, dict[str, Any]], adaptivecards: Path) -> None:
    (adaptivecards / "validate.js").write_text(VALIDATE)
    (adaptivecards / "cards.json").write_text(json.dumps(cards))
    result = subprocess.run(["node", "validate.js", "cards.json"], cwd=adaptivecards,
                            capture_output=True, text=True, timeout=120, check=True)
    assert json.loads(result.stdout) == {}
