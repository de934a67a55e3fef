"""The monthly briefing delivered exactly once through the ledger: the platform-neutral parts of
a post (`parts`), the delivery itself (`deliver`) and the one platform-neutral function that
carries out what a handler asked for (`effects`, e.g. `/csp briefing send`).

May import bot/ itself, bot/slack/ and bot/teams/ (their posting and admin notices) and the
layers below; never scheduler/ or cli/.
"""
