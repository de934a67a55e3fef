"""Microsoft Teams: the inbound app (`app`) and what a request must pass before it (`inbound`:
the Bot Framework token, checked by `tokens`, then the body), the connector client for
everything sent to Teams (`connector`: replies, proactive posts, the bot's own tokens), Adaptive
Card and dialog rendering, installation (conversation references and subscriptions) and the app
package.

May import bot/ itself and the layers below; never slack/, delivery/ or scheduler/ (the effects
of a reply are handed in by bot/startup.py).
"""
