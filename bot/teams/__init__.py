"""Microsoft Teams: the inbound app (`app`), the connector client for everything sent to Teams
(`connector`: replies, proactive posts, tokens), Adaptive Card and dialog rendering, installation
(conversation references and subscriptions) and the app package.

May import bot/ itself and the layers below; never slack/, delivery/ or scheduler/ (the effects
of a reply are handed in by bot/startup.py).
"""
