"""Teams dialogs (task modules) from the handlers' Form, and read back: an input per field (id
FIELD_PREFIX + the field's id, so unique in the card), its hint and any error under it, the
form's hidden data in the Save button's data; Teams sends each input's value under its id beside
that data in task/submit. A typed command that asks for a form gets a card whose button opens the
dialog (task/fetch), since a dialog cannot open from a message.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from microsoft_teams.cards import (
    AdaptiveCard,
    CardElement,
    Choice,
    ChoiceSetInput,
    NumberInput,
    SubmitAction,
    SubmitData,
    TextBlock,
    TextInput,
)

from bot.teams.render import (
    defang,
    fit,
    heading,
    new_card,
    open_dialog,
    render_card,
    to_markdown,
)
from handlers.reply import Field, Form, FormSubmission, Reply

CLOSE = "close"  # the `action` of a dialog's Close button
FIELD_PREFIX = "field_"  # input ids: field_status, field_value, ...


def render_dialog(form: Form, values: Mapping[str, str] | None = None,
                  errors: Mapping[str, str] | None = None) -> AdaptiveCard:
    """The dialog (task module) card of a form: an input per field (id FIELD_PREFIX + field
    id), the field's hint under it, and under that the error from a refused submit."""
    values, errors = values or {}, errors or {}
    body: list[CardElement] = []
    if form.intro and form.intro.strip():
        body.append(TextBlock(text=to_markdown(form.intro), wrap=True))
    if errors:
        body.append(TextBlock(text="Nothing was saved: please correct what is marked below.",
                              color="Attention", wrap=True))
    for item in form.fields:
        body.append(_input(item, values.get(item.id, item.value)))
        if item.hint:
            body.append(TextBlock(text=to_markdown(item.hint, 500), is_subtle=True,
                                  size="Small", spacing="None", wrap=True))
        if item.id in errors:
            body.append(TextBlock(text=to_markdown(errors[item.id], 500), color="Attention",
                                  size="Small", spacing="None", wrap=True))
    submit = SubmitAction(title=fit(form.submit_label, 40) or "Save", style="positive",
                          data=SubmitData(form.form_id, {"hidden": dict(form.hidden)}))
    return new_card(body or [TextBlock(text=defang(fit(form.title, 200)), wrap=True)], form.title,
                    [submit])


def _input(item: Field, value: str | None) -> CardElement:
    ident, label = FIELD_PREFIX + item.id, fit(item.label, 200) or item.id
    element: ChoiceSetInput | NumberInput | TextInput
    number = _number(value)
    if item.kind == "choice" and item.choices:
        element = ChoiceSetInput(id=ident, label=label, style="compact", value=value or None,
                                 choices=[Choice(title=fit(text, 200) or choice, value=choice)
                                          for choice, text in item.choices])
    elif item.kind == "number" and (value in (None, "") or number is not None):
        element = NumberInput(id=ident, label=label, value=number)
    else:  # text, multiline, and a number field whose current value is not a number
        element = TextInput(id=ident, label=label, value=value or None,
                            is_multiline=item.kind == "multiline" or None)
    if item.required:
        element.is_required, element.error_message = True, f"{label}: required."
    return element


def _number(value: str | None) -> float | None:
    try:
        number = float(str(value))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def read_submission(data: Mapping[str, Any], user: str) -> FormSubmission:
    """The FormSubmission in a task/submit's `value.data`: Teams puts each input's value under
    its id beside the submit button's data (form id as `action`, the hidden data)."""
    hidden = data.get("hidden") if isinstance(data.get("hidden"), dict) else {}
    values = {key[len(FIELD_PREFIX):]: "" if value is None else _plain(value)
              for key, value in data.items() if key.startswith(FIELD_PREFIX)}
    return FormSubmission(form_id=str(data.get("action") or ""), values=values,
                          hidden={str(k): "" if v is None else str(v)
                                  for k, v in (hidden or {}).items()}, user=user)


def _plain(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def form_opener(form: Form, target: str, text: str | None = None) -> AdaptiveCard:
    """For a typed command that asks for a form (no dialog can open from a message): a card
    with a button that opens it, remembering what was typed (`prefill`) and the version."""
    prefill = {f.id: f.value for f in form.fields if f.value not in (None, "")}
    data = open_dialog(form.form_id, target=target, prefill=prefill,
                       version=form.hidden.get("version", ""))
    body: list[CardElement] = [heading(form.title)]
    if text or form.intro:
        body.append(TextBlock(text=to_markdown(text or form.intro or ""), wrap=True))
    return new_card(body, form.title,
                    [SubmitAction(title=fit(f"Open the form: {form.title}", 60), data=data)])


def dialog_card(reply: Reply) -> AdaptiveCard:
    """A reply shown in the dialog itself (a confirmation, a refusal), with a Close button."""
    card = render_card(reply)
    card.actions = [SubmitAction(title="Close", data=SubmitData(CLOSE))]
    return card
