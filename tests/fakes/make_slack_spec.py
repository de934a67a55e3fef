"""Regenerate tests/fakes/slack_spec.json from Slack's published Web API spec.

The full spec (OpenAPI 2.0, frozen in 2020, MIT licence) lives outside the repository in
../shared/slack/; tests must run from a fresh clone without it, so this script extracts what
the fake Slack server needs: for each method the bot uses, its parameters (name, type, where
the spec puts it) and which are required. The two newer upload methods are not in the 2020
spec and are written by hand from slack_sdk's ``files_upload_v2``.

Run from the repository root::

    .venv/bin/python tests/fakes/make_slack_spec.py [PATH/TO/shared/slack]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = HERE.parents[2] / "shared" / "slack"
SPEC_NAME = "slack_web_openapi_v2_without_examples.json"
OUTPUT = HERE / "slack_spec.json"
LICENSE_OUTPUT = HERE / "SLACK_SPEC_LICENSE"

# Methods the bot calls, taken from the published spec.
SPEC_METHODS = [
    "auth.test",
    "chat.postEphemeral",
    "chat.postMessage",
    "chat.update",
    "conversations.info",
    "conversations.open",
    "files.upload",  # the old upload, for reference; the fake answers method_deprecated
    "users.info",
    "views.open",
    "views.publish",
    "views.update",
]

# Newer than the 2020 spec: as slack_sdk's files_getUploadURLExternal and
# files_completeUploadExternal send them.
HAND_WRITTEN = {
    "files.getUploadURLExternal": {
        "source": "slack_sdk files_upload_v2 (not in the 2020 spec)",
        "http_method": "post",
        "token_in": "header",
        "params": {"filename": "string", "length": "integer", "alt_txt": "string",
                   "snippet_type": "string"},
        "required": ["filename", "length"],
    },
    "files.completeUploadExternal": {
        "source": "slack_sdk files_upload_v2 (not in the 2020 spec)",
        "notes": "files: JSON array of {id, title}; channels: comma-separated ids",
        "http_method": "post",
        "token_in": "header",
        "params": {"files": "string", "channel_id": "string", "channels": "string",
                   "initial_comment": "string", "thread_ts": "string"},
        "required": ["files"],
    },
}


def extract(spec: dict) -> dict:
    """The small extract: {"methods": {name: {http_method, token_in, params, required}}}.

    ``params`` maps each parameter but ``token`` to its spec type; ``token_in`` says where the
    spec puts the token (the fake takes it from the ``Authorization: Bearer`` header, as
    slack_sdk sends it, or from the body).
    """
    methods: dict[str, dict] = {}
    for name in SPEC_METHODS:
        path = spec["paths"]["/" + name]
        verb = "post" if "post" in path else next(iter(path))
        entry: dict = {"source": "slack_web_openapi_v2 " + spec["info"]["version"],
                       "http_method": verb, "token_in": None, "params": {}, "required": []}
        for param in path[verb].get("parameters", []):
            if param["name"] == "token":
                entry["token_in"] = param["in"]
                continue
            entry["params"][param["name"]] = param.get("type", "string")
            if param.get("required"):
                entry["required"].append(param["name"])
        methods[name] = entry
    methods.update(HAND_WRITTEN)
    return {
        "about": ("Extract of Slack's Web API OpenAPI 2.0 spec (MIT licence, see "
                  "SLACK_SPEC_LICENSE) made by make_slack_spec.py; do not edit by hand."),
        "methods": dict(sorted(methods.items())),
    }


def render(source: Path = DEFAULT_SOURCE) -> tuple[str, str]:
    """The text of slack_spec.json and SLACK_SPEC_LICENSE, built from ``source``."""
    spec = json.loads((source / SPEC_NAME).read_text(encoding="utf-8"))
    spec_text = json.dumps(extract(spec), indent=1) + "\n"
    licence = (
        "tests/fakes/slack_spec.json is extracted from Slack's Web API OpenAPI spec\n"
        "(https://github.com/slackapi/slack-api-specs), which is distributed under this licence:\n"
        "\n" + (source / "LICENSE").read_text(encoding="utf-8")
    )
    return spec_text, licence


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    if not (source / SPEC_NAME).exists():
        print(f"spec not found: {source / SPEC_NAME}", file=sys.stderr)
        return 1
    spec_text, licence = render(source)
    OUTPUT.write_text(spec_text, encoding="utf-8")
    LICENSE_OUTPUT.write_text(licence, encoding="utf-8")
    print(f"wrote {OUTPUT} and {LICENSE_OUTPUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
