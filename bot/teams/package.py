"""The Teams app package: manifest.json (Teams manifest schema v1.17), color.png (192x192) and
outline.png (32x32, white on transparent), zipped, for sideloading or the Teams Developer Portal.

The bot answers in personal chats, teams and group chats; its command menus are made from the
handler registry (Teams shows at most 10 commands a scope: the first ones in help's order, in a
personal chat without the channel-only ones). Icons are drawn with matplotlib (Figure API) and
written with Pillow. The zip is the same bytes for the same inputs (fixed timestamps).
"""

from __future__ import annotations

import io
import re
import zipfile
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from typing import Any

from data.errors import DataError
from handlers.registry import Command, commands

MANIFEST_VERSION = "1.17"
SCHEMA = ("https://developer.microsoft.com/en-us/json-schemas/teams/v1.17/"
          "MicrosoftTeams.schema.json")
ACCENT = "#1F5F8B"
MAX_COMMANDS, TITLE_CHARS, DESCRIPTION_CHARS = 10, 32, 128
CHANNEL_ONLY = ("subscribe", "unsubscribe")
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                  r"[0-9a-fA-F]{12}$")
HOST = re.compile(r"^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")
SHORT = "A Community Safety Partnership's crime figures and action plan, in chat."
FULL = ("CSP Bot answers partners of a Community Safety Partnership (police, councils, health, "
        "fire, probation, voluntary groups) about how crime is going, who leads which priority "
        "and how the action plan is doing. Priority leads update their actions from chat, and "
        "every month CSP Bot posts the performance briefing, with its charts, to the "
        "partnership's channels. Mention CSP Bot and ask, e.g. 'burglary', 'priorities' or "
        "'help'.")


def manifest(app_id: str, name: str = "CSP Bot", *, developer: str = "CSP Bot",
             website: str = "https://example.org/cspbot", privacy: str | None = None,
             terms: str | None = None, domains: tuple[str, ...] = ()) -> dict[str, Any]:
    """The manifest of the app whose bot is the Microsoft app `app_id` (CLIENT_ID)."""
    if not GUID.match(app_id or ""):
        raise DataError(f"'{app_id}' is not an app id: give the bot's Microsoft app (client) id, "
                        "a GUID like 3f2504e0-4f89-41d3-9a0c-0305e82c3301.",
                        "cspbot teams package --app-id ID (or set CLIENT_ID)")
    for url in (website, privacy, terms):
        if url is not None and not url.startswith("https://"):
            raise DataError(f"'{url}' must be an https:// address (Teams requires it).")
    bad = [d for d in domains if not HOST.match(d.lower())]
    if bad:
        raise DataError(f"'{bad[0]}' is not a domain name: give a host such as "
                        "cspbot.example.org (no https://, no path).")
    if not 1 <= len(name.strip()) <= 30:
        raise DataError("The app's name must be 1 to 30 characters (Teams' short name).")
    team = [command_entry(c) for c in commands()][:MAX_COMMANDS]
    personal = [command_entry(c) for c in commands() if c.name not in CHANNEL_ONLY]
    return {
        "$schema": SCHEMA, "manifestVersion": MANIFEST_VERSION, "version": _version(),
        "id": app_id.lower(),
        "developer": {"name": developer[:32], "websiteUrl": website,
                      "privacyUrl": privacy or website, "termsOfUseUrl": terms or website},
        "name": {"short": name.strip(), "full": f"{name.strip()}: Community Safety Partnership"},
        "description": {"short": SHORT, "full": FULL},
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": ACCENT,
        "bots": [{
            "botId": app_id.lower(), "scopes": ["personal", "team", "groupChat"],
            "supportsFiles": False, "isNotificationOnly": False,
            "commandLists": [{"scopes": ["personal"], "commands": personal[:MAX_COMMANDS]},
                             {"scopes": ["team", "groupChat"], "commands": team}]}],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": sorted({d.lower() for d in domains}),
    }


def command_entry(command: Command) -> dict[str, str]:
    """What the user types (a command's name, or its first example when the usage starts with a
    placeholder, as '/csp <indicator> ...' does) and what it does."""
    title = command.name
    if command.usage.startswith("/csp <") and command.examples:
        title = command.examples[0].removeprefix("/csp ").strip()
    summary = command.summary.replace("`", "")
    if len(summary) > DESCRIPTION_CHARS:
        summary = summary[: DESCRIPTION_CHARS - 1].rstrip() + "…"
    return {"title": title[:TITLE_CHARS], "description": summary}


def _version() -> str:
    try:
        found = package_version("cspbot")
    except PackageNotFoundError:
        return "0.1.0"
    return found if re.match(r"^\d+\.\d+\.\d+$", found) else "0.1.0"


def color_icon() -> bytes:
    """192x192: three white bars rising on the accent colour."""
    return _draw(192, ACCENT, "white")


def outline_icon() -> bytes:
    """32x32: the same bars, white on transparent (every visible pixel pure white)."""
    import numpy as np
    from PIL import Image

    with Image.open(io.BytesIO(_draw(32, "white", "black"))) as drawn:
        ink = 255 - np.asarray(drawn.convert("L"), dtype=np.uint8)  # black bars -> opaque
    pixels = np.zeros((32, 32, 4), dtype=np.uint8)
    pixels[..., :3], pixels[..., 3] = 255, ink
    out = io.BytesIO()
    Image.fromarray(pixels, "RGBA").save(out, format="PNG")
    return out.getvalue()


def _draw(size: int, background: str, ink: str) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    figure = Figure(figsize=(1, 1), dpi=size, facecolor=background)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0, 0, 1, 1))
    axes.set_axis_off()
    axes.set_xlim(0, 1)
    axes.set_ylim(0, 1)
    for n, height in enumerate((0.3, 0.5, 0.7)):
        axes.add_patch(Rectangle((0.17 + n * 0.24, 0.15), 0.18, height, color=ink))
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=size, facecolor=background)
    return out.getvalue()


def package(manifest_json: dict[str, Any]) -> bytes:
    """The zip Teams takes: manifest.json and the two icons at its top level."""
    import json

    files = {"manifest.json": json.dumps(manifest_json, indent=2).encode(),
             "color.png": color_icon(), "outline.png": outline_icon()}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(2010, 4, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()
