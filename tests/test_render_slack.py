"""The Slack renderer: each neutral block's Block Kit, escaping of hostile text, Slack's limits on
the largest replies, and the modal round trip (Form -> view -> view_submission -> FormSubmission).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.slack.escape import escape_slack, fit, split
from bot.slack.render import (
    RenderedMessage,
    button_id,
    read_submission,
    render_errors,
    render_home,
    render_message,
    render_modal,
)
from handlers.reply import (
    Actions,
    Button,
    Chart,
    Divider,
    Facts,
    Field,
    Form,
    FormErrors,
    Reply,
    Table,
    Text,
)

HOSTILE = "<!channel> <@U123> & <http://evil|click>"
ESCAPED = "&lt;!channel&gt; &lt;@U123&gt; &amp; &lt;http://evil|click&gt;"
PNG = b"\x89PNG\r\n\x1a\nfake"


def texts(node: Any) -> list[str]:
    """Every text object's text (plain_text and mrkdwn) anywhere in Block Kit JSON."""
    found = []
    if isinstance(node, dict):
        if node.get("type") in ("plain_text", "mrkdwn") and isinstance(node.get("text"), str):
            found.append(node["text"])
        for value in node.values():
            found.extend(texts(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(texts(value))
    return found


def sdk_accepts(blocks: list[dict[str, Any]]) -> None:
    """Parse the JSON back into slack_sdk's models and let them validate it."""
    for data in blocks:
        block = Block.parse(data)
        assert block is not None, data
        block.validate_json()
        assert block.to_dict() == data


def largest_reply() -> Reply:
    return Reply(
        title="Very long title " * 20,
        blocks=[
            Text("word " * 2000),
            Facts([(f"Indicator {i}", f"value {i} " * 40) for i in range(200)]),
            Table(["Month", "Burglary", "Note"],
                  [[f"2010-{i % 12 + 1:02d}", str(i * 3), "a note " * 3] for i in range(500)]),
            Actions([Button("update_action", f"Update action {i} " * 10, f"kettering:{i}")
                     for i in range(40)]),
            Chart(PNG, "alt", "Burglary, last 24 months"),
        ],
        fallback_text="x" * 10_000,
    )


def test_title_and_text_become_header_and_mrkdwn_section() -> None:
    message = render_message(Reply("Burglary", [Text("*Down* 12%\n- _town centre_ `x`")], "fb"))
    assert isinstance(message, RenderedMessage)
    header, section = message.blocks
    assert header == {"type": "header", "text": {"type": "plain_text", "text": "Burglary",
                                                 "emoji": True}}
    assert section["type"] == "section"
    assert section["text"]["type"] == "mrkdwn"
    assert section["text"]["text"] == "*Down* 12%\n• _town centre_ `x`"
    assert message.text == "fb"
    assert message.charts == []


def test_facts_become_section_fields() -> None:
    message = render_message(Reply("", [Facts([("Lead", "Police"), ("Status", "On track")])],
                                   "fb"))
    (section,) = message.blocks
    assert [f["text"] for f in section["fields"]] == ["*Lead*\nPolice", "*Status*\nOn track"]
    assert all(f["type"] == "mrkdwn" for f in section["fields"])


def test_table_is_an_aligned_code_block() -> None:
    message = render_message(Reply("", [Table(["Area", "Crimes"],
                                              [["Town centre", "12"], ["Rural", "1,203"]])], ""))
    (section,) = message.blocks
    assert section["text"]["text"] == (
        "```\nArea         Crimes\n-----------  ------\n"
        "Town centre      12\nRural         1,203\n```")


def test_divider_actions_and_chart() -> None:
    chart = Chart(PNG, "Burglary by month", "Burglary", ["Month"], [["2010-01"]])
    reply = Reply("", [Divider(), Actions([Button("update_action", "Update", "kettering:4.6.2"),
                                           Button("update_action", "Update", "kettering:4.6.3")]),
                       chart], "")
    message = render_message(reply)
    divider, actions, context = message.blocks
    assert divider == {"type": "divider"}
    assert actions["type"] == "actions"
    assert [e["action_id"] for e in actions["elements"]] == ["update_action:1", "update_action:2"]
    assert [e["value"] for e in actions["elements"]] == ["kettering:4.6.2", "kettering:4.6.3"]
    assert actions["elements"][0]["text"]["text"] == "Update"
    assert context["type"] == "context"
    assert context["elements"][0]["text"] == "Chart: Burglary (below)"
    assert message.charts == [chart]
    assert button_id("update_action:2") == "update_action"
    assert button_id("plain") == "plain"


def test_public_flag_and_fallback_from_title() -> None:
    message = render_message(Reply("Burglary", [], "", public=True))
    assert message.public is True
    assert message.text == "Burglary"


def test_hostile_text_is_escaped_everywhere_in_a_message() -> None:
    reply = Reply(HOSTILE, [Text(HOSTILE), Facts([(HOSTILE, HOSTILE)]),
                            Table([HOSTILE], [[HOSTILE]]), Actions([Button("b", HOSTILE, "v")]),
                            Chart(PNG, HOSTILE, HOSTILE)], HOSTILE)
    message = render_message(reply)
    everything = json.dumps(message.blocks, ensure_ascii=False) + message.text
    assert "<" not in everything and ">" not in everything
    shown = texts(message.blocks)
    kinds = [b["type"] for b in message.blocks]
    assert kinds == ["header", "section", "section", "section", "actions", "context"]
    assert ESCAPED in shown[0]  # header
    assert ESCAPED in shown[1]  # text
    assert shown[2] == f"*{ESCAPED}*\n{ESCAPED}"  # fact label and value
    assert ESCAPED in shown[3]  # table cell (up to the 40-character cell limit)
    assert "&lt;!channel&gt; &lt;@U123&gt; &amp; &lt;ht" in shown[3]
    assert shown[4] == ESCAPED  # button label
    assert ESCAPED in shown[5]  # chart line
    assert message.text == ESCAPED
    home = render_home(reply)
    assert "<" not in json.dumps(home["blocks"], ensure_ascii=False)


def test_mrkdwn_is_verbatim_so_bare_mentions_are_not_parsed() -> None:
    message = render_message(Reply("", [Text("@channel #general"), Facts([("a", "@here")])], ""))
    assert message.blocks[0]["text"]["verbatim"] is True
    assert all(f["verbatim"] is True for f in message.blocks[1]["fields"])


def test_escape_slack_keeps_formatting() -> None:
    assert escape_slack("*bold* _it_ `code` a&b <x>") == "*bold* _it_ `code` a&amp;b &lt;x&gt;"


def test_fit_and_split_never_cut_an_entity() -> None:
    assert fit("a&b", 3) == "a…"
    assert fit("a&b", 6) == "a…"
    assert fit("a&bc", 7) == "a&amp;…"
    assert fit("short", 24) == "short"
    for limit in range(8, 40):
        for piece in split(escape_slack("x" * 7 + "&" * 50), limit):
            assert len(piece) <= limit
            assert piece.replace("&amp;", "").count("&") == 0
    assert split("one\ntwo\nthree", 8) == ["one\ntwo", "three"]


def test_limits_on_the_largest_reply() -> None:
    message = render_message(largest_reply())
    blocks = message.blocks
    assert len(blocks) <= 50
    assert len(message.text) <= 3000
    sdk_accepts(blocks)
    header = blocks[0]
    assert header["type"] == "header" and len(header["text"]["text"]) <= 150
    assert header["text"]["text"].endswith("…")
    for block in blocks:
        if block["type"] == "section":
            assert "text" in block or "fields" in block
            assert len(block.get("text", {}).get("text", "")) <= 3000
            assert len(block.get("fields", [])) <= 10
            assert all(len(f["text"]) <= 2000 for f in block.get("fields", []))
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert all(len(e["text"]["text"]) <= 75 for e in buttons)
    assert all(len(b["elements"]) <= 25 for b in blocks if b["type"] == "actions")
    ids = [e["action_id"] for e in buttons]
    assert len(ids) == len(set(ids))
    assert len(ids) == 40  # 1 header + 4 text + 20 facts + 8 table + 2 actions + 1 chart line
    assert not any("more than Slack shows" in t for t in texts(blocks))
    assert blocks[-1]["type"] == "context"
    assert len(message.charts) == 1


def test_over_50_blocks_keeps_49_and_says_there_is_more() -> None:
    reply = largest_reply()
    reply.blocks.insert(2, Facts([(str(i), "v") for i in range(300)]))
    message = render_message(reply)
    assert len(message.blocks) == 50
    sdk_accepts(message.blocks)
    last = message.blocks[-1]
    assert last["type"] == "section" and "more than Slack shows" in last["text"]["text"]
    assert len(message.charts) == 1  # charts are uploaded apart, not subject to the block limit


def test_each_large_block_alone_fits() -> None:
    text = render_message(Reply("", [Text("word " * 2000)], "")).blocks
    assert len(text) == 4 and all(len(b["text"]["text"]) <= 3000 for b in text)
    assert "\n".join(b["text"]["text"] for b in text).split() == ["word"] * 2000
    facts = render_message(Reply("", [Facts([(str(i), "v" * 5000) for i in range(200)])], ""))
    assert len(facts.blocks) == 20
    assert all(len(b["fields"]) == 10 for b in facts.blocks)
    assert all(len(f["text"]) <= 2000 for b in facts.blocks for f in b["fields"])
    buttons = render_message(Reply("", [Actions([Button("b", "x" * 100, str(i))
                                                 for i in range(40)])], "")).blocks
    assert [len(b["elements"]) for b in buttons] == [25, 15]
    for message in (text, facts.blocks, buttons):
        sdk_accepts(message)


def test_a_500_row_table_is_split_and_every_row_kept() -> None:
    rows = [[f"2010-{i % 12 + 1:02d}", str(i)] for i in range(500)]
    blocks = render_message(Reply("T", [Table(["Month", "Count"], rows)], "")).blocks
    assert 2 < len(blocks) <= 50
    sdk_accepts(blocks)
    shown = [line for b in blocks[1:] for line in b["text"]["text"].split("\n")
             if line.startswith("2010-")]
    assert len(shown) == 500
    assert all(b["text"]["text"].startswith("```\nMonth") for b in blocks[1:])
    assert "first" not in blocks[-1]["text"]["text"]


def test_a_huge_table_says_how_many_rows_it_shows() -> None:
    rows = [["x" * 40, "y" * 40, str(i)] for i in range(5000)]
    reply = Reply("T", [Text("before"), Table(["A", "B", "N"], rows), Text("after")], "")
    blocks = render_message(reply).blocks
    assert len(blocks) == 50
    sdk_accepts(blocks)
    note = blocks[-2]["text"]["text"]
    assert note.endswith("rows of 5000)_") and "_(first " in note
    assert blocks[-1]["text"]["text"] == "after"


def test_home_view_has_up_to_100_blocks_and_no_charts() -> None:
    reply = largest_reply()
    reply.blocks.append(Facts([(str(i), "v") for i in range(2000)]))
    home = render_home(reply)
    assert home["type"] == "home"
    assert len(home["blocks"]) == 100
    assert all(b["type"] != "context" for b in home["blocks"])
    View(**home).validate_json()
    empty = render_home(Reply("", [], "Nothing yet"))
    assert texts(empty["blocks"]) == ["Nothing yet"]


def update_form(**changes: Any) -> Form:
    form = Form(
        form_id="update_action",
        title="Update action 4.6.2: reduce repeat burglary in the town centre",
        fields=[
            Field("status", "Status", "choice", "at-risk",
                  [("on-track", "On track"), ("at-risk", "At risk"), ("done", "Done")]),
            Field("current", "Current value", "number", "12.5", hint="Per 1,000 households"),
            Field("note", "Note", "multiline", "Was 14 & falling", required=False),
            Field("owner", "Owner", "text", None, required=False),
        ],
        hidden={"partnership": "kettering", "action": "4.6.2", "version": "7"},
        submit_label="Save the update",
        intro="Priority *4* – burglary",
    )
    for name, value in changes.items():
        setattr(form, name, value)
    return form


def submit(view: dict[str, Any], typed: dict[str, Any] | None = None) -> dict[str, Any]:
    """A view_submission's `view` as Slack sends it: each input's state, by block and action id,
    holding the initial value unless `typed` says what the user entered."""
    typed = typed or {}
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block["type"] != "input":
            continue
        element = block["element"]
        state: dict[str, Any] = {"type": element["type"]}
        if element["type"] == "static_select":
            option = element.get("initial_option")
            if block["block_id"] in typed:
                option = next(o for o in element["options"]
                              if o["value"] == typed[block["block_id"]])
            state["selected_option"] = option
        else:
            state["value"] = typed.get(block["block_id"], element.get("initial_value"))
        values[block["block_id"]] = {element["action_id"]: state}
    return {"id": "V123", "type": "modal", "callback_id": view["callback_id"],
            "private_metadata": view["private_metadata"], "state": {"values": values},
            "hash": "1.2"}


def test_modal_mapping_and_limits() -> None:
    view = render_modal(update_form())
    View(**view).validate_json()
    assert view["type"] == "modal"
    assert view["callback_id"] == "update_action"
    assert view["title"]["text"] == "Update action 4.6.2…"  # cut at a space, not mid-word
    assert len(view["title"]["text"]) <= 24 and len(view["submit"]["text"]) <= 24
    assert view["close"]["text"] == "Cancel"
    intro, status, current, note, owner = view["blocks"]
    assert intro["text"]["text"] == "Priority *4* – burglary"
    assert status["block_id"] == status["element"]["action_id"] == "status"
    assert status["element"]["type"] == "static_select"
    assert status["element"]["initial_option"]["value"] == "at-risk"
    assert [o["value"] for o in status["element"]["options"]] == ["on-track", "at-risk", "done"]
    assert current["element"] == {"type": "number_input", "action_id": "current",
                                  "is_decimal_allowed": True, "initial_value": "12.5"}
    assert current["hint"]["text"] == "Per 1,000 households"
    assert note["element"]["multiline"] is True and note["optional"] is True
    assert owner["element"]["type"] == "plain_text_input" and owner["optional"] is True
    assert "initial_value" not in owner["element"]
    assert "optional" not in status or status["optional"] is False
    assert json.loads(view["private_metadata"]) == update_form().hidden


def test_number_field_with_a_word_falls_back_to_text() -> None:
    form = update_form(fields=[Field("current", "Current", "number", "n/a")])
    (block,) = render_modal(form)["blocks"][1:]
    assert block["element"]["type"] == "plain_text_input"
    assert block["element"]["initial_value"] == "n/a"


def test_modal_round_trip() -> None:
    form = update_form()
    view = render_modal(form)
    submission = read_submission(submit(view), "U42")
    assert submission.form_id == "update_action"
    assert submission.user == "U42"
    assert submission.hidden == form.hidden
    assert submission.values == {"status": "at-risk", "current": "12.5",
                                 "note": "Was 14 & falling", "owner": ""}
    changed = read_submission({"type": "view_submission",
                               "view": submit(view, {"status": "done", "current": "3",
                                                     "note": None})}, "U42")
    assert changed.values == {"status": "done", "current": "3", "note": "", "owner": ""}


def test_modal_metadata_given_by_the_app_comes_back() -> None:
    form = update_form()
    view = render_modal(form, callback_id="other",
                        private_metadata=json.dumps({**form.hidden, "channel": "C1"}))
    submission = read_submission(submit(view), "U1")
    assert submission.form_id == "other"
    assert submission.hidden["channel"] == "C1"


def test_read_submission_is_robust_to_missing_parts() -> None:
    payload = {"callback_id": "update_action", "private_metadata": "not json",
               "state": {"values": {"a": {"a": {"type": "static_select",
                                                "selected_option": None}},
                                    "b": {"b": {"type": "plain_text_input"}}}}}
    submission = read_submission(payload, "U1")
    assert submission.values == {"a": "", "b": ""}
    assert submission.hidden == {}
    assert read_submission({}, "U1").values == {}


def test_hostile_text_in_a_modal() -> None:
    form = Form("update_action", HOSTILE, [
        Field("note", HOSTILE, "text", HOSTILE, hint=HOSTILE),
        Field("status", HOSTILE, "choice", "x", [("x", HOSTILE), ("y", "fine")]),
    ], hidden={"note": HOSTILE}, intro=HOSTILE)
    view = render_modal(form)
    View(**view).validate_json()
    shown = texts(view["blocks"]) + [view["title"]["text"]]
    assert "<" not in "".join(shown) and ">" not in "".join(shown)
    assert ESCAPED in shown  # intro, labels, hint and option text
    assert view["title"]["text"] == fit(HOSTILE, 24) and len(view["title"]["text"]) <= 24
    # Values are data, not shown as formatted text: they go as they are and come back unchanged.
    assert view["blocks"][1]["element"]["initial_value"] == HOSTILE
    submission = read_submission(submit(view), "U1")
    assert submission.values["note"] == HOSTILE
    assert submission.hidden == {"note": HOSTILE}


def test_too_much_hidden_data_is_an_error() -> None:
    with pytest.raises(ValueError, match="private_metadata"):
        render_modal(update_form(hidden={"big": "x" * 3000}))


def test_many_choices_keep_the_current_one() -> None:
    choices = [(str(i), f"Choice {i}") for i in range(150)]
    view = render_modal(update_form(fields=[Field("c", "C", "choice", "140", choices)]))
    element = view["blocks"][1]["element"]
    assert len(element["options"]) == 100
    assert element["initial_option"]["value"] == "140"
    assert element["initial_option"] in element["options"]


def test_render_errors() -> None:
    errors = render_errors(FormErrors({"current": "Type a number, like 12.5"}))
    assert errors == {"response_action": "errors",
                      "errors": {"current": "Type a number, like 12.5"}}
