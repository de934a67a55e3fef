"""A form's hidden data sealed by the bot when it opens the form, so that changed data is refused.

Slack keeps a modal's hidden data (partnership, action, version, the channel it was opened in)
in `private_metadata`, Teams a dialog's in its Save button's data. Both come back with the
submission, and whoever crafts the request can change them: a version of '²', another
channel for the confirmation, another action. So the bot adds `seal`: an HMAC-SHA256 over the
platform and every hidden field, keyed by a key derived from the platform's own secret (Slack's
signing secret, Teams' client secret). A submission whose seal does not match (a field changed,
added or removed, or a form of the other platform) is refused with handlers.update's
`form_changed` and nothing is saved. The channel the form was opened in is sealed with the
rest, so the confirmation goes there and nowhere else. Who submits is checked again by the
handler (the person's rights), as for any update.

Without a secret (Teams with CSP_TEAMS_SKIP_AUTH and no client secret, for local trials) the
key is random for the process: a form opened before a restart is refused and opened again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping

from bot.config import Config
from handlers.update import form_changed

SEAL = "seal"  # the key of the seal among the hidden data
_PROCESS_KEY = secrets.token_bytes(32)


def form_key(config: Config, platform: str) -> bytes:
    """The sealing key of a platform's forms, derived from its secret (never the secret)."""
    secret = config.slack_signing_secret if platform == "slack" else config.teams_client_secret
    if not secret:
        return _PROCESS_KEY
    return hmac.new(secret.encode(), b"cspbot form seal v1", hashlib.sha256).digest()


def seal(hidden: Mapping[str, str], key: bytes, platform: str) -> dict[str, str]:
    """The hidden data with its seal, for a form opened on `platform`."""
    data = {str(k): str(v) for k, v in hidden.items() if k != SEAL}
    return {**data, SEAL: _mac(data, key, platform)}


def unseal(hidden: Mapping[str, str], key: bytes, platform: str) -> dict[str, str]:
    """The hidden data without its seal, or a CspError (nothing saved) if the seal does not
    match: the data was changed after the form was opened, or the seal is not the bot's."""
    data = {str(k): str(v) for k, v in hidden.items() if k != SEAL}
    expected = _mac(data, key, platform).encode()
    if not hmac.compare_digest(str(hidden.get(SEAL, "")).encode(), expected):
        raise form_changed(data.get("action", ""))
    return data


def _mac(data: Mapping[str, str], key: bytes, platform: str) -> str:
    message = json.dumps([platform, sorted(data.items())], ensure_ascii=True,
                         separators=(",", ":"))
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()
