"""`cspbot teams package`: the Teams app package, checked against Teams' rules for a manifest
and its icons."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
from PIL import Image

from handlers.registry import REGISTRY

APP_ID = "3f2504e0-4f89-41d3-9a0c-0305e82c3301"


def build(cspbot, tmp_path: Path, *args: str,  # type: ignore[no-untyped-def]
          env: dict[str, str] | None = None) -> zipfile.ZipFile:
    out = tmp_path / "pkg" / "cspbot-teams.zip"
    result = cspbot("teams", "package", "--out", out, *args, env=env)
    assert result.exit_code == 0, result.output
    return zipfile.ZipFile(out)


def test_the_package_holds_a_manifest_and_two_icons(cspbot, tmp_path: Path) -> None:
    archive = build(cspbot, tmp_path, "--app-id", APP_ID, "--domain", "cspbot.example.org")
    assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
    manifest = json.loads(archive.read("manifest.json"))
    assert tuple(map(int, manifest["manifestVersion"].split("."))) >= (1, 17)
    assert manifest["$schema"].endswith(f"v{manifest['manifestVersion']}/"
                                        "MicrosoftTeams.schema.json")
    assert manifest["id"] == APP_ID and manifest["validDomains"] == ["cspbot.example.org"]
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["name"]["full"]) <= 100
    assert len(manifest["description"]["short"]) <= 80
    assert len(manifest["description"]["full"]) <= 4000
    assert all(manifest["developer"][k].startswith("https://")
               for k in ("websiteUrl", "privacyUrl", "termsOfUseUrl"))
    [bot] = manifest["bots"]
    assert bot["botId"] == APP_ID and set(bot["scopes"]) == {"personal", "team", "groupChat"}
    scopes = [scope for entry in bot["commandLists"] for scope in entry["scopes"]]
    assert sorted(scopes) == ["groupChat", "personal", "team"]
    for entry in bot["commandLists"]:
        assert 1 <= len(entry["commands"]) <= 10
        for command in entry["commands"]:
            assert len(command["title"]) <= 32 and len(command["description"]) <= 128
            assert command["title"].split()[0] in REGISTRY or command["title"] == "burglary"
    personal = [c["title"] for c in bot["commandLists"][0]["commands"]]
    assert "subscribe" not in personal and "help" in personal and "update" in personal


def test_the_icons_are_the_sizes_teams_wants(cspbot, tmp_path: Path) -> None:
    archive = build(cspbot, tmp_path, "--app-id", APP_ID)
    color = Image.open(io.BytesIO(archive.read("color.png")))
    outline = Image.open(io.BytesIO(archive.read("outline.png")))
    assert color.size == (192, 192) and outline.size == (32, 32)
    pixels = np.asarray(outline.convert("RGBA"))
    visible = pixels[pixels[..., 3] > 0]
    assert len(visible) and (visible[:, :3] == 255).all()  # white on transparent only
    assert (pixels[..., 3] == 0).any()


def test_the_app_id_comes_from_client_id_and_is_checked(cspbot, tmp_path: Path) -> None:
    archive = build(cspbot, tmp_path, env={"CLIENT_ID": APP_ID})
    assert json.loads(archive.read("manifest.json"))["id"] == APP_ID
    again = tmp_path / "again.zip"
    assert cspbot("teams", "package", "--out", again, "--app-id", APP_ID).exit_code == 0
    assert again.read_bytes() == (tmp_path / "pkg" / "cspbot-teams.zip").read_bytes()
    missing = cspbot("teams", "package", "--out", tmp_path / "x.zip", env={"CLIENT_ID": ""})
    assert missing.exit_code == 1 and "--app-id" in missing.output
    bad = cspbot("teams", "package", "--out", tmp_path / "x.zip", "--app-id", "my-bot")
    assert bad.exit_code == 1 and "not an app id" in bad.output
    http = cspbot("teams", "package", "--out", tmp_path / "x.zip", "--app-id", APP_ID,
                  "--website", "http://example.org")
    assert http.exit_code == 1 and "https://" in http.output
    assert not (tmp_path / "x.zip").exists()
