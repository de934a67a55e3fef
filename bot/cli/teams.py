"""`cspbot teams package`: the Teams app package (manifest and icons, zipped) for sideloading."""

from __future__ import annotations

from pathlib import Path

import click

from bot.config import Config
from bot.teams.package import manifest, package
from data.errors import DataError


@click.group()
def teams() -> None:
    """Microsoft Teams: the app package to upload (see README, 'In chat: Microsoft Teams')."""


@teams.command("package")
@click.option("--out", "out", default="cspbot-teams.zip", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="The zip to write.")
@click.option("--app-id", metavar="ID", help="The bot's Microsoft app (client) id (default: "
              "$CLIENT_ID).")
@click.option("--name", default="CSP Bot", show_default=True, help="The app's name in Teams.")
@click.option("--domain", "domains", multiple=True, metavar="HOST",
              help="A domain the app may open (validDomains), e.g. the bot's own host; "
              "repeatable.")
@click.option("--developer", default="CSP Bot", show_default=True,
              help="Who publishes the app (your partnership or council).")
@click.option("--website", default="https://example.org/cspbot", show_default=True,
              help="The developer's https:// website (also the privacy and terms pages unless "
              "given).")
@click.option("--privacy-url", help="The https:// privacy statement.")
@click.option("--terms-url", help="The https:// terms of use.")
@click.pass_obj
def package_command(config: Config, out: Path, app_id: str | None, name: str,
                    domains: tuple[str, ...], developer: str, website: str,
                    privacy_url: str | None, terms_url: str | None) -> None:
    """Write the Teams app package: manifest.json, color.png and outline.png, zipped."""

    app_id = app_id or config.teams_client_id
    if not app_id:
        raise DataError("Which app? Give --app-id ID or set CLIENT_ID: the bot's Microsoft "
                        "app (client) id from its Azure Bot or Teams Developer Portal "
                        "registration.")
    data = manifest(app_id, name, developer=developer, website=website, privacy=privacy_url,
                    terms=terms_url, domains=domains)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(package(data))
    click.echo(f"Wrote {out}: manifest.json (Teams manifest {data['manifestVersion']}, bot "
               f"{data['bots'][0]['botId']}), color.png, outline.png. Upload it in Teams (Apps, "
               "Manage your apps, Upload an app) or in the Teams Developer Portal.")
