"""Slack: the Bolt app and its listeners (one `register(app, ...)` per concern), Block Kit
rendering and escaping, sending replies, posting briefing parts, the admins' notices, the Web API
client and the app manifest (`manifest.json`).

May import bot/ itself, bot/answers/ and the layers below; never delivery/ or scheduler/ (what
the app runs for them, the effects of a reply, is handed in by bot/startup.py).
"""
